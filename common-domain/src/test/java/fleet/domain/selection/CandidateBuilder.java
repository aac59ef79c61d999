package fleet.domain.selection;

import fleet.domain.DeviceStatus;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.UUID;

/** Builds candidates for tests: by default a healthy MINING miner sampled at {@link #NOW}. */
final class CandidateBuilder {

    static final Instant NOW = Instant.parse("2025-06-01T12:00:00Z");

    private final String identifier;
    private boolean curtailFull = true;
    private boolean maintenance;
    private boolean inOtherLiveEvent;
    private Instant lastResolvedAt;
    private DeviceStatus status = DeviceStatus.MINING;
    private Instant sampledAt = NOW.minusSeconds(10);
    private Double powerW = 3_400.0;
    private Double hashrateThs = 100.0;
    private Double efficiencyJPerTh = 34.0;

    private CandidateBuilder(String identifier) {
        this.identifier = identifier;
    }

    static CandidateBuilder miner(String identifier) {
        return new CandidateBuilder(identifier);
    }

    /** A MINING miner drawing {@code kw} at {@code jPerTh}, hashrate consistent with both. */
    static Candidate mining(String identifier, double kw, Double jPerTh) {
        CandidateBuilder b = miner(identifier).power(kw * 1000).efficiency(jPerTh);
        return b.hashrate(jPerTh == null ? 100.0 : kw * 1000 / jPerTh).build();
    }

    static UUID idOf(String identifier) {
        return UUID.nameUUIDFromBytes(identifier.getBytes(StandardCharsets.UTF_8));
    }

    CandidateBuilder curtailFull(boolean v) {
        curtailFull = v;
        return this;
    }

    CandidateBuilder maintenance(boolean v) {
        maintenance = v;
        return this;
    }

    CandidateBuilder inOtherLiveEvent(boolean v) {
        inOtherLiveEvent = v;
        return this;
    }

    CandidateBuilder lastResolvedAt(Instant v) {
        lastResolvedAt = v;
        return this;
    }

    CandidateBuilder status(DeviceStatus v) {
        status = v;
        return this;
    }

    CandidateBuilder sampledAt(Instant v) {
        sampledAt = v;
        return this;
    }

    CandidateBuilder power(Double v) {
        powerW = v;
        return this;
    }

    CandidateBuilder power(double v) {
        powerW = v;
        return this;
    }

    CandidateBuilder hashrate(Double v) {
        hashrateThs = v;
        return this;
    }

    CandidateBuilder hashrate(double v) {
        hashrateThs = v;
        return this;
    }

    CandidateBuilder efficiency(Double v) {
        efficiencyJPerTh = v;
        return this;
    }

    Candidate build() {
        return new Candidate(idOf(identifier), identifier, curtailFull, maintenance, inOtherLiveEvent, lastResolvedAt,
                status, sampledAt, powerW, hashrateThs, efficiencyJPerTh);
    }
}
