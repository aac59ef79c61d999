package fleet.driver.transport;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * Reads hashrate out of a cgminer-style {@code SUMMARY}/{@code DEVS} entry and normalises it to H/s.
 * Field names carry the unit ({@code GHS 5s} bmminer/LuxOS, {@code MHS 5s} cgminer/Whatsminer,
 * {@code THS …} newer firmware), so the unit is taken from the name, never assumed per firmware.
 */
public final class HashrateFields {

    /**
     * Short windows in order of preference: the 5-second figure follows a stop within seconds; the
     * 1-minute one is the fallback. Never {@code av}: a lifetime average decays for hours after a stop.
     */
    private static final List<String> SHORT_WINDOWS = List.of("5s", "1m");
    private static final List<String> AVERAGE_WINDOWS = List.of("av");
    private static final List<String> UNITS = List.of("GHS", "MHS", "THS", "KHS", "PHS");

    private HashrateFields() {
    }

    /** Short-window hashrate in H/s, or null when the entry has none. */
    public static Double shortWindowHs(JsonNode entry) {
        return firstOf(entry, SHORT_WINDOWS);
    }

    /** Lifetime-average hashrate in H/s, or null. */
    public static Double averageHs(JsonNode entry) {
        return firstOf(entry, AVERAGE_WINDOWS);
    }

    /** The factor from a field's unit prefix to H/s ({@code GHS} → 1e9 …); NaN for an unknown unit. */
    public static double multiplier(String unit) {
        return switch (unit) {
            case "KHS" -> 1e3;
            case "MHS" -> 1e6;
            case "GHS" -> 1e9;
            case "THS" -> 1e12;
            case "PHS" -> 1e15;
            default -> Double.NaN;
        };
    }

    private static Double firstOf(JsonNode entry, List<String> windows) {
        if (entry == null || !entry.isObject()) {
            return null;
        }
        for (String window : windows) {
            for (String unit : UNITS) {
                Double value = LenientValues.asDouble(entry.get(unit + ' ' + window));
                if (value != null) {
                    return Math.max(0.0, value * multiplier(unit));
                }
            }
        }
        return null;
    }
}
