package fleet.domain.schedule;

import java.util.Objects;

/**
 * A schedule's action or revert. {@code powerTargetW} is set for SET_POWER_TARGET only, within
 * {@link ScheduleBounds#MIN_POWER_TARGET_W}..{@link ScheduleBounds#MAX_POWER_TARGET_W}.
 */
public record ScheduleAction(ActionType type, Integer powerTargetW) {

    public ScheduleAction {
        Objects.requireNonNull(type, "type");
        if (type == ActionType.SET_POWER_TARGET) {
            if (powerTargetW == null || powerTargetW < ScheduleBounds.MIN_POWER_TARGET_W
                    || powerTargetW > ScheduleBounds.MAX_POWER_TARGET_W) {
                throw new IllegalArgumentException("power target must be " + ScheduleBounds.MIN_POWER_TARGET_W + ".."
                        + ScheduleBounds.MAX_POWER_TARGET_W + " W");
            }
        } else if (powerTargetW != null) {
            throw new IllegalArgumentException(type + " takes no power target");
        }
    }

    public static ScheduleAction setPowerTarget(int watts) {
        return new ScheduleAction(ActionType.SET_POWER_TARGET, watts);
    }

    public static ScheduleAction stopMining() {
        return new ScheduleAction(ActionType.STOP_MINING, null);
    }

    public static ScheduleAction startMining() {
        return new ScheduleAction(ActionType.START_MINING, null);
    }
}
