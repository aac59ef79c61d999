package fleet.api.paging;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The HMAC-SHA256 keys of page tokens: tokens are signed with the first key and accepted under any of them, so a key
 * is rotated by putting the new one first and dropping the old one once its tokens no longer matter (a page token is
 * short-lived). Key material is never logged and never leaves this class.
 */
final class PageTokenKeys {

    /** The least key length accepted (bytes of the configured text): a 256-bit HMAC key. */
    static final int MIN_KEY_BYTES = 32;
    /** The MAC is truncated to 128 bits (RFC 2104 §5 allows truncation to half the hash length). */
    static final int MAC_BYTES = 16;
    private static final String ALGORITHM = "HmacSHA256";

    private final List<SecretKeySpec> keys;

    private PageTokenKeys(List<SecretKeySpec> keys) {
        this.keys = List.copyOf(keys);
    }

    /** Keys from configured texts (each at least {@link #MIN_KEY_BYTES} bytes in UTF-8); the first one signs. */
    static PageTokenKeys of(List<String> texts) {
        List<byte[]> raw = new ArrayList<>();
        for (int i = 0; i < texts.size(); i++) {
            byte[] k = texts.get(i).trim().getBytes(StandardCharsets.UTF_8);
            if (k.length < MIN_KEY_BYTES) {
                // position only: the value is a secret
                throw new IllegalArgumentException("fleet.paging.hmac-key: key " + (i + 1) + " of " + texts.size()
                        + " is shorter than " + MIN_KEY_BYTES + " bytes");
            }
            raw.add(k);
        }
        return ofBytes(raw);
    }

    static PageTokenKeys ofBytes(List<byte[]> raw) {
        if (raw.isEmpty()) {
            throw new IllegalArgumentException("at least one page-token key is needed");
        }
        return new PageTokenKeys(raw.stream().map(k -> new SecretKeySpec(k, ALGORITHM)).toList());
    }

    int size() {
        return keys.size();
    }

    byte[] sign(byte[] data) {
        return mac(keys.get(0), data);
    }

    /** True when {@code mac} is the MAC of {@code data} under one of the keys (constant-time per key). */
    boolean verify(byte[] data, byte[] mac) {
        boolean ok = false;
        for (SecretKeySpec k : keys) {
            ok |= MessageDigest.isEqual(mac(k, data), mac);
        }
        return ok;
    }

    private static byte[] mac(SecretKeySpec key, byte[] data) {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(key);
            return Arrays.copyOf(mac.doFinal(data), MAC_BYTES);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
