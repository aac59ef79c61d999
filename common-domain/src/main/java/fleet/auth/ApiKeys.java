package fleet.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * API key format {@code fk_<key-id>_<secret>} (SPEC §2). The key id is public and indexes the row; only the
 * SHA-256 of the secret is stored, so a database dump does not leak usable keys.
 */
public final class ApiKeys {

    public static final String PREFIX = "fk_";
    private static final Pattern FORMAT = Pattern.compile("^fk_([a-z0-9]{12,32})_([A-Za-z0-9]{32,128})$");
    private static final char[] ID_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789".toCharArray();
    private static final char[] SECRET_ALPHABET =
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".toCharArray();
    private static final SecureRandom RANDOM = new SecureRandom();

    private ApiKeys() {
    }

    /** A freshly generated key: the full token (shown once) and what is stored. */
    public record NewKey(String keyId, String token, byte[] secretSha256) {
    }

    /** A token split into its parts; the secret is already hashed. */
    public record ParsedKey(String keyId, byte[] secretSha256) {
    }

    public static NewKey generate() {
        String keyId = random(ID_ALPHABET, 16);
        String secret = random(SECRET_ALPHABET, 40);
        return new NewKey(keyId, PREFIX + keyId + "_" + secret, sha256(secret));
    }

    /** Empty when the token is not shaped like an API key (it may be a JWT). */
    public static Optional<ParsedKey> parse(String token) {
        if (token == null || !token.startsWith(PREFIX)) {
            return Optional.empty();
        }
        var m = FORMAT.matcher(token);
        if (!m.matches()) {
            return Optional.empty();
        }
        return Optional.of(new ParsedKey(m.group(1), sha256(m.group(2))));
    }

    public static boolean looksLikeApiKey(String token) {
        return token != null && token.startsWith(PREFIX);
    }

    static byte[] sha256(String secret) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.US_ASCII));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every JVM", e);
        }
    }

    private static String random(char[] alphabet, int length) {
        char[] out = new char[length];
        for (int i = 0; i < length; i++) {
            out[i] = alphabet[RANDOM.nextInt(alphabet.length)];
        }
        return new String(out);
    }
}
