package fleet.reconciler.commands;

import static org.assertj.core.api.Assertions.assertThat;

import fleet.driver.CommandOutcome;
import fleet.driver.DeviceEndpoint;
import fleet.driver.RefusalReason;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/** Outcome → command state, retry budget and backoff: the executor's whole decision, table-driven. */
class AttemptResultTest {

    private static final CommandSettings SETTINGS = CommandSettings.defaults()
            .withBackoff(Duration.ofSeconds(10), Duration.ofSeconds(60));

    private static ClaimedCommand attempt(int attempts, int maxAttempts) {
        return new ClaimedCommand(UUID.randomUUID(), 1, UUID.randomUUID(), UUID.randomUUID(), "REBOOT", new JsonObject(),
                CommandStates.RUNNING, attempts, maxAttempts,
                new DeviceEndpoint(UUID.randomUUID(), "m-1", "127.0.0.1", 4028, "luxos"), Set.of("reboot"), null);
    }

    static Stream<Arguments> outcomes() {
        return Stream.of(
                Arguments.of(CommandOutcome.accepted(), 1, "SUCCEEDED", Duration.ZERO),
                Arguments.of(CommandOutcome.alreadyInState("asleep"), 5, "SUCCEEDED", Duration.ZERO),
                Arguments.of(CommandOutcome.refused(RefusalReason.ACCESS_DENIED, "Code 45"), 1, "FAILED", Duration.ZERO),
                Arguments.of(CommandOutcome.refused(RefusalReason.AUTH, "bad password"), 1, "FAILED", Duration.ZERO),
                Arguments.of(CommandOutcome.unsupported("reboot"), 1, "UNSUPPORTED", Duration.ZERO),
                Arguments.of(CommandOutcome.busy("Code 402"), 1, "RETRY_WAIT", Duration.ofSeconds(10)),
                Arguments.of(CommandOutcome.unreachable("refused"), 2, "RETRY_WAIT", Duration.ofSeconds(20)),
                Arguments.of(CommandOutcome.timeout("read"), 3, "RETRY_WAIT", Duration.ofSeconds(40)),
                Arguments.of(CommandOutcome.protocolError("bad json", null), 4, "RETRY_WAIT", Duration.ofSeconds(60)),
                Arguments.of(CommandOutcome.busy("Code 402"), 5, "FAILED", Duration.ZERO),
                Arguments.of(CommandOutcome.timeout("read"), 5, "FAILED", Duration.ZERO));
    }

    @ParameterizedTest
    @MethodSource("outcomes")
    void outcomeDecidesStateAndBackoff(CommandOutcome outcome, int attempts, String state, Duration backoff) {
        AttemptResult r = AttemptResult.decide(attempt(attempts, 5), outcome, SETTINGS);
        assertThat(r.state()).isEqualTo(state);
        assertThat(r.retryAfter()).isEqualTo(backoff);
        assertThat(r.attempt()).isEqualTo(attempts);
        assertThat(r.lastError() == null).isEqualTo(state.equals("SUCCEEDED"));
    }

    @Test
    void budgetExhaustionNamesTheLastOutcome() {
        AttemptResult r = AttemptResult.decide(attempt(3, 3), CommandOutcome.busy("Code 402"), SETTINGS);
        assertThat(r.lastError()).isEqualTo("retry budget exhausted after 3 attempts: BUSY: Code 402");
    }

    @Test
    void backoffDoublesFromTheInitialWaitUpToTheCap() {
        assertThat(SETTINGS.backoffAfter(1)).isEqualTo(Duration.ofSeconds(10));
        assertThat(SETTINGS.backoffAfter(2)).isEqualTo(Duration.ofSeconds(20));
        assertThat(SETTINGS.backoffAfter(3)).isEqualTo(Duration.ofSeconds(40));
        assertThat(SETTINGS.backoffAfter(4)).isEqualTo(Duration.ofSeconds(60));
        assertThat(SETTINGS.backoffAfter(100)).isEqualTo(Duration.ofSeconds(60));
    }
}
