package fleet.domain.selection;

import fleet.domain.CurtailmentMode;
import fleet.domain.CurtailmentPriority;
import fleet.domain.DeviceStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Selection (SPEC §4) as a pure function: candidates + params → {@link Plan}. Deterministic: the
 * same candidates in any order give an equal plan (ranking, skipped order and every sum are computed
 * in a canonical order).
 *
 * <p>Classification, first match wins ({@link #classify}):
 * <ol>
 * <li>{@code active_event}: live target in another non-terminal event;</li>
 * <li>{@code curtail_unsupported}: no {@code curtail_full};</li>
 * <li>{@code maintenance}: maintenance flag, unless {@code includeMaintenance};</li>
 * <li>{@code unreachable} / {@code auth_failed} / {@code updating} / {@code rebooting}: the status of
 *     a failed poll;</li>
 * <li>{@code already_curtailed}: status SLEEPING;</li>
 * <li>{@code stale_telemetry}: no status or no sample time; sample older than the freshness window, or
 *     dated more than the window in the future (a broken clock must not keep a sample fresh forever);
 *     power or hashrate NaN, infinite or negative; neither power nor hashrate reported;</li>
 * <li>{@code cooldown}: {@code lastResolvedAt} less than {@code postEventCooldown} ago, NORMAL priority
 *     only (a zero cooldown never matches);</li>
 * <li>FIXED_KW {@code below_min_power}: power &lt; floor and not hashing (hashrate 0 or not reported);</li>
 * <li>FIXED_KW {@code power_telemetry_unreliable}: power &lt; floor while hashing (dead power monitor),
 *     <em>or power not reported at all</em>;</li>
 * <li>FIXED_KW {@code phantom_load_no_hash}: power ≥ floor with a reported hashrate of exactly 0.</li>
 * </ol>
 * Statuses the table does not name (NO_POOL, STOPPED, STARTING, ERROR) are reachable miners: they are
 * not skipped for their status and go through rows 6–10 like MINING, which is what sorts them out —
 * e.g. a NO_POOL miner at idle draw is {@code below_min_power} in FIXED_KW, a NO_POOL miner drawing
 * full power with no hash is {@code phantom_load_no_hash}, and FULL_FLEET selects both (putting them
 * to sleep still sheds their draw, and their pre-curtail snapshot keeps restore from starting a miner
 * that was not mining).
 *
 * <p>Ranking: highest efficiency (J/TH) first; unknown efficiency ({@code null}, non-finite or ≤ 0)
 * last; ties by identifier ({@link String#compareTo}), then device id.
 *
 * <p>FIXED_KW walks the ranking accumulating sampled power and stops at the first device whose
 * cumulative power reaches the target; if all eligible power stays below the target but reaches
 * {@code target − tolerance}, every eligible device is selected; otherwise the plan carries
 * {@link InsufficientLoad} and selects nothing. Comparisons allow 1 µW of floating-point slack.
 * FULL_FLEET selects every eligible device (rows 8–10 do not apply).
 *
 * <p>Baseline power: the sampled power when it is &gt; 0 and either ≥ the floor or the only evidence
 * (hashrate not reported); otherwise {@code null} and the target is confirmed by hashrate only. Below
 * the floor a reading is either a dead monitor (hashing) or idle draw too close to sleep draw for a
 * 0.5 × baseline test to tell apart. Every FIXED_KW selection has power ≥ floor, hence a baseline.
 *
 * <p>Input contract: one candidate per device id (a duplicate is rejected: a scope query joining
 * group memberships must be DISTINCT). Cost: one pass to classify, one sort of the eligible devices,
 * one sort of the skipped devices; no per-candidate boxing.
 */
public final class SelectionPlanner {

    private static final double SLACK_W = 1e-6;
    private static final SkipReason[] REASONS = SkipReason.values();

    private static final Comparator<Ranked> RANKING = (a, b) -> {
        int c = Double.compare(b.key, a.key);
        if (c != 0) {
            return c;
        }
        c = a.candidate.identifier().compareTo(b.candidate.identifier());
        return c != 0 ? c : a.candidate.deviceId().compareTo(b.candidate.deviceId());
    };

    private static final Comparator<SkippedDevice> SKIPPED_ORDER = (a, b) -> {
        int c = a.identifier().compareTo(b.identifier());
        return c != 0 ? c : a.deviceId().compareTo(b.deviceId());
    };

    private SelectionPlanner() {
    }

    /** Runs selection over {@code candidates}. */
    public static Plan plan(Collection<Candidate> candidates, SelectionParams params) {
        Rules rules = new Rules(params);
        int n = candidates.size();
        Set<UUID> seen = new HashSet<>(Math.max(16, (int) (n / 0.75f) + 1));
        Ranked[] eligible = new Ranked[n];
        int eligibleCount = 0;
        List<SkippedDevice> skipped = new ArrayList<>();
        int[] counts = new int[REASONS.length];

        for (Candidate c : candidates) {
            if (!seen.add(c.deviceId())) {
                throw new IllegalArgumentException("duplicate candidate for device " + c.deviceId());
            }
            SkipReason reason = classify(c, rules);
            if (reason != null) {
                skipped.add(new SkippedDevice(c, reason));
                counts[reason.ordinal()]++;
            } else {
                eligible[eligibleCount++] = new Ranked(c);
            }
        }

        Arrays.sort(eligible, 0, eligibleCount, RANKING);
        skipped.sort(SKIPPED_ORDER);

        double eligibleW = 0;
        int take = eligibleCount;
        boolean reached = false;
        if (params.mode() == CurtailmentMode.FIXED_KW) {
            double targetW = params.targetKw() * 1000;
            for (int i = 0; i < eligibleCount; i++) {
                eligibleW += eligible[i].powerW;
                if (!reached && eligibleW >= targetW - SLACK_W) {
                    reached = true;
                    take = i + 1;
                }
            }
        } else {
            for (int i = 0; i < eligibleCount; i++) {
                eligibleW += eligible[i].powerW;
            }
        }

        double skippedW = 0;
        for (SkippedDevice s : skipped) {
            skippedW += sampledPowerW(s.candidate());
        }
        double scopePowerKw = (eligibleW + skippedW) / 1000;

        Map<SkipReason, Integer> skipCounts = new EnumMap<>(SkipReason.class);
        for (SkipReason r : REASONS) {
            skipCounts.put(r, counts[r.ordinal()]);
        }
        skipCounts = Collections.unmodifiableMap(skipCounts);

        Optional<InsufficientLoad> insufficient = Optional.empty();
        if (params.mode() == CurtailmentMode.FIXED_KW && !reached) {
            double floorW = (params.targetKw() - params.toleranceKw()) * 1000;
            if (eligibleCount == 0 || eligibleW < floorW - SLACK_W) {
                insufficient = Optional.of(new InsufficientLoad(eligibleW / 1000, params.targetKw(),
                        params.toleranceKw(), params.candidateMinPowerW(), skipCounts));
                take = 0;
            }
        }

        List<SelectedDevice> selected = new ArrayList<>(take);
        double selectedW = 0;
        for (int i = 0; i < take; i++) {
            Ranked r = eligible[i];
            selectedW += r.powerW;
            selected.add(new SelectedDevice(i + 1, r.candidate, r.efficiency(), baselinePowerW(r.candidate, rules),
                    r.candidate.hashrateThs()));
        }

        return new Plan(params.mode(), Collections.unmodifiableList(selected), Collections.unmodifiableList(skipped),
                skipCounts, n, eligibleCount, selectedW / 1000, scopePowerKw, params.candidateMinPowerW(),
                insufficient);
    }

    /** The first classification row {@code c} matches, or {@code null} when it is eligible. */
    public static SkipReason classify(Candidate c, SelectionParams params) {
        return classify(c, new Rules(params));
    }

    private static SkipReason classify(Candidate c, Rules r) {
        if (c.inOtherLiveEvent()) {
            return SkipReason.ACTIVE_EVENT;
        }
        if (!c.curtailFull()) {
            return SkipReason.CURTAIL_UNSUPPORTED;
        }
        if (c.maintenance() && !r.includeMaintenance) {
            return SkipReason.MAINTENANCE;
        }
        DeviceStatus status = c.status();
        if (status != null) {
            switch (status) {
                case UNREACHABLE:
                    return SkipReason.UNREACHABLE;
                case AUTH_FAILED:
                    return SkipReason.AUTH_FAILED;
                case UPDATING:
                    return SkipReason.UPDATING;
                case REBOOTING:
                    return SkipReason.REBOOTING;
                case SLEEPING:
                    return SkipReason.ALREADY_CURTAILED;
                default:
                    break;
            }
        }
        Instant sampledAt = c.sampledAt();
        if (status == null || sampledAt == null || sampledAt.isBefore(r.staleBefore) || sampledAt.isAfter(r.staleAfter)) {
            return SkipReason.STALE_TELEMETRY;
        }
        Double power = c.powerW();
        Double hashrate = c.hashrateThs();
        if ((power == null && hashrate == null) || (power != null && !usable(power)) || (hashrate != null && !usable(hashrate))) {
            return SkipReason.STALE_TELEMETRY;
        }
        if (r.cooldown && c.lastResolvedAt() != null && c.lastResolvedAt().isAfter(r.cooldownAfter)) {
            return SkipReason.COOLDOWN;
        }
        if (r.fixedKw) {
            if (power == null) {
                return SkipReason.POWER_TELEMETRY_UNRELIABLE;
            }
            boolean hashing = hashrate != null && hashrate > 0;
            if (power < r.floorW) {
                return hashing ? SkipReason.POWER_TELEMETRY_UNRELIABLE : SkipReason.BELOW_MIN_POWER;
            }
            if (hashrate != null && hashrate == 0) {
                return SkipReason.PHANTOM_LOAD_NO_HASH;
            }
        }
        return null;
    }

    private static Double baselinePowerW(Candidate c, Rules r) {
        Double power = c.powerW();
        if (power == null || !(power > 0)) {
            return null;
        }
        return power >= r.floorW || c.hashrateThs() == null ? power : null;
    }

    /** Finite and ≥ 0 (also false for NaN). */
    private static boolean usable(double v) {
        return v >= 0 && v < Double.POSITIVE_INFINITY;
    }

    /** Sampled power counted towards kW sums: a finite non-negative reading of a device with a sample. */
    private static double sampledPowerW(Candidate c) {
        Double p = c.powerW();
        return c.sampledAt() != null && p != null && usable(p) ? p : 0;
    }

    /** Params with the instants precomputed once per run. */
    private static final class Rules {
        final boolean includeMaintenance;
        final boolean fixedKw;
        final boolean cooldown;
        final double floorW;
        final Instant staleBefore;
        final Instant staleAfter;
        final Instant cooldownAfter;

        Rules(SelectionParams p) {
            includeMaintenance = p.includeMaintenance();
            fixedKw = p.mode() == CurtailmentMode.FIXED_KW;
            cooldown = p.priority() == CurtailmentPriority.NORMAL && !p.postEventCooldown().isZero();
            floorW = p.candidateMinPowerW();
            staleBefore = p.now().minus(p.freshnessWindow());
            staleAfter = p.now().plus(p.freshnessWindow());
            cooldownAfter = p.now().minus(p.postEventCooldown());
        }
    }

    /** An eligible candidate with its ranking key unboxed once. */
    private static final class Ranked {
        final Candidate candidate;
        final double key;
        final double powerW;

        Ranked(Candidate c) {
            candidate = c;
            Double e = c.efficiencyJPerTh();
            key = e != null && e > 0 && e < Double.POSITIVE_INFINITY ? e : Double.NEGATIVE_INFINITY;
            powerW = sampledPowerW(c);
        }

        Double efficiency() {
            return key == Double.NEGATIVE_INFINITY ? null : candidate.efficiencyJPerTh();
        }
    }
}
