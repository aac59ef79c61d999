package fleet.simulator;

import java.util.Objects;

/**
 * One fault with its parameter, e.g. {@code Fault.of(FaultType.FLAKY_TELEMETRY, 0.5)}.
 *
 * @param type      what goes wrong
 * @param parameter the type's parameter (probability, factor, attempts or seconds; see {@link FaultType}),
 *                  NaN for faults without one
 */
public record Fault(FaultType type, double parameter) {

    public Fault {
        Objects.requireNonNull(type, "type");
        if (!type.takesParameter()) {
            parameter = Double.NaN;
        } else if (Double.isNaN(parameter)) {
            parameter = type.defaultParameter();
        }
        validate(type, parameter);
    }

    /** The fault with its default parameter. */
    public static Fault of(FaultType type) {
        return new Fault(type, type.defaultParameter());
    }

    public static Fault of(FaultType type, double parameter) {
        return new Fault(type, parameter);
    }

    private static void validate(FaultType type, double parameter) {
        switch (type) {
            case TIMEOUT, CLOSE_MID_REPLY, MALFORMED_JSON, FLAKY_TELEMETRY -> {
                if (parameter < 0 || parameter > 1) {
                    throw new IllegalArgumentException(type.wireName() + " probability must be within [0, 1]");
                }
            }
            case SLOW_WAKE -> {
                if (!(parameter >= 1)) {
                    throw new IllegalArgumentException("slow_wake factor must be >= 1");
                }
            }
            case FAILING_WAKE -> {
                if (!(parameter >= 0)) {
                    throw new IllegalArgumentException("failing_wake attempts must be >= 0 (infinity = forever)");
                }
            }
            case FLAPPING -> {
                if (!(parameter > 0) || Double.isInfinite(parameter)) {
                    throw new IllegalArgumentException("flapping half-period must be a positive number of seconds");
                }
            }
            default -> {
                // no parameter to check
            }
        }
    }

    @Override
    public String toString() {
        return type.takesParameter() ? type.wireName() + "(" + parameter + ")" : type.wireName();
    }
}
