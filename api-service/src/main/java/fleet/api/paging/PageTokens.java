package fleet.api.paging;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import fleet.api.error.ApiErrors;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;

/**
 * AIP-158 page tokens: opaque to clients, bound to the request's filters. A token carries a digest of the filters it
 * was issued for and the last key of the page, written and read by a {@link PageKey}; reusing it with other filters,
 * a tampered token, or a key of another shape is INVALID_ARGUMENT on the token's field.
 *
 * <p>Wire format (tokens already handed out must keep decoding): unpadded base64url of the JSON object
 * {@code {"f": <first 12 bytes of SHA-256(filters), hex>, "k": <key>}}.
 */
public final class PageTokens {

    public static final int DEFAULT_PAGE_SIZE = 50;
    public static final int MAX_PAGE_SIZE = 200;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String NOT_OURS = "is not a page token issued by this server";

    private PageTokens() {
    }

    /** The token for the page after the one ending with {@code last}. */
    public static <K> String encode(String filters, PageKey<K> key, K last) {
        return token(filters, key.write(last));
    }

    /** The last key of the previous page, or null for the first page (no token). */
    public static <K> K decode(String field, String token, String filters, PageKey<K> key) {
        JsonNode node = keyNode(field, token, filters);
        if (node == null) {
            return null;
        }
        try {
            return key.read(node);
        } catch (RuntimeException e) {
            throw ApiErrors.invalidArgument(field, NOT_OURS);
        }
    }

    /** page_size 0 → default; above the maximum → the maximum (AIP-158 coerces rather than rejects). */
    public static int pageSize(int requested) {
        if (requested <= 0) {
            return DEFAULT_PAGE_SIZE;
        }
        return Math.min(requested, MAX_PAGE_SIZE);
    }

    private static String token(String filters, JsonNode key) {
        ObjectNode node = JSON.createObjectNode();
        node.put("f", digest(filters));
        node.set("k", key);
        try {
            return Base64.getUrlEncoder().withoutPadding().encodeToString(JSON.writeValueAsBytes(node));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static JsonNode keyNode(String field, String token, String filters) {
        if (token == null || token.isEmpty()) {
            return null;
        }
        JsonNode node;
        try {
            node = JSON.readTree(Base64.getUrlDecoder().decode(token));
        } catch (IllegalArgumentException | java.io.IOException e) {
            throw ApiErrors.invalidArgument(field, NOT_OURS);
        }
        if (node == null || !node.has("f") || !node.has("k")) {
            throw ApiErrors.invalidArgument(field, NOT_OURS);
        }
        if (!digest(filters).equals(node.get("f").asText())) {
            throw ApiErrors.invalidArgument(field, "was issued for different filters; start again without a page token");
        }
        return node.get("k");
    }

    private static String digest(String filters) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(filters.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
