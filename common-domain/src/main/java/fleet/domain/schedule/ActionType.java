package fleet.domain.schedule;

import fleet.driver.Capability;
import java.util.Optional;

/**
 * What a schedule does at a window's start and at its end (the revert). The names are the
 * {@code operator_command.command_type} values the processor queues; each needs one driver capability.
 */
public enum ActionType {
    SET_POWER_TARGET(Capability.POWER_TARGET),
    STOP_MINING(Capability.MINING_START_STOP),
    START_MINING(Capability.MINING_START_STOP);

    private final Capability needs;

    ActionType(Capability needs) {
        this.needs = needs;
    }

    /** The device capability the command needs. */
    public Capability needs() {
        return needs;
    }

    /** The {@code operator_command.command_type} / {@code schedule.action_type} value. */
    public String dbName() {
        return name();
    }

    public static Optional<ActionType> fromDb(String value) {
        for (ActionType t : values()) {
            if (t.name().equals(value)) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }
}
