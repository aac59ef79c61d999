package fleet.simulator;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Converts the injected clock into miner time: {@code (instant − origin) × timeScale} seconds.
 * Physics, session expiry and averages run in miner time; timestamps shown to clients ({@code When})
 * and kept in the command log stay on the unscaled clock.
 */
final class SimulationTime {

    private final Clock clock;
    private final Instant origin;
    private final double timeScale;

    SimulationTime(Clock clock, double timeScale) {
        this.clock = clock;
        this.origin = clock.instant();
        this.timeScale = timeScale;
    }

    /** Reads the clock once and returns both faces of that instant. */
    Moment now() {
        Instant instant = clock.instant();
        return new Moment(instant, minerSeconds(instant));
    }

    double minerSeconds(Instant instant) {
        Duration sinceOrigin = Duration.between(origin, instant);
        return (sinceOrigin.getSeconds() + sinceOrigin.getNano() / 1e9) * timeScale;
    }

    /** Wall-clock milliseconds that {@code minerSeconds} of miner time take. */
    long wallMillis(double minerSeconds) {
        return Math.max(1, (long) Math.ceil(minerSeconds * 1000 / timeScale));
    }

    /**
     * One instant on both time axes.
     *
     * @param instant the clock's instant
     * @param miner   miner seconds since the simulator started
     */
    record Moment(Instant instant, double miner) {
        long epochSecond() {
            return instant.getEpochSecond();
        }
    }
}
