package fleet.reconciler.telemetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import fleet.domain.DeviceStatus;
import fleet.driver.CommandOutcome;
import fleet.driver.MinerState;
import fleet.driver.RawReply;
import fleet.driver.RefusalReason;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class StatusMappingTest {

    @ParameterizedTest
    @EnumSource(value = MinerState.class, names = {"MINING", "SLEEPING", "STOPPED", "STARTING", "NO_POOL", "REBOOTING",
            "ERROR"})
    void aReportedStateMapsByName(MinerState state) {
        assertThat(StatusMapping.statusOf(state)).isEqualTo(DeviceStatus.valueOf(state.name()));
    }

    @Test
    void anUnknownStateIsStoredAsError() {
        assertThat(StatusMapping.statusOf(MinerState.UNKNOWN)).isEqualTo(DeviceStatus.ERROR);
    }

    @Test
    void failuresMapByOutcome() {
        assertThat(StatusMapping.statusOf(CommandOutcome.unreachable("refused"))).isEqualTo(DeviceStatus.UNREACHABLE);
        assertThat(StatusMapping.statusOf(CommandOutcome.timeout("read"))).isEqualTo(DeviceStatus.UNREACHABLE);
        assertThat(StatusMapping.statusOf(CommandOutcome.refused(RefusalReason.AUTH, "Code 403")))
                .isEqualTo(DeviceStatus.AUTH_FAILED);
        assertThat(StatusMapping.statusOf(CommandOutcome.refused(RefusalReason.ACCESS_DENIED, "Code 45")))
                .isEqualTo(DeviceStatus.ERROR);
        assertThat(StatusMapping.statusOf(CommandOutcome.refused(RefusalReason.UNSUPPORTED, "Code 14")))
                .isEqualTo(DeviceStatus.ERROR);
        assertThat(StatusMapping.statusOf(CommandOutcome.protocolError("bad json", RawReply.empty())))
                .isEqualTo(DeviceStatus.ERROR);
        assertThat(StatusMapping.statusOf(CommandOutcome.busy("Code 402"))).isEqualTo(DeviceStatus.ERROR);
    }

    @Test
    void aSuccessIsNotAFailure() {
        assertThatThrownBy(() -> StatusMapping.statusOf(CommandOutcome.accepted()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void failureReasonsAreABoundedLowerCaseVocabulary() {
        assertThat(StatusMapping.failureReason(CommandOutcome.unreachable("x"))).isEqualTo("unreachable");
        assertThat(StatusMapping.failureReason(CommandOutcome.timeout("x"))).isEqualTo("timeout");
        assertThat(StatusMapping.failureReason(CommandOutcome.protocolError("x", null))).isEqualTo("protocol_error");
        assertThat(StatusMapping.failureReason(CommandOutcome.refused(RefusalReason.AUTH, "detail varies")))
                .isEqualTo("refused_auth");
    }
}
