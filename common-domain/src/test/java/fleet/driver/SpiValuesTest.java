package fleet.driver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class SpiValuesTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void preCurtailSnapshotRoundTripsThroughJsonWithStableNames() throws Exception {
        PreCurtailSnapshot snapshot = new PreCurtailSnapshot(true, 3100, "default");
        String json = JSON.writeValueAsString(snapshot);
        assertThat(json).isEqualTo("{\"was_mining\":true,\"power_target_w\":3100,\"profile\":\"default\"}");
        assertThat(JSON.readValue(json, PreCurtailSnapshot.class)).isEqualTo(snapshot);
    }

    @Test
    void preCurtailSnapshotOmitsUnknownsAndToleratesNewerFields() throws Exception {
        assertThat(JSON.writeValueAsString(PreCurtailSnapshot.unknown())).isEqualTo("{}");
        PreCurtailSnapshot read = JSON.readValue("{\"was_mining\":false,\"added_later\":1}", PreCurtailSnapshot.class);
        assertThat(read.wasMining()).isFalse();
        assertThat(read.shouldResumeMining()).isFalse();
        assertThat(PreCurtailSnapshot.unknown().shouldResumeMining()).isTrue();
    }

    @Test
    void snapshotFromTelemetry() {
        TelemetrySample asleep = new TelemetrySample(Instant.EPOCH, 25.0, PowerSource.MEASURED_PSU, 0.0, 1e14,
                MinerState.SLEEPING, "LUXminer", "S19", "eco", null);
        assertThat(PreCurtailSnapshot.from(asleep)).isEqualTo(new PreCurtailSnapshot(false, null, "eco"));
        TelemetrySample mining = new TelemetrySample(Instant.EPOCH, null, PowerSource.NONE, 1e14, 1e14,
                MinerState.MINING, null, null, null, null);
        assertThat(PreCurtailSnapshot.from(mining).wasMining()).isTrue();
    }

    @Test
    void telemetryPowerAndSourceGoTogether() {
        assertThatThrownBy(() -> new TelemetrySample(Instant.EPOCH, null, PowerSource.MEASURED_PSU, null, null,
                MinerState.UNKNOWN, null, null, null, null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new TelemetrySample(Instant.EPOCH, 10.0, PowerSource.NONE, null, null,
                MinerState.UNKNOWN, null, null, null, null)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void outcomeKindsSayWhatToDoNext() {
        assertThat(Arrays.stream(CommandOutcome.Kind.values()).filter(CommandOutcome.Kind::retryable))
                .containsExactly(CommandOutcome.Kind.BUSY, CommandOutcome.Kind.UNREACHABLE,
                        CommandOutcome.Kind.TIMEOUT, CommandOutcome.Kind.PROTOCOL_ERROR);
        assertThat(CommandOutcome.unsupported("x").retryable()).isFalse();
        assertThat(CommandOutcome.accepted().succeeded()).isTrue();
        assertThatThrownBy(() -> new CommandOutcome(CommandOutcome.Kind.REFUSED, null, null, null))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new MinerCallException(CommandOutcome.accepted()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void rawRepliesAreBounded() {
        byte[] big = new byte[10_000];
        Arrays.fill(big, (byte) 'x');
        RawReply raw = RawReply.of(big, 100);
        assertThat(raw.bytes()).hasSize(100);
        assertThat(raw.originalLength()).isEqualTo(10_000);
        assertThat(raw.truncated()).isTrue();
        assertThat(RawReply.of(new byte[] {'{', 0}, 10).preview()).isEqualTo("{\\u0000");
    }
}
