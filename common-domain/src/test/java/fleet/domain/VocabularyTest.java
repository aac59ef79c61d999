package fleet.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import fleet.domain.selection.SkipReason;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class VocabularyTest {

    private static <E extends Enum<E> & WireEnum> List<String> wires(E[] values) {
        return Arrays.stream(values).map(e -> e.name() + "=" + e.wire()).toList();
    }

    @Test
    void wireNumbersArePinned() {
        assertThat(wires(CurtailmentMode.values())).containsExactly("FIXED_KW=1", "FULL_FLEET=2");
        assertThat(wires(CurtailmentPriority.values())).containsExactly("NORMAL=1", "EMERGENCY=2");
        assertThat(wires(CurtailmentLevel.values())).containsExactly("EFFICIENCY=1", "FULL=2");
        assertThat(wires(SkipReason.values())).containsExactly("ACTIVE_EVENT=1", "CURTAIL_UNSUPPORTED=2",
                "MAINTENANCE=3", "UNREACHABLE=4", "AUTH_FAILED=5", "UPDATING=6", "REBOOTING=7", "ALREADY_CURTAILED=8",
                "STALE_TELEMETRY=9", "COOLDOWN=10", "BELOW_MIN_POWER=11", "POWER_TELEMETRY_UNRELIABLE=12",
                "PHANTOM_LOAD_NO_HASH=13");
    }

    @Test
    void fromWireRoundTripsAndRejectsUnspecified() {
        for (CurtailmentMode m : CurtailmentMode.values()) {
            assertThat(CurtailmentMode.fromWire(m.wire())).isSameAs(m);
        }
        for (CurtailmentPriority p : CurtailmentPriority.values()) {
            assertThat(CurtailmentPriority.fromWire(p.wire())).isSameAs(p);
        }
        for (CurtailmentLevel l : CurtailmentLevel.values()) {
            assertThat(CurtailmentLevel.fromWire(l.wire())).isSameAs(l);
        }
        for (SkipReason r : SkipReason.values()) {
            assertThat(SkipReason.fromWire(r.wire())).isSameAs(r);
        }
        assertThatThrownBy(() -> CurtailmentMode.fromWire(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> CurtailmentPriority.fromWire(3)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SkipReason.fromWire(14)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void skipReasonCodesAreTheSpecNames() {
        assertThat(Arrays.stream(SkipReason.values()).map(SkipReason::code)).containsExactly("active_event",
                "curtail_unsupported", "maintenance", "unreachable", "auth_failed", "updating", "rebooting",
                "already_curtailed", "stale_telemetry", "cooldown", "below_min_power", "power_telemetry_unreliable",
                "phantom_load_no_hash");
    }

    @Test
    void deviceStatusNamesMatchTheDatabaseCheck() {
        assertThat(Arrays.stream(DeviceStatus.values()).map(Enum::name)).containsExactlyInAnyOrder("MINING",
                "SLEEPING", "UNREACHABLE", "AUTH_FAILED", "UPDATING", "REBOOTING", "NO_POOL", "STOPPED", "STARTING",
                "ERROR");
        assertThat(DeviceStatus.fromDb("NO_POOL")).isEqualTo(DeviceStatus.NO_POOL);
        assertThat(DeviceStatus.fromDb(null)).isNull();
        assertThat(Arrays.stream(DeviceStatus.values()).filter(DeviceStatus::pollFailed)).containsExactly(
                DeviceStatus.UNREACHABLE, DeviceStatus.AUTH_FAILED, DeviceStatus.UPDATING, DeviceStatus.REBOOTING);
    }
}
