package fleet.reconciler.commands;

import java.time.Duration;

/**
 * Knobs of the operator-command executor (SPEC §7.4).
 *
 * @param maxInFlight       commands this replica runs at once (on top of the drivers' global connection bound)
 * @param pollInterval      the safety-net poll; NOTIFY {@code operator_command_work} wakes the executor at once
 * @param visibilityTimeout a RUNNING command not finished within this is considered abandoned (its replica died) and
 *                          is run again; must exceed {@code commandTimeout} plus a result write
 * @param commandTimeout    bound on one attempt, queueing in the driver layer included; exceeding it is a TIMEOUT
 * @param backoffInitial    wait after the first transient failure; doubles per attempt
 * @param backoffMax        cap of that wait
 * @param shutdownBudget    how long shutdown waits for running commands and their result writes
 */
public record CommandSettings(int maxInFlight, Duration pollInterval, Duration visibilityTimeout, Duration commandTimeout,
        Duration backoffInitial, Duration backoffMax, Duration shutdownBudget) {

    public CommandSettings {
        if (maxInFlight < 1) {
            throw new IllegalArgumentException("maxInFlight must be at least 1");
        }
        if (visibilityTimeout.compareTo(commandTimeout) <= 0) {
            throw new IllegalArgumentException("visibilityTimeout must exceed commandTimeout");
        }
        if (pollInterval.isZero() || pollInterval.isNegative() || backoffInitial.isNegative()
                || backoffMax.compareTo(backoffInitial) < 0) {
            throw new IllegalArgumentException("invalid command executor timings");
        }
    }

    /** 64 in flight, 1 s poll, 5 min visibility, 2 min per attempt, backoff 10 s doubling to 5 min. */
    public static CommandSettings defaults() {
        return new CommandSettings(64, Duration.ofSeconds(1), Duration.ofMinutes(5), Duration.ofMinutes(2),
                Duration.ofSeconds(10), Duration.ofMinutes(5), Duration.ofSeconds(30));
    }

    public CommandSettings withMaxInFlight(int value) {
        return new CommandSettings(value, pollInterval, visibilityTimeout, commandTimeout, backoffInitial, backoffMax,
                shutdownBudget);
    }

    public CommandSettings withPollInterval(Duration value) {
        return new CommandSettings(maxInFlight, value, visibilityTimeout, commandTimeout, backoffInitial, backoffMax,
                shutdownBudget);
    }

    public CommandSettings withTimeouts(Duration visibility, Duration command) {
        return new CommandSettings(maxInFlight, pollInterval, visibility, command, backoffInitial, backoffMax,
                shutdownBudget);
    }

    public CommandSettings withBackoff(Duration initial, Duration max) {
        return new CommandSettings(maxInFlight, pollInterval, visibilityTimeout, commandTimeout, initial, max,
                shutdownBudget);
    }

    /** The wait before attempt {@code attempts + 1} after a transient failure of attempt {@code attempts} (≥ 1). */
    public Duration backoffAfter(int attempts) {
        int doublings = Math.max(0, Math.min(attempts - 1, 30));
        long millis = backoffInitial.toMillis();
        for (int i = 0; i < doublings && millis < backoffMax.toMillis(); i++) {
            millis *= 2;
        }
        return Duration.ofMillis(Math.min(millis, backoffMax.toMillis()));
    }
}
