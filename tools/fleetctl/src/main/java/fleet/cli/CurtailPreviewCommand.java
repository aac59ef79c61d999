package fleet.cli;

import fleet.curtailment.v1.PlannedDevice;
import fleet.curtailment.v1.PreviewCurtailmentPlanRequest;
import fleet.curtailment.v1.PreviewCurtailmentPlanResponse;
import fleet.curtailment.v1.SkipReasonCount;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code fleetctl curtail preview}: the plan, persisting nothing. */
@Command(name = "preview", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Show what a Start would select and skip, and the estimated reduction. Persists nothing.")
public class CurtailPreviewCommand implements Callable<Integer> {

    @Mixin
    ClientOptions client;

    @Mixin
    SelectionOptions selection;

    @Option(names = "--max-listed", defaultValue = "20", description = "Selected/skipped devices to list (default ${DEFAULT-VALUE}).")
    int maxListed;

    @Override
    public Integer call() {
        PreviewCurtailmentPlanRequest.Builder request = PreviewCurtailmentPlanRequest.newBuilder()
                .setScope(selection.scope()).setMode(selection.mode()).setPriority(selection.priority())
                .setPostEventCooldownSec(selection.cooldownSec).setIncludeMaintenance(selection.includeMaintenance)
                .setCandidateMinPowerWOverride(selection.minPowerOverride).setMaxDevicesListed(maxListed);
        if (selection.fixedKw() != null) {
            request.setFixedKw(selection.fixedKw());
        }
        try (ClientOptions c = client) {
            PreviewCurtailmentPlanResponse plan = c.curtailment().previewCurtailmentPlan(request.build());
            PrintWriter out = c.out();
            if (c.json()) {
                out.println(Output.json(plan));
            } else {
                print(out, plan);
            }
            out.flush();
            return 0;
        }
    }

    static void print(PrintWriter out, PreviewCurtailmentPlanResponse plan) {
        out.printf(Locale.ROOT, "devices in scope  %d (%s kW)%n", plan.getDevicesInScope(), Output.kw(plan.getScopePowerKw()));
        out.printf(Locale.ROOT, "selected          %d, estimated reduction %s kW, remaining %s kW%n",
                plan.getSelectedTotal(), Output.kw(plan.getEstimatedReductionKw()), Output.kw(plan.getRemainingPowerKw()));
        StringBuilder skipped = new StringBuilder();
        for (SkipReasonCount c : plan.getSkippedByReasonList()) {
            skipped.append(skipped.length() == 0 ? "" : ", ")
                    .append(Output.name(c.getReason(), "SKIP_REASON_").toLowerCase(Locale.ROOT)).append(' ').append(c.getCount());
        }
        out.printf(Locale.ROOT, "skipped           %d%s%n", plan.getSkippedTotal(),
                skipped.length() == 0 ? "" : " (" + skipped + ")");
        out.printf(Locale.ROOT, "min power floor   %.0f W%n", plan.getCandidateMinPowerW());
        if (plan.getSelectedCount() > 0) {
            out.println();
            Output.Table t = new Output.Table("RANK", "DEVICE", "POWER_W", "HASH_THS", "J_PER_TH", "BASELINE_W");
            for (PlannedDevice d : plan.getSelectedList()) {
                t.row(d.getRank(), d.getDeviceIdentifier(), String.format(Locale.ROOT, "%.0f", d.getPowerW()),
                        String.format(Locale.ROOT, "%.1f", d.getHashrateThs()),
                        d.getEfficiencyKnown() ? String.format(Locale.ROOT, "%.1f", d.getEfficiencyJPerTh()) : "-",
                        d.getBaselinePowerW() == 0 ? "-" : String.format(Locale.ROOT, "%.0f", d.getBaselinePowerW()));
            }
            t.print(out);
        }
        if (plan.getListingTruncated()) {
            out.println("(listing truncated; --max-listed shows more)");
        }
    }
}
