package fleet.reconciler.commands;

import fleet.driver.CommandOutcome;
import fleet.driver.RefusalReason;
import java.time.Duration;
import java.util.UUID;

/**
 * What one attempt of a command leads to, decided from the driver's outcome alone (a pure function, see
 * {@link #decide}). Written back with the claim token {@code attempt}: a late result of an attempt that was given up
 * (visibility timeout, re-run elsewhere) changes nothing.
 *
 * @param commandId  the command
 * @param attempt    the claim token: {@code operator_command.attempts} as the claim set it
 * @param state      SUCCEEDED, RETRY_WAIT, FAILED or UNSUPPORTED
 * @param lastError  the outcome described, null on success
 * @param retryAfter the backoff before the next attempt (RETRY_WAIT only, else zero)
 */
public record AttemptResult(UUID commandId, int attempt, String state, String lastError, Duration retryAfter) {

    private static final int MAX_ERROR = 1_000;

    /**
     * The outcome kinds of SPEC §7.1 mapped to command states: ACCEPTED / ALREADY_IN_STATE succeed; REFUSED is
     * permanent (UNSUPPORTED when the firmware lacks the verb, FAILED otherwise) and never retried; BUSY, UNREACHABLE,
     * TIMEOUT and PROTOCOL_ERROR wait and retry with exponential backoff until {@code maxAttempts} attempts have
     * been made, then FAILED.
     */
    public static AttemptResult decide(ClaimedCommand command, CommandOutcome outcome, CommandSettings settings) {
        UUID id = command.id();
        int attempt = command.attempts();
        return switch (outcome.kind()) {
            case ACCEPTED, ALREADY_IN_STATE -> new AttemptResult(id, attempt, CommandStates.SUCCEEDED, null, Duration.ZERO);
            case REFUSED -> new AttemptResult(id, attempt,
                    outcome.reason() == RefusalReason.UNSUPPORTED ? CommandStates.UNSUPPORTED : CommandStates.FAILED,
                    bound(outcome.describe()), Duration.ZERO);
            case BUSY, UNREACHABLE, TIMEOUT, PROTOCOL_ERROR -> attempt >= command.maxAttempts()
                    ? new AttemptResult(id, attempt, CommandStates.FAILED,
                            bound("retry budget exhausted after " + attempt + " attempts: " + outcome.describe()),
                            Duration.ZERO)
                    : new AttemptResult(id, attempt, CommandStates.RETRY_WAIT, bound(outcome.describe()),
                            settings.backoffAfter(attempt));
        };
    }

    /** A command the device cannot run (its capability flags lack the verb): never sent. */
    public static AttemptResult unsupported(ClaimedCommand command, String why) {
        return new AttemptResult(command.id(), command.attempts(), CommandStates.UNSUPPORTED, bound(why), Duration.ZERO);
    }

    /** A command that cannot be executed as stored (unknown driver, missing parameter): never sent, never retried. */
    public static AttemptResult failed(ClaimedCommand command, String why) {
        return new AttemptResult(command.id(), command.attempts(), CommandStates.FAILED, bound(why), Duration.ZERO);
    }

    private static String bound(String s) {
        return s == null || s.length() <= MAX_ERROR ? s : s.substring(0, MAX_ERROR);
    }
}
