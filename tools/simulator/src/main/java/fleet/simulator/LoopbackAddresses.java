package fleet.simulator;

/**
 * Maps miner indices to consecutive IPv4 loopback addresses. Linux routes all of 127.0.0.0/8 to
 * {@code lo}, so every such address can be bound without configuring an interface.
 */
final class LoopbackAddresses {

    private static final int LOOPBACK_NETWORK = 127;
    private static final long LAST_USABLE = toLong(127, 255, 255, 254);

    private LoopbackAddresses() {
    }

    /** Parses a dotted IPv4 loopback address into its 32-bit value (as a non-negative long). */
    static long parse(String dotted) {
        String[] octets = dotted.trim().split("\\.");
        if (octets.length != 4) {
            throw new IllegalArgumentException("not an IPv4 address: " + dotted);
        }
        long value = 0;
        for (String octet : octets) {
            int part;
            try {
                part = Integer.parseInt(octet);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("not an IPv4 address: " + dotted, e);
            }
            if (part < 0 || part > 255) {
                throw new IllegalArgumentException("not an IPv4 address: " + dotted);
            }
            value = (value << 8) | part;
        }
        if ((value >>> 24) != LOOPBACK_NETWORK) {
            throw new IllegalArgumentException("not a 127.x.y.z loopback address: " + dotted);
        }
        return value;
    }

    /** The address of miner {@code index} when miner 0 has {@code first}. */
    static String hostOf(long first, int index) {
        long address = first + index;
        if (index < 0 || address > LAST_USABLE) {
            throw new IllegalArgumentException("miner " + index + " would fall outside 127.0.0.0/8");
        }
        return format(address);
    }

    /** The index of {@code host} in a fleet of {@code count} starting at {@code first}, or -1. */
    static int indexOf(long first, int count, String host) {
        long address;
        try {
            address = parse(host);
        } catch (IllegalArgumentException e) {
            return -1;
        }
        long offset = address - first;
        return offset >= 0 && offset < count ? (int) offset : -1;
    }

    static String format(long address) {
        return ((address >>> 24) & 0xFF) + "." + ((address >>> 16) & 0xFF) + "."
                + ((address >>> 8) & 0xFF) + "." + (address & 0xFF);
    }

    private static long toLong(int a, int b, int c, int d) {
        return ((long) a << 24) | ((long) b << 16) | ((long) c << 8) | d;
    }
}
