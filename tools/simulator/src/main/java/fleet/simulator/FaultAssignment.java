package fleet.simulator;

import java.util.Locale;
import java.util.Objects;

/**
 * A fault together with the miners it applies to, as given at start-up ({@code --fault}).
 *
 * <p>Textual form: {@code type:selector[:parameter]}
 * <ul>
 *   <li>{@code type}: a {@link FaultType#wireName()}, e.g. {@code stuck_hashing};</li>
 *   <li>{@code selector}: a fraction of the fleet written with a dot ({@code 0.01}, {@code 1.0}), a
 *       single index ({@code 7}), an inclusive index range ({@code 0-99}) or {@code all};</li>
 *   <li>{@code parameter}: the fault's number (see {@link FaultType}); {@code forever} means infinity.</li>
 * </ul>
 * Examples: {@code stuck_hashing:0.01}, {@code flaky_telemetry:0.05:0.5}, {@code offline:10-19},
 * {@code failing_wake:3:2}.
 */
public record FaultAssignment(Fault fault, MinerSelection selection) {

    public FaultAssignment {
        Objects.requireNonNull(fault, "fault");
        Objects.requireNonNull(selection, "selection");
    }

    /**
     * Parses the textual form; fractions are drawn from {@code seed} mixed with the fault type so
     * that two faults given the same fraction do not land on the same miners.
     */
    public static FaultAssignment parse(String spec, long seed) {
        String[] parts = spec.trim().split(":");
        if (parts.length < 2 || parts.length > 3) {
            throw new IllegalArgumentException("fault '" + spec + "' is not type:selector[:parameter]");
        }
        FaultType type = FaultType.fromWireName(parts[0]);
        MinerSelection selection = parseSelector(parts[1].trim(), seed ^ saltOf(type));
        double parameter = parts.length == 3 ? parseParameter(parts[2].trim()) : Double.NaN;
        if (parts.length == 3 && !type.takesParameter()) {
            throw new IllegalArgumentException("fault " + type.wireName() + " takes no parameter");
        }
        return new FaultAssignment(new Fault(type, parameter), selection);
    }

    static long saltOf(FaultType type) {
        return (type.ordinal() + 1L) * 0x9E3779B97F4A7C15L;
    }

    private static MinerSelection parseSelector(String selector, long seed) {
        if (selector.equalsIgnoreCase("all")) {
            return MinerSelection.all();
        }
        if (selector.contains(".")) {
            return MinerSelection.fraction(Double.parseDouble(selector), seed);
        }
        int dash = selector.indexOf('-');
        if (dash > 0) {
            return MinerSelection.range(Integer.parseInt(selector.substring(0, dash)),
                    Integer.parseInt(selector.substring(dash + 1)));
        }
        return MinerSelection.index(Integer.parseInt(selector));
    }

    private static double parseParameter(String text) {
        String lower = text.toLowerCase(Locale.ROOT);
        if (lower.equals("forever") || lower.equals("inf") || lower.equals("infinity")) {
            return Double.POSITIVE_INFINITY;
        }
        return Double.parseDouble(text);
    }
}
