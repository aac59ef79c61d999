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
 * was issued for and the last key of the page; reusing it with other filters, or a tampered token, is
 * INVALID_ARGUMENT on {@code page_token}.
 */
public final class PageTokens {

    public static final int DEFAULT_PAGE_SIZE = 50;
    public static final int MAX_PAGE_SIZE = 200;
    private static final ObjectMapper JSON = new ObjectMapper();

    private PageTokens() {
    }

    public static String encode(String filters, JsonNode lastKey) {
        ObjectNode node = JSON.createObjectNode();
        node.put("f", digest(filters));
        node.set("k", lastKey);
        try {
            return Base64.getUrlEncoder().withoutPadding().encodeToString(JSON.writeValueAsBytes(node));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The last key of the previous page, or null for the first page. */
    public static JsonNode decode(String field, String token, String filters) {
        if (token == null || token.isEmpty()) {
            return null;
        }
        JsonNode node;
        try {
            node = JSON.readTree(Base64.getUrlDecoder().decode(token));
        } catch (IllegalArgumentException | java.io.IOException e) {
            throw ApiErrors.invalidArgument(field, "is not a page token issued by this server");
        }
        if (node == null || !node.has("f") || !node.has("k")) {
            throw ApiErrors.invalidArgument(field, "is not a page token issued by this server");
        }
        if (!digest(filters).equals(node.get("f").asText())) {
            throw ApiErrors.invalidArgument(field, "was issued for different filters; start again without a page token");
        }
        return node.get("k");
    }

    /** page_size 0 → default; above the maximum → the maximum (AIP-158 coerces rather than rejects). */
    public static int pageSize(int requested) {
        if (requested <= 0) {
            return DEFAULT_PAGE_SIZE;
        }
        return Math.min(requested, MAX_PAGE_SIZE);
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
