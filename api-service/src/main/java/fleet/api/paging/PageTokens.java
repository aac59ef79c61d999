package fleet.api.paging;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import fleet.api.auth.CallContext;
import fleet.api.error.ApiErrors;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.UUID;

/**
 * AIP-158 page tokens: opaque to clients, authenticated, bound to the caller's organization and to the request's
 * filters. A token carries a digest of the filters it was issued for and the last key of the page (written and read
 * by a {@link PageKey}), and an HMAC-SHA256 over both and the organization, under a server key
 * ({@link PageTokenKeyConfig}). A malformed, truncated, forged or re-signed token, one of another organization or of
 * other filters, or a key of another shape is INVALID_ARGUMENT on the token's field.
 *
 * <p>Wire format: {@code base64url(payload) "." base64url(mac)}, both unpadded; payload is the JSON object
 * {@code {"f": <first 12 bytes of SHA-256(filters), hex>, "k": <key>}}; mac is the first 16 bytes of
 * HMAC-SHA256(key, {@code "fleet-page-token/v2\n" + org + "\n" + payload}). The organization is the authenticated
 * caller's ({@link CallContext}); outside a call (unit tests) it is empty. Tokens of the earlier unsigned format are
 * refused (the client starts again from the first page; docs/decisions.md D39).
 */
public final class PageTokens {

    public static final int DEFAULT_PAGE_SIZE = 50;
    public static final int MAX_PAGE_SIZE = 200;
    /** No token this server issues is longer: longer input is refused before any decoding. */
    static final int MAX_TOKEN_CHARS = 4096;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String NOT_OURS = "is not a page token issued by this server";
    private static final byte[] DOMAIN = "fleet-page-token/v2\n".getBytes(StandardCharsets.UTF_8);

    private static volatile PageTokenKeys keys;

    private PageTokens() {
    }

    /** The keys tokens are signed and checked with (at start, by {@link PageTokenKeyConfig}). */
    static void install(PageTokenKeys installed) {
        keys = installed;
    }

    static PageTokenKeys installed() {
        return keys;
    }

    /** The token for the page after the one ending with {@code last}. */
    public static <K> String encode(String filters, PageKey<K> key, K last) {
        return encode(CallContext.org(), filters, key, last);
    }

    /** The last key of the previous page, or null for the first page (no token). */
    public static <K> K decode(String field, String token, String filters, PageKey<K> key) {
        return decode(field, token, CallContext.org(), filters, key);
    }

    /** page_size 0 → default; above the maximum → the maximum (AIP-158 coerces rather than rejects). */
    public static int pageSize(int requested) {
        return pageSize(requested, DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE);
    }

    /** page_size 0 → {@code defaultSize}; above {@code max} → {@code max}. */
    public static int pageSize(int requested, int defaultSize, int max) {
        if (requested <= 0) {
            return defaultSize;
        }
        return Math.min(requested, max);
    }

    static <K> String encode(UUID org, String filters, PageKey<K> key, K last) {
        ObjectNode node = JSON.createObjectNode();
        node.put("f", digest(filters));
        node.set("k", key.write(last));
        byte[] payload;
        try {
            payload = JSON.writeValueAsBytes(node);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        return b64.encodeToString(payload) + "." + b64.encodeToString(signer().sign(signed(org, payload)));
    }

    static <K> K decode(String field, String token, UUID org, String filters, PageKey<K> key) {
        if (token == null || token.isEmpty()) {
            return null;
        }
        JsonNode node = authentic(field, token, org);
        if (!node.isObject() || !node.has("f") || !node.has("k")) {
            throw ApiErrors.invalidArgument(field, NOT_OURS);
        }
        if (!digest(filters).equals(node.get("f").asText())) {
            throw ApiErrors.invalidArgument(field, "was issued for different filters; start again without a page token");
        }
        try {
            return key.read(node.get("k"));
        } catch (RuntimeException e) {
            throw ApiErrors.invalidArgument(field, NOT_OURS);
        }
    }

    /** The token's payload, parsed, once its MAC checks out under one of the keys for this organization. */
    private static JsonNode authentic(String field, String token, UUID org) {
        int dot = token.indexOf('.');
        if (token.length() > MAX_TOKEN_CHARS || dot <= 0 || dot != token.lastIndexOf('.')) {
            throw ApiErrors.invalidArgument(field, NOT_OURS);
        }
        byte[] payload;
        byte[] mac;
        try {
            payload = Base64.getUrlDecoder().decode(token.substring(0, dot));
            mac = Base64.getUrlDecoder().decode(token.substring(dot + 1));
        } catch (IllegalArgumentException e) {
            throw ApiErrors.invalidArgument(field, NOT_OURS);
        }
        if (mac.length != PageTokenKeys.MAC_BYTES || !signer().verify(signed(org, payload), mac)) {
            throw ApiErrors.invalidArgument(field, NOT_OURS);
        }
        try {
            JsonNode node = JSON.readTree(payload);
            if (node == null) {
                throw ApiErrors.invalidArgument(field, NOT_OURS);
            }
            return node;
        } catch (java.io.IOException e) {
            throw ApiErrors.invalidArgument(field, NOT_OURS);
        }
    }

    private static byte[] signed(UUID org, byte[] payload) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(DOMAIN.length + 40 + payload.length);
        out.writeBytes(DOMAIN);
        out.writeBytes((org == null ? "" : org.toString()).getBytes(StandardCharsets.UTF_8));
        out.write('\n');
        out.writeBytes(payload);
        return out.toByteArray();
    }

    private static PageTokenKeys signer() {
        PageTokenKeys k = keys;
        if (k == null) {
            throw new IllegalStateException("page-token keys are not installed (PageTokenKeyConfig runs at start)");
        }
        return k;
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
