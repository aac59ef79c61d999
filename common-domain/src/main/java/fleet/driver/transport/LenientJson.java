package fleet.driver.transport;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Parses miner replies that are almost JSON (notes §1.4, after pyasic's {@code _load_api_data}).
 *
 * <p>Jackson handles what its lenient features can: trailing commas ({@code ,}} / {@code ,]}),
 * {@code NaN}/{@code Infinity}, raw control characters inside strings. One pass over the text, aware of
 * string literals, repairs the rest before Jackson sees it:
 * <ul>
 *   <li>everything from the first NUL on is dropped (the frame terminator, and garbage after it);</li>
 *   <li>a missing comma between two values is inserted: {@code }{} (bmminer), {@code "a":1 "b":2}
 *       (btminer 2023-01-06 before {@code "temp0"});</li>
 *   <li>a comma right after {@code [}, {@code {} or another comma is dropped ({@code [,{} bmminer);</li>
 *   <li>bare {@code inf}, {@code -inf}, {@code nan} (Avalon) become Jackson's {@code Infinity}/{@code NaN}.</li>
 * </ul>
 * Values that cannot be trusted (non-finite numbers, {@code "3250 W"}) stay as parsed and are coerced
 * field by field with {@link LenientValues}.
 */
public final class LenientJson {

    private static final JsonMapper MAPPER = JsonMapper.builder()
            .enable(JsonReadFeature.ALLOW_TRAILING_COMMA)
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .enable(JsonReadFeature.ALLOW_UNESCAPED_CONTROL_CHARS)
            .enable(JsonReadFeature.ALLOW_LEADING_PLUS_SIGN_FOR_NUMBERS)
            .build();

    private LenientJson() {
    }

    /** The mapper with the lenient features, for callers that build JSON of their own. */
    public static JsonMapper mapper() {
        return MAPPER;
    }

    /**
     * Parses a reply.
     *
     * @throws IOException when even the repaired text is not JSON (the caller keeps the raw bytes)
     */
    public static JsonNode parse(byte[] reply) throws IOException {
        String repaired = repair(new String(reply, StandardCharsets.UTF_8));
        if (repaired.isBlank()) {
            throw new IOException("empty reply");
        }
        JsonNode node;
        try {
            node = MAPPER.readTree(repaired);
        } catch (JsonProcessingException e) {
            throw new IOException(e.getOriginalMessage(), e);
        }
        if (node == null || !node.isObject()) {
            throw new IOException("reply is not a JSON object");
        }
        return node;
    }

    /** The text repairs described on the class; exposed for tests. */
    static String repair(String text) {
        int nul = text.indexOf('\0');
        String in = nul >= 0 ? text.substring(0, nul) : text;
        StringBuilder out = new StringBuilder(in.length() + 8);
        boolean inString = false;
        boolean escaped = false;
        // true when the last significant character outside strings ended a value (or a key)
        boolean afterValue = false;
        int i = 0;
        while (i < in.length()) {
            char c = in.charAt(i);
            if (inString) {
                out.append(c);
                if (escaped) {
                    escaped = false;
                } else if (c == '\\') {
                    escaped = true;
                } else if (c == '"') {
                    inString = false;
                    afterValue = true;
                }
                i++;
                continue;
            }
            if (Character.isWhitespace(c)) {
                out.append(c);
                i++;
                continue;
            }
            switch (c) {
                case '"', '{', '[' -> {
                    if (afterValue) {
                        out.append(',');
                    }
                    out.append(c);
                    if (c == '"') {
                        inString = true;
                    } else {
                        afterValue = false;
                    }
                    i++;
                }
                case '}', ']' -> {
                    out.append(c);
                    afterValue = true;
                    i++;
                }
                case ',' -> {
                    if (afterValue) {
                        out.append(c);
                    }
                    afterValue = false;
                    i++;
                }
                case ':' -> {
                    out.append(c);
                    afterValue = false;
                    i++;
                }
                default -> {
                    int end = i;
                    while (end < in.length() && isBareChar(in.charAt(end))) {
                        end++;
                    }
                    if (end == i) {
                        out.append(c);
                        i++;
                        continue;
                    }
                    if (afterValue) {
                        out.append(',');
                    }
                    out.append(bareToken(in.substring(i, end)));
                    afterValue = true;
                    i = end;
                }
            }
        }
        return out.toString();
    }

    private static boolean isBareChar(char c) {
        return Character.isLetterOrDigit(c) || c == '-' || c == '+' || c == '.';
    }

    private static String bareToken(String token) {
        return switch (token.toLowerCase(Locale.ROOT)) {
            case "inf", "+inf", "infinity", "+infinity" -> "Infinity";
            case "-inf", "-infinity" -> "-Infinity";
            case "nan", "-nan", "+nan" -> "NaN";
            default -> token;
        };
    }
}
