package fleet.driver.firmware;

import com.fasterxml.jackson.databind.JsonNode;
import fleet.driver.transport.CgminerReply;
import fleet.driver.transport.LenientValues;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;

/**
 * What a miner's {@code version} reply says about its firmware.
 *
 * @param family     the firmware family
 * @param version    the family's own version string ({@code VERSION[0].LUXminer} …), may be null
 * @param model      hardware model ({@code VERSION[0].Type} or {@code Model}), may be null
 * @param apiVersion cgminer API version ({@code VERSION[0].API}), may be null
 */
public record FirmwareIdentity(FirmwareFamily family, String version, String model, String apiVersion) {

    /**
     * Most specific first: LuxOS and Braiins also carry a {@code CGMiner}-style key on some versions, so
     * the generic keys are checked last.
     */
    private static final List<FirmwareFamily> KEY_ORDER = List.of(
            FirmwareFamily.LUXOS, FirmwareFamily.BRAIINS_OS, FirmwareFamily.ANTMINER_STOCK, FirmwareFamily.CGMINER);

    /** Unknown firmware. */
    public static FirmwareIdentity unknown() {
        return new FirmwareIdentity(FirmwareFamily.UNKNOWN, null, null, null);
    }

    /** Detects the family from a {@code version} reply; {@link #unknown()} when nothing matches. */
    public static FirmwareIdentity fromVersionReply(CgminerReply reply) {
        JsonNode version = reply.first("VERSION");
        String model = firstText(version, "Type", "Model");
        String api = firstText(version, "API");
        for (FirmwareFamily family : KEY_ORDER) {
            JsonNode value = fieldStartingWith(version, family.versionKey());
            if (value != null) {
                return new FirmwareIdentity(family, LenientValues.asText(value), model, api);
            }
        }
        String description = reply.status().description();
        if (description != null) {
            String lower = description.toLowerCase(Locale.ROOT);
            for (FirmwareFamily family : List.of(FirmwareFamily.LUXOS, FirmwareFamily.BRAIINS_OS,
                    FirmwareFamily.WHATSMINER, FirmwareFamily.ANTMINER_STOCK, FirmwareFamily.CGMINER)) {
                if (lower.contains(family.versionKey().toLowerCase(Locale.ROOT))) {
                    return new FirmwareIdentity(family, description, model, api);
                }
            }
        }
        return new FirmwareIdentity(FirmwareFamily.UNKNOWN, description, model, api);
    }

    /** "LUXminer 2025.4.8" style text for telemetry's firmware column. */
    public String displayName() {
        if (family == FirmwareFamily.UNKNOWN) {
            return version;
        }
        return version == null ? family.versionKey() : family.versionKey() + ' ' + version;
    }

    private static JsonNode fieldStartingWith(JsonNode node, String prefix) {
        if (node == null || !node.isObject()) {
            return null;
        }
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String field = it.next();
            if (field.regionMatches(true, 0, prefix, 0, prefix.length())) {
                return node.get(field);
            }
        }
        return null;
    }

    private static String firstText(JsonNode node, String... fields) {
        if (node == null || !node.isObject()) {
            return null;
        }
        for (String field : fields) {
            String text = LenientValues.asText(node.get(field));
            if (text != null) {
                return text;
            }
        }
        return null;
    }
}
