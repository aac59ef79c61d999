package fleet.simulator;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A reply in the cgminer envelope: {@code {"STATUS":[{...}],"<SECTION>":[{...}],"id":1}}, encoded as
 * JSON (keys sorted byte-wise, as LUXminer emits them) or as cgminer text, followed by one NUL byte.
 *
 * <p>A multi-command reply ({@code summary+power}) nests one complete reply per member:
 * {@code {"summary":[{STATUS…,SUMMARY…,"id":1}],"power":[{…}],"id":1}}.
 */
final class ApiReply {

    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);

    private final ApiStatus status;
    private final long when;
    private final String description;
    private final String section;
    private final List<Map<String, Object>> items;
    private final Map<String, ApiReply> members;
    private final List<Executed> executed;

    /**
     * What the log records for one (member) command.
     *
     * @param command   the verb
     * @param parameter as sent, or null
     * @param status    the status it got
     */
    record Executed(String command, String parameter, ApiStatus status) {
    }

    private ApiReply(ApiStatus status, long when, String description, String section,
                     List<Map<String, Object>> items, Map<String, ApiReply> members, List<Executed> executed) {
        this.status = status;
        this.when = when;
        this.description = description;
        this.section = section;
        this.items = items;
        this.members = members;
        this.executed = executed;
    }

    /** A reply with a {@code section} (e.g. "SUMMARY") holding {@code items}; section may be null. */
    static ApiReply of(String command, String parameter, ApiStatus status, long when, String description,
                       String section, List<Map<String, Object>> items) {
        return new ApiReply(status, when, description, section, items, null,
                List.of(new Executed(command, parameter, status)));
    }

    static ApiReply statusOnly(String command, String parameter, ApiStatus status, long when, String description) {
        return of(command, parameter, status, when, description, null, List.of());
    }

    /** Joins member replies, keyed by member command, in the order given. */
    static ApiReply joined(LinkedHashMap<String, ApiReply> members) {
        List<Executed> executed = new ArrayList<>();
        members.values().forEach(member -> executed.addAll(member.executed));
        ApiReply first = members.values().iterator().next();
        return new ApiReply(first.status, first.when, first.description, null, List.of(), members, executed);
    }

    List<Executed> executed() {
        return executed;
    }

    /** The reply bytes including the terminating NUL. */
    byte[] encode(boolean json) {
        byte[] body = json ? encodeJson() : encodeText().getBytes(StandardCharsets.UTF_8);
        byte[] framed = new byte[body.length + 1];
        System.arraycopy(body, 0, framed, 0, body.length);
        return framed;
    }

    private byte[] encodeJson() {
        try {
            return JSON.writeValueAsBytes(toMap());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("reply not serialisable", e);
        }
    }

    private Map<String, Object> toMap() {
        Map<String, Object> envelope = new TreeMap<>();
        if (members != null) {
            members.forEach((command, reply) -> envelope.put(command, List.of(reply.toMap())));
        } else {
            Map<String, Object> statusObject = new TreeMap<>();
            statusObject.put("STATUS", status.status());
            statusObject.put("When", when);
            statusObject.put("Code", status.code());
            statusObject.put("Msg", status.message());
            statusObject.put("Description", description);
            envelope.put("STATUS", List.of(statusObject));
            if (section != null) {
                envelope.put(section, items);
            }
        }
        envelope.put("id", 1);
        return envelope;
    }

    /** cgminer text: {@code STATUS=S,When=…,Code=…,Msg=…,Description=…|SECTION,key=value,…|}. */
    private String encodeText() {
        StringBuilder text = new StringBuilder(512);
        text.append("STATUS=").append(status.status())
                .append(",When=").append(when)
                .append(",Code=").append(status.code())
                .append(",Msg=").append(status.message())
                .append(",Description=").append(description)
                .append('|');
        if (section != null) {
            for (Map<String, Object> item : items) {
                text.append(section);
                new TreeMap<>(item).forEach((key, value) -> text.append(',').append(key).append('=').append(value));
                text.append('|');
            }
        }
        return text.toString();
    }
}
