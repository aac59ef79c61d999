package fleet.simulator;

import java.util.Locale;

/**
 * The misbehaviours a simulated miner can be given (SPEC §7.2, notes §6.3). Each has one optional
 * numeric parameter whose meaning and default are listed here; see {@link Fault}.
 *
 * <p>The wire name ({@link #wireName()}) is the lower-case form used by the CLI and the HTTP
 * control surface, e.g. {@code stuck_hashing}.
 */
public enum FaultType {
    /** Privileged commands ({@code logon} and everything needing a session) → STATUS E, Code 45. */
    REFUSE(Double.NaN),
    /** {@code logon} → STATUS E, Code 402 "Another session is active" (a phantom holder keeps it). */
    BUSY(Double.NaN),
    /** {@code logon} → STATUS E, Code 403 "Authentication failed". */
    AUTH_FAILURE(Double.NaN),
    /** Accept the connection, read the request, never answer, never execute. Parameter: probability (1). */
    TIMEOUT(1.0),
    /** Execute, then send the first half of the reply and close. Parameter: probability (1). */
    CLOSE_MID_REPLY(1.0),
    /** Execute, then answer with truncated, unparseable JSON plus the NUL. Parameter: probability (1). */
    MALFORMED_JSON(1.0),
    /** Acknowledge {@code curtail sleep} with Code 335 and report CurtailMode "Sleep", but keep mining. */
    STUCK_HASHING(Double.NaN),
    /** Wakeups take this many times longer than the miner's wake profile. Parameter: factor (10). */
    SLOW_WAKE(10.0),
    /**
     * Wakeups are acknowledged with Code 335 but the miner stays asleep. Parameter: how many attempts
     * fail before one works (infinity = forever, the default).
     */
    FAILING_WAKE(Double.POSITIVE_INFINITY),
    /** Telemetry reads are dropped (connection closed without a reply). Parameter: probability (0.3). */
    FLAKY_TELEMETRY(0.3),
    /** Telemetry replies repeat the values (and {@code When}) captured when the fault was set. */
    FROZEN_TELEMETRY(Double.NaN),
    /** No power reading: {@code power} answers STATUS E, Code 14 as on firmware without the verb. */
    POWER_ABSENT(Double.NaN),
    /** The miner stops listening: connection refused. Its hashboards keep running. */
    OFFLINE(Double.NaN),
    /** Alternates reachable / refused. Parameter: half-period in miner seconds (30). */
    FLAPPING(30.0),
    /** The pool is lost: hashrate 0 while the boards draw near-full power (phantom load). */
    POOL_LOSS(Double.NaN);

    private final double defaultParameter;

    FaultType(double defaultParameter) {
        this.defaultParameter = defaultParameter;
    }

    /** The parameter used when none is given; NaN for faults that take none. */
    public double defaultParameter() {
        return defaultParameter;
    }

    public boolean takesParameter() {
        return !Double.isNaN(defaultParameter);
    }

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses a wire name such as {@code stuck_hashing} (case and '-' vs '_' tolerated). */
    public static FaultType fromWireName(String name) {
        String normalized = name.trim().replace('-', '_').toUpperCase(Locale.ROOT);
        try {
            return FaultType.valueOf(normalized);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown fault '" + name + "'; known: " + knownNames(), e);
        }
    }

    private static String knownNames() {
        StringBuilder names = new StringBuilder();
        for (FaultType type : values()) {
            if (names.length() > 0) {
                names.append(", ");
            }
            names.append(type.wireName());
        }
        return names.toString();
    }
}
