package fleet.driver.transport;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.Locale;

/**
 * The {@code STATUS} envelope of a reply (notes §1.2).
 *
 * @param status      {@code S} success, {@code I} info, {@code W} warning, {@code E} error, {@code F} fatal
 *                    (upper-cased; {@code ?} when absent)
 * @param code        message code (cgminer {@code MSG_*}, LuxOS 316/335/402 …), null when absent
 * @param msg         message text, null when absent
 * @param description miner software and version ({@code LUXminer 2025.4.8}), null when absent
 * @param when        the miner's clock, null when absent
 */
public record StatusEntry(String status, Integer code, String msg, String description, Instant when) {

    static final StatusEntry MISSING = new StatusEntry("?", null, "no STATUS in reply", null, null);

    /** {@code S} or {@code I}: the test pyasic and asic-rs use. {@code W} counts too (a warning, not a refusal). */
    public boolean ok() {
        return "S".equals(status) || "I".equals(status) || "W".equals(status);
    }

    /** Code and message, for outcome details: {@code "Code 402: Another session is active"}. */
    public String describe() {
        StringBuilder s = new StringBuilder("STATUS ").append(status);
        if (code != null) {
            s.append(" Code ").append(code);
        }
        if (msg != null) {
            s.append(": ").append(msg);
        }
        return s.toString();
    }

    /**
     * Reads the envelope from a reply object: the usual {@code "STATUS":[{…}]}, or Whatsminer's flat form
     * {@code "STATUS":"S","Code":131,"Msg":…} at the top level, where {@code Msg} may be an object.
     */
    static StatusEntry of(JsonNode reply) {
        JsonNode status = reply.get("STATUS");
        if (status == null) {
            return MISSING;
        }
        JsonNode holder = reply;
        if (status.isArray()) {
            if (status.isEmpty()) {
                return MISSING;
            }
            holder = status.get(0);
            status = holder.get("STATUS");
        }
        String letter = LenientValues.asText(status);
        JsonNode msgNode = holder.get("Msg");
        String msg = msgNode != null && msgNode.isContainerNode() ? msgNode.toString() : LenientValues.asText(msgNode);
        Long when = LenientValues.asLong(holder.get("When"));
        return new StatusEntry(letter == null ? "?" : letter.toUpperCase(Locale.ROOT),
                LenientValues.asInteger(holder.get("Code")), msg,
                LenientValues.asText(holder.get("Description")),
                when == null || when <= 0 ? null : Instant.ofEpochSecond(when));
    }
}
