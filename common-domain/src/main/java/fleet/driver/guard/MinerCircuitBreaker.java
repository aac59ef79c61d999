package fleet.driver.guard;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A per-miner circuit breaker so dead hosts do not eat the fan-out budget: after {@code threshold}
 * consecutive connection failures (UNREACHABLE/TIMEOUT) a miner's circuit opens and calls to it fail at
 * once for {@code coolOff}; then one probe is let through (half-open): success closes the circuit,
 * failure opens it for another cool-off.
 *
 * <p>Why not resilience4j: a {@code CircuitBreaker} instance per miner carries a sliding-window metrics
 * object (an array of measurements, 100 by default), an event processor and state objects — kilobytes
 * per key, hundreds of megabytes for 100 000 miners, against a 512 MB budget for the whole reconciler.
 * We only need "consecutive failures", so the state is one small object, and it exists only for miners
 * that are failing right now: a success removes it, a healthy fleet costs nothing.
 */
public final class MinerCircuitBreaker {

    /** What a caller may do now. */
    public enum Decision {
        /** Go ahead (circuit closed). */
        ALLOW,
        /** Go ahead as the single half-open probe; report the result. */
        PROBE,
        /** Fail fast: the circuit is open. */
        REJECT
    }

    private final Clock clock;
    private final int threshold;
    private final long coolOffMillis;
    private final ConcurrentHashMap<String, State> failing = new ConcurrentHashMap<>();

    public MinerCircuitBreaker(Clock clock, int threshold, Duration coolOff) {
        if (threshold < 1) {
            throw new IllegalArgumentException("threshold must be positive");
        }
        this.clock = clock;
        this.threshold = threshold;
        this.coolOffMillis = coolOff.toMillis();
    }

    /** Decides whether a call to {@code minerKey} may proceed. */
    public Decision acquire(String minerKey) {
        if (!failing.containsKey(minerKey)) {
            return Decision.ALLOW;
        }
        Decision[] decision = {Decision.ALLOW};
        long now = clock.millis();
        failing.computeIfPresent(minerKey, (key, s) -> {
            if (s.failures < threshold) {
                decision[0] = Decision.ALLOW;
            } else if (now < s.openUntil) {
                decision[0] = Decision.REJECT;
            } else if (s.probeStartedAt == 0 || now - s.probeStartedAt >= coolOffMillis) {
                // the second condition frees a probe whose caller vanished without reporting back
                s.probeStartedAt = now;
                decision[0] = Decision.PROBE;
            } else {
                decision[0] = Decision.REJECT;
            }
            return s;
        });
        return decision[0];
    }

    /** The miner answered (any reply, even an error status, proves it is alive): closes the circuit. */
    public void onSuccess(String minerKey) {
        failing.remove(minerKey);
    }

    /** A connection-level failure (UNREACHABLE or TIMEOUT). */
    public void onFailure(String minerKey) {
        long now = clock.millis();
        failing.compute(minerKey, (key, s) -> {
            State state = s == null ? new State() : s;
            if (state.failures < Integer.MAX_VALUE) {
                state.failures++;
            }
            if (state.failures >= threshold) {
                state.openUntil = now + coolOffMillis;
                state.probeStartedAt = 0;
            }
            return state;
        });
    }

    /** When the circuit of {@code minerKey} lets a probe through again, or null when it is not open. */
    public Instant openUntil(String minerKey) {
        State s = failing.get(minerKey);
        if (s == null || s.failures < threshold) {
            return null;
        }
        return Instant.ofEpochMilli(s.openUntil);
    }

    /** Miners with at least one recent consecutive failure (for metrics and tests). */
    public int trackedMiners() {
        return failing.size();
    }

    /** Mutable, touched only inside the map's per-key compute lock. */
    private static final class State {
        int failures;
        long openUntil;
        long probeStartedAt;
    }
}
