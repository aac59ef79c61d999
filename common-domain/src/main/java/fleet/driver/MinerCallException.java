package fleet.driver;

import java.util.Objects;

/**
 * The failure of a miner call that has no {@link CommandOutcome} of its own to return: the only
 * exception with which {@link MinerDriver#readTelemetry} and {@link MinerDriver#capabilities} fail.
 * Its {@link #outcome()} is never a success kind; for telemetry it is UNREACHABLE, TIMEOUT,
 * PROTOCOL_ERROR (raw bytes kept), BUSY or REFUSED.
 *
 * <p>No stack trace is captured: thousands of these are created per poll round over a dead rack, and
 * the outcome says everything the trace would.
 */
public final class MinerCallException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final transient CommandOutcome outcome;

    public MinerCallException(CommandOutcome outcome) {
        super(Objects.requireNonNull(outcome, "outcome").describe(), null, false, false);
        if (outcome.succeeded()) {
            throw new IllegalArgumentException("a success is not a failure: " + outcome);
        }
        this.outcome = outcome;
    }

    /** What went wrong, typed. */
    public CommandOutcome outcome() {
        return outcome;
    }

    /** Shorthand for {@code outcome().kind()}. */
    public CommandOutcome.Kind kind() {
        return outcome.kind();
    }
}
