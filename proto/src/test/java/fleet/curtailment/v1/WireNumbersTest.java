package fleet.curtailment.v1;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ProtocolMessageEnum;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Pins every enum's wire numbers: clients and the database store these numbers, so a renumbering or a removed value
 * must fail the build. Adding a value means adding it here, on purpose.
 */
class WireNumbersTest {

    private static <E extends Enum<E> & ProtocolMessageEnum> Map<String, Integer> numbers(Class<E> type) {
        Map<String, Integer> out = new LinkedHashMap<>();
        Arrays.stream(type.getEnumConstants()).filter(e -> !e.name().equals("UNRECOGNIZED"))
                .forEach(e -> out.put(e.name(), e.getNumber()));
        return out;
    }

    @Test
    void eventStates() {
        assertThat(numbers(CurtailmentEventState.class)).containsExactly(
                Map.entry("CURTAILMENT_EVENT_STATE_UNSPECIFIED", 0),
                Map.entry("CURTAILMENT_EVENT_STATE_PENDING", 1),
                Map.entry("CURTAILMENT_EVENT_STATE_ACTIVE", 2),
                Map.entry("CURTAILMENT_EVENT_STATE_RESTORING", 3),
                Map.entry("CURTAILMENT_EVENT_STATE_COMPLETED", 4),
                Map.entry("CURTAILMENT_EVENT_STATE_COMPLETED_WITH_FAILURES", 5),
                Map.entry("CURTAILMENT_EVENT_STATE_CANCELLED", 6),
                Map.entry("CURTAILMENT_EVENT_STATE_FAILED", 7));
    }

    @Test
    void targetStates() {
        assertThat(numbers(CurtailmentTargetState.class)).containsExactly(
                Map.entry("CURTAILMENT_TARGET_STATE_UNSPECIFIED", 0),
                Map.entry("CURTAILMENT_TARGET_STATE_PENDING", 1),
                Map.entry("CURTAILMENT_TARGET_STATE_DISPATCHED", 2),
                Map.entry("CURTAILMENT_TARGET_STATE_CONFIRMED", 3),
                Map.entry("CURTAILMENT_TARGET_STATE_DRIFTED", 4),
                Map.entry("CURTAILMENT_TARGET_STATE_RESOLVED", 5),
                Map.entry("CURTAILMENT_TARGET_STATE_RELEASED", 6),
                Map.entry("CURTAILMENT_TARGET_STATE_RESTORE_FAILED", 7),
                Map.entry("CURTAILMENT_TARGET_STATE_DISPATCHING", 8),
                Map.entry("CURTAILMENT_TARGET_STATE_UNAVAILABLE", 9),
                Map.entry("CURTAILMENT_TARGET_STATE_CURTAIL_FAILED", 10));
    }

    @Test
    void desiredStatesModesLevelsPriorities() {
        assertThat(numbers(DesiredState.class)).containsExactly(Map.entry("DESIRED_STATE_UNSPECIFIED", 0),
                Map.entry("DESIRED_STATE_CURTAILED", 1), Map.entry("DESIRED_STATE_ACTIVE", 2));
        assertThat(numbers(CurtailmentMode.class)).containsExactly(Map.entry("CURTAILMENT_MODE_UNSPECIFIED", 0),
                Map.entry("CURTAILMENT_MODE_FIXED_KW", 1), Map.entry("CURTAILMENT_MODE_FULL_FLEET", 2));
        assertThat(numbers(CurtailmentLevel.class)).containsExactly(Map.entry("CURTAILMENT_LEVEL_UNSPECIFIED", 0),
                Map.entry("CURTAILMENT_LEVEL_EFFICIENCY", 1), Map.entry("CURTAILMENT_LEVEL_FULL", 2));
        assertThat(numbers(CurtailmentPriority.class)).containsExactly(Map.entry("CURTAILMENT_PRIORITY_UNSPECIFIED", 0),
                Map.entry("CURTAILMENT_PRIORITY_NORMAL", 1), Map.entry("CURTAILMENT_PRIORITY_EMERGENCY", 2));
    }

    @Test
    void skipReasons() {
        assertThat(numbers(SkipReason.class)).containsExactly(
                Map.entry("SKIP_REASON_UNSPECIFIED", 0),
                Map.entry("SKIP_REASON_ACTIVE_EVENT", 1),
                Map.entry("SKIP_REASON_CURTAIL_UNSUPPORTED", 2),
                Map.entry("SKIP_REASON_MAINTENANCE", 3),
                Map.entry("SKIP_REASON_UNREACHABLE", 4),
                Map.entry("SKIP_REASON_AUTH_FAILED", 5),
                Map.entry("SKIP_REASON_UPDATING", 6),
                Map.entry("SKIP_REASON_REBOOTING", 7),
                Map.entry("SKIP_REASON_ALREADY_CURTAILED", 8),
                Map.entry("SKIP_REASON_STALE_TELEMETRY", 9),
                Map.entry("SKIP_REASON_COOLDOWN", 10),
                Map.entry("SKIP_REASON_BELOW_MIN_POWER", 11),
                Map.entry("SKIP_REASON_POWER_TELEMETRY_UNRELIABLE", 12),
                Map.entry("SKIP_REASON_PHANTOM_LOAD_NO_HASH", 13));
    }

    @Test
    void actorsRolesStatusesPowerSources() {
        assertThat(numbers(ActorType.class)).containsExactly(Map.entry("ACTOR_TYPE_UNSPECIFIED", 0),
                Map.entry("ACTOR_TYPE_USER", 1), Map.entry("ACTOR_TYPE_API_KEY", 2), Map.entry("ACTOR_TYPE_AUTOMATION", 3),
                Map.entry("ACTOR_TYPE_SCHEDULER", 4), Map.entry("ACTOR_TYPE_SYSTEM", 5), Map.entry("ACTOR_TYPE_CURTAILMENT", 6));
        assertThat(numbers(Role.class)).containsExactly(Map.entry("ROLE_UNSPECIFIED", 0), Map.entry("ROLE_VIEWER", 1),
                Map.entry("ROLE_OPERATOR", 2), Map.entry("ROLE_ADMIN", 3));
        assertThat(numbers(DeviceStatus.class)).containsExactly(Map.entry("DEVICE_STATUS_UNSPECIFIED", 0),
                Map.entry("DEVICE_STATUS_MINING", 1), Map.entry("DEVICE_STATUS_SLEEPING", 2),
                Map.entry("DEVICE_STATUS_UNREACHABLE", 3), Map.entry("DEVICE_STATUS_AUTH_FAILED", 4),
                Map.entry("DEVICE_STATUS_UPDATING", 5), Map.entry("DEVICE_STATUS_REBOOTING", 6),
                Map.entry("DEVICE_STATUS_NO_POOL", 7), Map.entry("DEVICE_STATUS_STOPPED", 8),
                Map.entry("DEVICE_STATUS_STARTING", 9), Map.entry("DEVICE_STATUS_ERROR", 10));
        assertThat(numbers(PowerSource.class)).containsExactly(Map.entry("POWER_SOURCE_UNSPECIFIED", 0),
                Map.entry("POWER_SOURCE_MEASURED_PSU", 1), Map.entry("POWER_SOURCE_FIRMWARE_ESTIMATE", 2),
                Map.entry("POWER_SOURCE_NAMEPLATE_ESTIMATE", 3), Map.entry("POWER_SOURCE_NONE", 4));
    }

    @Test
    void commandTypesAndStates() {
        assertThat(numbers(CommandType.class)).containsExactly(Map.entry("COMMAND_TYPE_UNSPECIFIED", 0),
                Map.entry("COMMAND_TYPE_REBOOT", 1), Map.entry("COMMAND_TYPE_SET_POWER_TARGET", 2),
                Map.entry("COMMAND_TYPE_START_MINING", 3), Map.entry("COMMAND_TYPE_STOP_MINING", 4),
                Map.entry("COMMAND_TYPE_CURTAIL", 5), Map.entry("COMMAND_TYPE_UNCURTAIL", 6));
        assertThat(numbers(CommandState.class)).containsExactly(Map.entry("COMMAND_STATE_UNSPECIFIED", 0),
                Map.entry("COMMAND_STATE_QUEUED", 1), Map.entry("COMMAND_STATE_RUNNING", 2),
                Map.entry("COMMAND_STATE_SUCCEEDED", 3), Map.entry("COMMAND_STATE_FAILED", 4),
                Map.entry("COMMAND_STATE_BLOCKED_BY_CURTAILMENT", 5), Map.entry("COMMAND_STATE_UNSUPPORTED", 6),
                Map.entry("COMMAND_STATE_RETRY_WAIT", 7));
    }
}
