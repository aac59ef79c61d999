package fleet.driver.transport;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Field-by-field coercion of miner values, which arrive as numbers, as strings ({@code "3250 W"},
 * {@code "1"}), as {@code inf}/{@code nan}, or not at all. Every accessor returns null rather than
 * guessing: a missing value must stay missing (missing telemetry never confirms a curtailment).
 */
public final class LenientValues {

    private static final Pattern LEADING_NUMBER =
            Pattern.compile("^\\s*([-+]?(?:\\d+(?:\\.\\d*)?|\\.\\d+)(?:[eE][-+]?\\d+)?)");

    private LenientValues() {
    }

    /** A finite number from a numeric node or from the leading number of a text node; else null. */
    public static Double asDouble(JsonNode node) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return null;
        }
        if (node.isNumber()) {
            double v = node.doubleValue();
            return Double.isFinite(v) ? v : null;
        }
        if (node.isTextual()) {
            return parseLeadingNumber(node.textValue());
        }
        return null;
    }

    /** {@link #asDouble} rounded towards zero to an int; null when absent or out of range. */
    public static Integer asInteger(JsonNode node) {
        Double d = asDouble(node);
        if (d == null || d > Integer.MAX_VALUE || d < Integer.MIN_VALUE) {
            return null;
        }
        return d.intValue();
    }

    /** Epoch seconds as a long, null when absent. */
    public static Long asLong(JsonNode node) {
        Double d = asDouble(node);
        return d == null ? null : d.longValue();
    }

    /** Booleans from {@code true}, {@code "true"}, {@code "Y"}, {@code "yes"}, {@code 1}; null when unclear. */
    public static Boolean asBoolean(JsonNode node) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return null;
        }
        if (node.isBoolean()) {
            return node.booleanValue();
        }
        if (node.isNumber()) {
            return node.doubleValue() != 0;
        }
        if (node.isTextual()) {
            return switch (node.textValue().trim().toLowerCase(Locale.ROOT)) {
                case "true", "y", "yes", "1", "on" -> Boolean.TRUE;
                case "false", "n", "no", "0", "off" -> Boolean.FALSE;
                default -> null;
            };
        }
        return null;
    }

    /** Text of a scalar node (numbers rendered), null when absent or blank. */
    public static String asText(JsonNode node) {
        if (node == null || node.isNull() || node.isMissingNode() || node.isContainerNode()) {
            return null;
        }
        String text = node.asText();
        return text.isBlank() ? null : text.trim();
    }

    static Double parseLeadingNumber(String text) {
        if (text == null) {
            return null;
        }
        Matcher m = LEADING_NUMBER.matcher(text);
        if (!m.find()) {
            return null;
        }
        double v = Double.parseDouble(m.group(1));
        return Double.isFinite(v) ? v : null;
    }
}
