package fleet.domain.selection;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * FIXED_KW could not reach {@code requested − tolerance} from the eligible devices (SPEC §3,
 * {@code INSUFFICIENT_CURTAILABLE_LOAD}). The api-service turns it into {@code INVALID_ARGUMENT} +
 * {@code ErrorInfo{reason, domain="curtailment", metadata()}}.
 *
 * @param availableKw         the power of every eligible device, kW
 * @param requestedKw         the target, kW
 * @param toleranceKw         the accepted shortfall, kW
 * @param candidateMinPowerW  the floor that applied, W
 * @param excluded            skipped devices per reason; every reason present, zeros included
 */
public record InsufficientLoad(
        double availableKw,
        double requestedKw,
        double toleranceKw,
        double candidateMinPowerW,
        Map<SkipReason, Integer> excluded) {

    /** The stable {@code ErrorInfo.reason}. */
    public static final String REASON = "INSUFFICIENT_CURTAILABLE_LOAD";
    /** The {@code ErrorInfo.domain}. */
    public static final String DOMAIN = "curtailment";

    /**
     * The {@code ErrorInfo.metadata}: {@code available_kw}, {@code requested_kw}, {@code tolerance_kw},
     * {@code candidate_min_power_w}, then {@code excluded.<code>} for every skip reason in wire order
     * (zeros included, so clients see a fixed key set). Numbers are plain decimals rounded to 3
     * places (1 W resolution for kW), trailing zeros stripped: {@code "9.5"}, {@code "1500"}.
     */
    public Map<String, String> metadata() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("available_kw", decimal(availableKw));
        m.put("requested_kw", decimal(requestedKw));
        m.put("tolerance_kw", decimal(toleranceKw));
        m.put("candidate_min_power_w", decimal(candidateMinPowerW));
        for (SkipReason r : SkipReason.values()) {
            m.put("excluded." + r.code(), Integer.toString(excluded.getOrDefault(r, 0)));
        }
        return Collections.unmodifiableMap(m);
    }

    static String decimal(double v) {
        BigDecimal d = BigDecimal.valueOf(v).setScale(3, RoundingMode.HALF_UP).stripTrailingZeros();
        return d.signum() == 0 ? "0" : d.toPlainString();
    }
}
