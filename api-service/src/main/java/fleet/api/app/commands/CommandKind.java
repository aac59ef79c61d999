package fleet.api.app.commands;

import fleet.curtailment.v1.CommandType;
import fleet.driver.Capability;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The commands of SPEC §7.4 with the capability each needs (any one of {@link #anyOf()}), their
 * {@code operator_command.command_type} names and their wire types. CURTAIL and UNCURTAIL are the reconciler's own
 * commands (actor {@code curtailment}): they can be checked, never queued by a request.
 */
public enum CommandKind {
    REBOOT(CommandType.COMMAND_TYPE_REBOOT, true, List.of(Capability.REBOOT)),
    SET_POWER_TARGET(CommandType.COMMAND_TYPE_SET_POWER_TARGET, true, List.of(Capability.POWER_TARGET)),
    START_MINING(CommandType.COMMAND_TYPE_START_MINING, true, List.of(Capability.MINING_START_STOP)),
    STOP_MINING(CommandType.COMMAND_TYPE_STOP_MINING, true, List.of(Capability.MINING_START_STOP)),
    CURTAIL(CommandType.COMMAND_TYPE_CURTAIL, false, List.of(Capability.CURTAIL_FULL)),
    UNCURTAIL(CommandType.COMMAND_TYPE_UNCURTAIL, false, List.of(Capability.CURTAIL_FULL, Capability.CURTAIL_EFFICIENCY));

    private final CommandType wire;
    private final boolean operatorCommand;
    private final List<Capability> anyOf;

    CommandKind(CommandType wire, boolean operatorCommand, List<Capability> anyOf) {
        this.wire = wire;
        this.operatorCommand = operatorCommand;
        this.anyOf = anyOf;
    }

    public CommandType wire() {
        return wire;
    }

    /** True for the commands an operator may queue; false for the reconciler's CURTAIL / UNCURTAIL. */
    public boolean operatorCommand() {
        return operatorCommand;
    }

    /** The device needs at least one of these. */
    public List<Capability> anyOf() {
        return anyOf;
    }

    /** The {@code operator_command.command_type} value (only for operator commands). */
    public String dbName() {
        return name();
    }

    /** True when a device with these {@code device.capabilities} flags can run the command. */
    public boolean supportedBy(Set<String> capabilities) {
        return anyOf.stream().anyMatch(c -> capabilities.contains(c.dbName()));
    }

    /** Why a device of {@code driver} cannot run it, e.g. "driver cgminer lacks curtail_full". */
    public String unsupportedReason(String driver) {
        return "driver " + driver + " lacks " + anyOf.stream().map(Capability::dbName).collect(Collectors.joining(" or "));
    }

    public static Optional<CommandKind> fromWire(CommandType type) {
        for (CommandKind k : values()) {
            if (k.wire == type) {
                return Optional.of(k);
            }
        }
        return Optional.empty();
    }

    public static CommandKind fromDb(String name) {
        return valueOf(name);
    }
}
