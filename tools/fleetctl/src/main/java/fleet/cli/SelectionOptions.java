package fleet.cli;

import fleet.curtailment.v1.CurtailmentMode;
import fleet.curtailment.v1.CurtailmentPriority;
import fleet.curtailment.v1.DeviceIdentifierList;
import fleet.curtailment.v1.FixedKwParams;
import fleet.curtailment.v1.IdList;
import fleet.curtailment.v1.Scope;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** The selection options Preview and Start share (SPEC §3, §4): one scope, the mode and its parameters. */
public class SelectionOptions {

    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    @ArgGroup(exclusive = true, multiplicity = "1", heading = "Scope (exactly one):%n")
    ScopeOptions scope;

    static class ScopeOptions {
        @Option(names = "--whole-org", description = "Every device of the organization.")
        boolean wholeOrg;

        @Option(names = "--sites", split = ",", paramLabel = "ID", description = "Site ids.")
        List<String> sites;

        @Option(names = "--buildings", split = ",", paramLabel = "ID", description = "Building ids.")
        List<String> buildings;

        @Option(names = "--racks", split = ",", paramLabel = "ID", description = "Rack ids.")
        List<String> racks;

        @Option(names = "--groups", split = ",", paramLabel = "ID", description = "Group ids.")
        List<String> groups;

        @Option(names = "--devices", split = ",", paramLabel = "IDENTIFIER", description = "Device identifiers.")
        List<String> devices;

        @Option(names = "--devices-file", paramLabel = "FILE", description = "Device identifiers, one per line.")
        Path devicesFile;
    }

    /** Modes of {@code --mode}. */
    public enum Mode { fixed_kw, full_fleet }

    /** Priorities of {@code --priority}. */
    public enum Priority { normal, emergency }

    @Option(names = "--mode", required = true, converter = ModeConverter.class,
            description = "fixed-kw (shed --target-kw, least efficient first) or full-fleet (every eligible device).")
    Mode mode;

    @Option(names = "--target-kw", description = "FIXED_KW: kW to shed.")
    Double targetKw;

    @Option(names = "--tolerance-kw", defaultValue = "0", description = "FIXED_KW: accepted shortfall in kW (default 0).")
    double toleranceKw;

    @Option(names = "--priority", defaultValue = "normal", description = "normal or emergency (bypasses cooldown and pacing).")
    Priority priority;

    @Option(names = "--cooldown", defaultValue = "0", paramLabel = "SECONDS",
            description = "Skip devices restored less than this long ago (post_event_cooldown_sec).")
    int cooldownSec;

    @Option(names = "--include-maintenance", description = "ADMIN: include devices flagged for maintenance.")
    boolean includeMaintenance;

    @Option(names = "--min-power-override", defaultValue = "0", paramLabel = "WATTS",
            description = "ADMIN: candidate_min_power_w for this request.")
    int minPowerOverride;

    static final class ModeConverter implements picocli.CommandLine.ITypeConverter<Mode> {
        @Override
        public Mode convert(String value) {
            return Mode.valueOf(value.trim().toLowerCase(java.util.Locale.ROOT).replace('-', '_'));
        }
    }

    Scope scope() {
        Scope.Builder s = Scope.newBuilder();
        ScopeOptions o = scope;
        if (o.wholeOrg) {
            s.setWholeOrg(true);
        } else if (o.sites != null) {
            s.setSiteIds(IdList.newBuilder().addAllIds(o.sites));
        } else if (o.buildings != null) {
            s.setBuildingIds(IdList.newBuilder().addAllIds(o.buildings));
        } else if (o.racks != null) {
            s.setRackIds(IdList.newBuilder().addAllIds(o.racks));
        } else if (o.groups != null) {
            s.setGroupIds(IdList.newBuilder().addAllIds(o.groups));
        } else if (o.devices != null) {
            s.setDeviceIdentifiers(DeviceIdentifierList.newBuilder().addAllIdentifiers(o.devices));
        } else {
            try {
                List<String> ids = Files.readAllLines(o.devicesFile, StandardCharsets.UTF_8).stream().map(String::trim)
                        .filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
                s.setDeviceIdentifiers(DeviceIdentifierList.newBuilder().addAllIdentifiers(ids));
            } catch (IOException e) {
                throw new ParameterException(spec.commandLine(), "cannot read " + o.devicesFile + ": " + e.getMessage());
            }
        }
        return s.build();
    }

    CurtailmentMode mode() {
        if (mode == Mode.fixed_kw && targetKw == null) {
            throw new ParameterException(spec.commandLine(), "--mode fixed-kw needs --target-kw");
        }
        if (mode == Mode.full_fleet && targetKw != null) {
            throw new ParameterException(spec.commandLine(), "--target-kw applies to --mode fixed-kw only");
        }
        return mode == Mode.fixed_kw ? CurtailmentMode.CURTAILMENT_MODE_FIXED_KW : CurtailmentMode.CURTAILMENT_MODE_FULL_FLEET;
    }

    /** The FIXED_KW parameters, or null for FULL_FLEET. */
    FixedKwParams fixedKw() {
        return mode == Mode.fixed_kw && targetKw != null
                ? FixedKwParams.newBuilder().setTargetKw(targetKw).setToleranceKw(toleranceKw).build() : null;
    }

    CurtailmentPriority priority() {
        return priority == Priority.emergency ? CurtailmentPriority.CURTAILMENT_PRIORITY_EMERGENCY
                : CurtailmentPriority.CURTAILMENT_PRIORITY_NORMAL;
    }
}
