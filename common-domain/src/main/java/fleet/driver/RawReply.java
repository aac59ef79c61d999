package fleet.driver;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A bounded copy of the bytes a miner sent, kept with failures for diagnostics. Only the first
 * {@code keep} bytes are stored, so a runaway reply cannot pin megabytes per failed target.
 */
public final class RawReply {

    private static final RawReply EMPTY = new RawReply(new byte[0], 0);

    private final byte[] bytes;
    private final int originalLength;

    private RawReply(byte[] bytes, int originalLength) {
        this.bytes = bytes;
        this.originalLength = originalLength;
    }

    /** An empty reply (the miner sent nothing). */
    public static RawReply empty() {
        return EMPTY;
    }

    /** Copies at most {@code keep} bytes of {@code source[0, length)}. */
    public static RawReply of(byte[] source, int length, int keep) {
        if (length <= 0) {
            return EMPTY;
        }
        return new RawReply(Arrays.copyOf(source, Math.min(length, Math.max(0, keep))), length);
    }

    /**
     * Keeps {@code prefix} (already bounded by the caller) and remembers that the whole reply was
     * {@code originalLength} bytes long.
     */
    public static RawReply prefix(byte[] prefix, int originalLength) {
        if (originalLength <= 0 && prefix.length == 0) {
            return EMPTY;
        }
        return new RawReply(prefix.clone(), Math.max(originalLength, prefix.length));
    }

    /** Copies at most {@code keep} bytes of {@code source}. */
    public static RawReply of(byte[] source, int keep) {
        return of(source, source.length, keep);
    }

    /** The kept bytes (a copy). */
    public byte[] bytes() {
        return bytes.clone();
    }

    /** How many bytes the miner actually sent (may exceed what was kept). */
    public int originalLength() {
        return originalLength;
    }

    /** True when bytes were dropped to respect the bound. */
    public boolean truncated() {
        return originalLength > bytes.length;
    }

    /** The kept bytes as text, control characters escaped, for logs and {@code last_error}. */
    public String preview() {
        String text = new String(bytes, StandardCharsets.UTF_8);
        StringBuilder out = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        if (truncated()) {
            out.append("…(").append(originalLength).append(" bytes)");
        }
        return out.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RawReply other && originalLength == other.originalLength
                && Arrays.equals(bytes, other.bytes);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(bytes) + originalLength;
    }

    @Override
    public String toString() {
        return preview();
    }
}
