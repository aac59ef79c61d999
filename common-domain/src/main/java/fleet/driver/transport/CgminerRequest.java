package fleet.driver.transport;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Objects;

/**
 * One request of the cgminer-compatible API: {@code {"command":"…","parameter":"…"}}. The parameter is a
 * single string; several arguments are comma-separated inside it ({@code "<sid>,sleep"}).
 *
 * @param command   the command, or several report commands joined with {@code +}
 * @param parameter the parameter string, or null for none
 */
public record CgminerRequest(String command, String parameter) {

    public CgminerRequest {
        Objects.requireNonNull(command, "command");
        if (command.isBlank()) {
            throw new IllegalArgumentException("command must not be blank");
        }
    }

    /** A request without a parameter. */
    public static CgminerRequest of(String command) {
        return new CgminerRequest(command, null);
    }

    /** A multi-command request ({@code summary+power}); API ≥ 3.1, report commands only. */
    public static CgminerRequest multi(List<String> commands) {
        return of(String.join("+", commands));
    }

    /** True for a {@code +}-joined request. */
    public boolean isMulti() {
        return command.indexOf('+') >= 0;
    }

    /**
     * The bytes to write: bare JSON, no terminator (what pyasic and asic-rs send; servers find the end by
     * brace matching).
     */
    public byte[] toBytes() {
        ObjectNode node = LenientJson.mapper().createObjectNode();
        node.put("command", command);
        if (parameter != null) {
            node.put("parameter", parameter);
        }
        try {
            return LenientJson.mapper().writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public String toString() {
        return parameter == null ? command : command + '|' + parameter;
    }
}
