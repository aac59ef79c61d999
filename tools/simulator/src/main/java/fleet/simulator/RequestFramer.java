package fleet.simulator;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;

/**
 * Finds where one cgminer-API request ends in the bytes a client sends.
 *
 * <p>Clients differ: asic-rs and pyasic send bare JSON, proto-fleet's Go encoder appends {@code \n},
 * luxos-tooling sends pretty-printed JSON, others end with {@code \0} or half-close. So a JSON
 * request (first non-blank byte {@code {}) ends where its braces balance, counting only braces
 * outside string literals. A plain-text request ({@code summary|param}) ends at the first
 * {@code \n}, {@code \r} or {@code \0}, or with the first chunk, as cgminer reads text with one
 * {@code recv}.
 */
final class RequestFramer {

    static final int MAX_REQUEST_BYTES = 64 * 1024;

    private final Buffer received = Buffer.buffer(128);
    private int scanned;
    private int start = -1;
    private int depth;
    private boolean inString;
    private boolean escaped;

    /** The outcome of offering bytes. */
    enum Status { INCOMPLETE, COMPLETE, TOO_LARGE }

    private Status status = Status.INCOMPLETE;
    private String request;
    private boolean json;

    Status offer(Buffer chunk) {
        if (status != Status.INCOMPLETE) {
            return status;
        }
        received.appendBuffer(chunk);
        scan();
        if (status == Status.INCOMPLETE && received.length() > MAX_REQUEST_BYTES) {
            status = Status.TOO_LARGE;
        }
        return status;
    }

    /** The client closed its side: whatever arrived is the request (a cut JSON stays unparseable). */
    Status endOfStream() {
        if (status == Status.INCOMPLETE && start >= 0) {
            request = received.getString(start, received.length(), StandardCharsets.UTF_8.name()).trim();
            status = Status.COMPLETE;
        }
        return status;
    }

    /** The request text (trimmed), once {@link Status#COMPLETE}. */
    String request() {
        return request;
    }

    /** Whether the request is JSON (else cgminer plain text). */
    boolean isJson() {
        return json;
    }

    private void scan() {
        int length = received.length();
        for (; scanned < length; scanned++) {
            byte b = received.getByte(scanned);
            if (start < 0) {
                if (isBlank(b)) {
                    continue;
                }
                start = scanned;
                json = b == '{';
                if (!json) {
                    completeTextRequest(length);
                    return;
                }
            }
            if (json && consumeJsonByte(b)) {
                request = received.getString(start, scanned + 1, StandardCharsets.UTF_8.name());
                status = Status.COMPLETE;
                return;
            }
        }
    }

    /** @return true when this byte closes the outermost object */
    private boolean consumeJsonByte(byte b) {
        if (inString) {
            if (escaped) {
                escaped = false;
            } else if (b == '\\') {
                escaped = true;
            } else if (b == '"') {
                inString = false;
            }
            return false;
        }
        switch (b) {
            case '"' -> inString = true;
            case '{', '[' -> depth++;
            case '}', ']' -> {
                depth--;
                return depth == 0;
            }
            default -> {
                // other JSON bytes do not affect nesting
            }
        }
        return false;
    }

    private void completeTextRequest(int length) {
        int end = start;
        while (end < length) {
            byte b = received.getByte(end);
            if (b == '\n' || b == '\r' || b == 0) {
                break;
            }
            end++;
        }
        request = received.getString(start, end, StandardCharsets.UTF_8.name()).trim();
        status = Status.COMPLETE;
    }

    private static boolean isBlank(byte b) {
        return b == ' ' || b == '\t' || b == '\n' || b == '\r' || b == 0;
    }
}
