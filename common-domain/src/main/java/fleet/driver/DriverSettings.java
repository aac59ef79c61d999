package fleet.driver;

import java.time.Duration;
import java.util.Objects;

/**
 * Tunables of the drivers and their execution guards. Defaults follow SPEC §7.1/§9 and the field
 * values in {@code notes/miner-protocols.md} §1.1 (luxos-tooling 3 s, asic-rs 5 s, proto-fleet 1 MiB cap).
 *
 * @param connectTimeout          bound on establishing one TCP connection
 * @param totalTimeout            bound on one request, connect to last reply byte
 * @param maxReplyBytes           replies longer than this are cut off and reported as PROTOCOL_ERROR
 * @param rawReplyKeepBytes       how many raw bytes a failure keeps for diagnostics
 * @param maxInFlight             global bound on simultaneously open miner connections (excess queues)
 * @param breakerFailureThreshold consecutive UNREACHABLE/TIMEOUT results that open a miner's circuit
 * @param breakerCoolOff          how long an open circuit short-circuits before one probe is let through
 * @param busyRetries             extra attempts after a "busy" (LuxOS {@code Code 402}) before giving up
 * @param busyBackoffInitial      first backoff after "busy"; doubles per attempt, jittered
 * @param busyBackoffMax          cap of that backoff
 */
public record DriverSettings(Duration connectTimeout, Duration totalTimeout, int maxReplyBytes,
                             int rawReplyKeepBytes, int maxInFlight, int breakerFailureThreshold,
                             Duration breakerCoolOff, int busyRetries, Duration busyBackoffInitial,
                             Duration busyBackoffMax) {

    public DriverSettings {
        requirePositive(connectTimeout, "connectTimeout");
        requirePositive(totalTimeout, "totalTimeout");
        requirePositive(breakerCoolOff, "breakerCoolOff");
        requirePositive(busyBackoffInitial, "busyBackoffInitial");
        requirePositive(busyBackoffMax, "busyBackoffMax");
        if (maxReplyBytes < 64) {
            throw new IllegalArgumentException("maxReplyBytes must be at least 64");
        }
        if (rawReplyKeepBytes < 0 || maxInFlight < 1 || breakerFailureThreshold < 1 || busyRetries < 0) {
            throw new IllegalArgumentException("invalid driver settings");
        }
    }

    /** Connect 3 s, total 10 s, 1 MiB cap, 512 in flight, circuit opens after 3 failures for 30 s. */
    public static DriverSettings defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder initialised from these settings. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.connectTimeout = connectTimeout;
        b.totalTimeout = totalTimeout;
        b.maxReplyBytes = maxReplyBytes;
        b.rawReplyKeepBytes = rawReplyKeepBytes;
        b.maxInFlight = maxInFlight;
        b.breakerFailureThreshold = breakerFailureThreshold;
        b.breakerCoolOff = breakerCoolOff;
        b.busyRetries = busyRetries;
        b.busyBackoffInitial = busyBackoffInitial;
        b.busyBackoffMax = busyBackoffMax;
        return b;
    }

    private static void requirePositive(Duration d, String name) {
        Objects.requireNonNull(d, name);
        if (d.isZero() || d.isNegative()) {
            throw new IllegalArgumentException(name + " must be positive");
        }
    }

    /** Builder with the defaults pre-filled. */
    public static final class Builder {
        private Duration connectTimeout = Duration.ofSeconds(3);
        private Duration totalTimeout = Duration.ofSeconds(10);
        private int maxReplyBytes = 1 << 20;
        private int rawReplyKeepBytes = 4096;
        private int maxInFlight = 512;
        private int breakerFailureThreshold = 3;
        private Duration breakerCoolOff = Duration.ofSeconds(30);
        private int busyRetries = 3;
        private Duration busyBackoffInitial = Duration.ofMillis(500);
        private Duration busyBackoffMax = Duration.ofSeconds(4);

        private Builder() {
        }

        public Builder connectTimeout(Duration v) {
            connectTimeout = v;
            return this;
        }

        public Builder totalTimeout(Duration v) {
            totalTimeout = v;
            return this;
        }

        public Builder maxReplyBytes(int v) {
            maxReplyBytes = v;
            return this;
        }

        public Builder rawReplyKeepBytes(int v) {
            rawReplyKeepBytes = v;
            return this;
        }

        public Builder maxInFlight(int v) {
            maxInFlight = v;
            return this;
        }

        public Builder breakerFailureThreshold(int v) {
            breakerFailureThreshold = v;
            return this;
        }

        public Builder breakerCoolOff(Duration v) {
            breakerCoolOff = v;
            return this;
        }

        public Builder busyRetries(int v) {
            busyRetries = v;
            return this;
        }

        public Builder busyBackoffInitial(Duration v) {
            busyBackoffInitial = v;
            return this;
        }

        public Builder busyBackoffMax(Duration v) {
            busyBackoffMax = v;
            return this;
        }

        public DriverSettings build() {
            return new DriverSettings(connectTimeout, totalTimeout, maxReplyBytes, rawReplyKeepBytes,
                    maxInFlight, breakerFailureThreshold, breakerCoolOff, busyRetries, busyBackoffInitial,
                    busyBackoffMax);
        }
    }
}
