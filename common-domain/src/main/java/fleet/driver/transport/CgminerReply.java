package fleet.driver.transport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import fleet.driver.RawReply;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * One parsed reply (or one member of a multi-command reply): the {@code STATUS} envelope plus the detail
 * sections ({@code SUMMARY}, {@code POWER}, {@code CONFIG} …), kept as {@link JsonNode}s and coerced
 * field by field by the parsers.
 */
public final class CgminerReply {

    private final JsonNode root;
    private final StatusEntry status;
    private final byte[] bytes;
    private final int rawKeep;

    private CgminerReply(JsonNode root, byte[] bytes, int rawKeep) {
        this.root = root;
        this.status = StatusEntry.of(root);
        this.bytes = bytes;
        this.rawKeep = rawKeep;
    }

    /**
     * Wraps a parsed reply object and the bytes it came from; {@link #raw()} copies at most
     * {@code rawKeep} of them, and only when a failure asks for it.
     */
    public static CgminerReply of(JsonNode root, byte[] bytes, int rawKeep) {
        return new CgminerReply(root, bytes == null ? new byte[0] : bytes, rawKeep);
    }

    /** A member of a multi-command reply: its raw bytes are the member's JSON text. */
    static CgminerReply member(JsonNode member, int rawKeep) {
        return new CgminerReply(member, null, rawKeep);
    }

    /** The envelope. */
    public StatusEntry status() {
        return status;
    }

    /** True when the envelope says success ({@code S}/{@code I}/{@code W}). */
    public boolean ok() {
        return status.ok();
    }

    /** The whole reply object. */
    public JsonNode root() {
        return root;
    }

    /** The bounded raw bytes the reply was parsed from (a member's own JSON for multi-command members). */
    public RawReply raw() {
        byte[] source = bytes != null ? bytes : root.toString().getBytes(StandardCharsets.UTF_8);
        return RawReply.of(source, rawKeep);
    }

    /**
     * A detail section as an array node, looked up case-insensitively ({@code "POWER"}, {@code "power"});
     * a missing node when absent.
     */
    public JsonNode section(String name) {
        JsonNode node = root.get(name);
        if (node == null) {
            node = root.get(name.toUpperCase(Locale.ROOT));
        }
        if (node == null) {
            var it = root.fieldNames();
            while (it.hasNext()) {
                String field = it.next();
                if (field.equalsIgnoreCase(name)) {
                    node = root.get(field);
                    break;
                }
            }
        }
        return node == null ? MissingNode.getInstance() : node;
    }

    /** The first entry of a detail section ({@code SUMMARY[0]}); a missing node when absent or empty. */
    public JsonNode first(String name) {
        JsonNode section = section(name);
        if (section.isArray()) {
            return section.isEmpty() ? MissingNode.getInstance() : section.get(0);
        }
        return section.isObject() ? section : MissingNode.getInstance();
    }

    @Override
    public String toString() {
        return status.describe();
    }
}
