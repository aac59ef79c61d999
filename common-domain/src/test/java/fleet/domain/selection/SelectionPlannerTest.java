package fleet.domain.selection;

import static fleet.domain.selection.CandidateBuilder.NOW;
import static fleet.domain.selection.CandidateBuilder.miner;
import static fleet.domain.selection.CandidateBuilder.mining;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import fleet.domain.CurtailmentMode;
import fleet.domain.CurtailmentPriority;
import fleet.domain.DeviceStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

class SelectionPlannerTest {

    private static final Duration COOLDOWN = Duration.ofMinutes(30);

    private static SelectionParams fixedKw(double targetKw, double toleranceKw) {
        return SelectionParams.fixedKw(targetKw, toleranceKw, NOW).withPostEventCooldown(COOLDOWN);
    }

    private static SelectionParams fullFleet() {
        return SelectionParams.fullFleet(NOW).withPostEventCooldown(COOLDOWN);
    }

    private static List<String> selectedIdentifiers(Plan plan) {
        return plan.selected().stream().map(SelectedDevice::identifier).toList();
    }

    // --- ranking and FIXED_KW accumulation -------------------------------------------------------

    @Test
    void leastEfficientDeviceAloneCoversASmallTarget() {
        Plan plan = SelectionPlanner.plan(List.of(mining("b", 5, 40.0), mining("a", 5, 45.0)), fixedKw(4, 0));

        assertThat(plan.sufficient()).isTrue();
        assertThat(selectedIdentifiers(plan)).containsExactly("a");
        assertThat(plan.selected().get(0).rank()).isEqualTo(1);
        assertThat(plan.selected().get(0).efficiencyJPerTh()).isEqualTo(45.0);
        assertThat(plan.estimatedReductionKw()).isEqualTo(5.0);
        assertThat(plan.eligibleCount()).isEqualTo(2);
        assertThat(plan.scopePowerKw()).isEqualTo(10.0);
        assertThat(plan.remainingPowerKw()).isEqualTo(5.0);
    }

    @Test
    void accumulationStopsAtTheFirstDeviceThatReachesTheTarget() {
        List<Candidate> c = List.of(mining("d1", 3, 50.0), mining("d2", 3, 40.0), mining("d3", 3, 30.0));

        assertThat(selectedIdentifiers(SelectionPlanner.plan(c, fixedKw(6, 0)))).containsExactly("d1", "d2");
        assertThat(selectedIdentifiers(SelectionPlanner.plan(c, fixedKw(6.001, 0)))).containsExactly("d1", "d2", "d3");
        assertThat(selectedIdentifiers(SelectionPlanner.plan(c, fixedKw(2, 0)))).containsExactly("d1");
    }

    @Test
    void unknownEfficiencyRanksLast() {
        List<Candidate> c = List.of(
                mining("unknown-null", 3, null),
                miner("unknown-nan").efficiency(Double.NaN).build(),
                miner("unknown-zero").efficiency(0.0).build(),
                miner("unknown-inf").efficiency(Double.POSITIVE_INFINITY).build(),
                mining("low", 3, 20.0),
                mining("high", 3, 30.0));

        Plan plan = SelectionPlanner.plan(c, fullFleet());

        assertThat(selectedIdentifiers(plan))
                .containsExactly("high", "low", "unknown-inf", "unknown-nan", "unknown-null", "unknown-zero");
        assertThat(plan.selected().get(2).efficiencyJPerTh()).isNull();
        assertThat(plan.selected()).extracting(SelectedDevice::rank).containsExactly(1, 2, 3, 4, 5, 6);
    }

    @Test
    void equalEfficiencyIsOrderedByIdentifier() {
        List<Candidate> c = List.of(mining("m-10", 3, 30.0), mining("m-2", 3, 30.0), mining("M-3", 3, 30.0),
                mining("m-1", 3, 30.0));

        assertThat(selectedIdentifiers(SelectionPlanner.plan(c, fullFleet())))
                .containsExactly("M-3", "m-1", "m-10", "m-2");
    }

    @Test
    void sameInputsInAnyOrderGiveTheSamePlan() {
        List<Candidate> c = mixedFleet(2_000, 7);
        SelectionParams params = fixedKw(2_000, 50);
        Plan first = SelectionPlanner.plan(c, params);

        assertThat(SelectionPlanner.plan(c, params)).isEqualTo(first);
        for (long seed = 1; seed <= 5; seed++) {
            List<Candidate> shuffled = new ArrayList<>(c);
            Collections.shuffle(shuffled, new Random(seed));
            assertThat(SelectionPlanner.plan(shuffled, params)).isEqualTo(first);
        }
        assertThat(first.selected()).isNotEmpty();
        assertThat(first.skipped()).isNotEmpty();
    }

    // --- insufficient load and tolerance ---------------------------------------------------------

    private static List<Candidate> nineAndAHalfKwPlusSkipped() {
        List<Candidate> c = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            c.add(miner("ok-" + i).power(1_900.0).hashrate(50.0).efficiency(38.0).build());
        }
        c.add(miner("maint").maintenance(true).build());
        c.add(miner("stale").sampledAt(NOW.minusSeconds(600)).build());
        c.add(miner("stale-2").sampledAt(null).build());
        c.add(miner("idle").power(200.0).hashrate(0.0).build());
        return c;
    }

    @Test
    void fixedKwBelowTargetWithoutToleranceIsInsufficientWithStructuredMetadata() {
        Plan plan = SelectionPlanner.plan(nineAndAHalfKwPlusSkipped(), fixedKw(10, 0));

        assertThat(plan.sufficient()).isFalse();
        assertThat(plan.selected()).isEmpty();
        assertThat(plan.estimatedReductionKw()).isZero();
        InsufficientLoad load = plan.insufficientLoad().orElseThrow();
        assertThat(load.availableKw()).isEqualTo(9.5);
        assertThat(load.requestedKw()).isEqualTo(10.0);
        assertThat(load.toleranceKw()).isZero();
        assertThat(load.candidateMinPowerW()).isEqualTo(1_500.0);
        assertThat(InsufficientLoad.REASON).isEqualTo("INSUFFICIENT_CURTAILABLE_LOAD");
        assertThat(load.metadata()).containsExactly(
                entry("available_kw", "9.5"),
                entry("requested_kw", "10"),
                entry("tolerance_kw", "0"),
                entry("candidate_min_power_w", "1500"),
                entry("excluded.active_event", "0"),
                entry("excluded.curtail_unsupported", "0"),
                entry("excluded.maintenance", "1"),
                entry("excluded.unreachable", "0"),
                entry("excluded.auth_failed", "0"),
                entry("excluded.updating", "0"),
                entry("excluded.rebooting", "0"),
                entry("excluded.already_curtailed", "0"),
                entry("excluded.stale_telemetry", "2"),
                entry("excluded.cooldown", "0"),
                entry("excluded.below_min_power", "1"),
                entry("excluded.power_telemetry_unreliable", "0"),
                entry("excluded.phantom_load_no_hash", "0"));
        assertThat(plan.skipped()).hasSize(4);
    }

    @Test
    void fixedKwWithinToleranceSelectsEveryEligibleDevice() {
        Plan plan = SelectionPlanner.plan(nineAndAHalfKwPlusSkipped(), fixedKw(10, 1));

        assertThat(plan.sufficient()).isTrue();
        assertThat(selectedIdentifiers(plan)).containsExactly("ok-0", "ok-1", "ok-2", "ok-3", "ok-4");
        assertThat(plan.estimatedReductionKw()).isEqualTo(9.5);
    }

    @Test
    void toleranceBoundaryIsInclusive() {
        assertThat(SelectionPlanner.plan(nineAndAHalfKwPlusSkipped(), fixedKw(10, 0.5)).sufficient()).isTrue();
        assertThat(SelectionPlanner.plan(nineAndAHalfKwPlusSkipped(), fixedKw(10, 0.499)).sufficient()).isFalse();
    }

    @Test
    void emptyScopeIsInsufficientForFixedKwAndAnEmptyPlanForFullFleet() {
        Plan fixed = SelectionPlanner.plan(List.of(), fixedKw(1, 0.5));
        assertThat(fixed.insufficientLoad()).map(InsufficientLoad::availableKw).contains(0.0);

        Plan full = SelectionPlanner.plan(List.of(), fullFleet());
        assertThat(full.sufficient()).isTrue();
        assertThat(full.selected()).isEmpty();
        assertThat(full.devicesInScope()).isZero();
    }

    @Test
    void metadataNumbersArePlainDecimalsRoundedToTheWatt() {
        assertThat(InsufficientLoad.decimal(9.499999999999)).isEqualTo("9.5");
        assertThat(InsufficientLoad.decimal(1e7)).isEqualTo("10000000");
        assertThat(InsufficientLoad.decimal(0.0004)).isEqualTo("0");
        assertThat(InsufficientLoad.decimal(12.3456)).isEqualTo("12.346");
    }

    // --- classification --------------------------------------------------------------------------

    static Stream<Arguments> oneCandidatePerReason() {
        return Stream.of(
                row(SkipReason.ACTIVE_EVENT, b -> b.inOtherLiveEvent(true)),
                row(SkipReason.CURTAIL_UNSUPPORTED, b -> b.curtailFull(false)),
                row(SkipReason.MAINTENANCE, b -> b.maintenance(true)),
                row(SkipReason.UNREACHABLE, b -> b.status(DeviceStatus.UNREACHABLE).power((Double) null).hashrate((Double) null)),
                row(SkipReason.AUTH_FAILED, b -> b.status(DeviceStatus.AUTH_FAILED)),
                row(SkipReason.UPDATING, b -> b.status(DeviceStatus.UPDATING)),
                row(SkipReason.REBOOTING, b -> b.status(DeviceStatus.REBOOTING)),
                row(SkipReason.ALREADY_CURTAILED, b -> b.status(DeviceStatus.SLEEPING).power(25.0).hashrate(0.0)),
                row(SkipReason.STALE_TELEMETRY, b -> b.sampledAt(NOW.minusSeconds(181))),
                row(SkipReason.COOLDOWN, b -> b.lastResolvedAt(NOW.minusSeconds(60))),
                row(SkipReason.BELOW_MIN_POWER, b -> b.power(1_499.0).hashrate(0.0)),
                row(SkipReason.POWER_TELEMETRY_UNRELIABLE, b -> b.power(300.0).hashrate(110.0)),
                row(SkipReason.PHANTOM_LOAD_NO_HASH, b -> b.status(DeviceStatus.NO_POOL).power(3_200.0).hashrate(0.0)));
    }

    private static Arguments row(SkipReason expected, UnaryOperator<CandidateBuilder> shape) {
        return Arguments.of(expected, shape.apply(miner("d")).build());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("oneCandidatePerReason")
    void eachSkipReasonIsProducedByTheCandidateBuiltForIt(SkipReason expected, Candidate candidate) {
        Plan plan = SelectionPlanner.plan(List.of(candidate, miner("healthy").build()), fixedKw(1, 0));

        assertThat(plan.skipped()).singleElement().satisfies(s -> {
            assertThat(s.reason()).isEqualTo(expected);
            assertThat(s.identifier()).isEqualTo("d");
        });
        assertThat(plan.skipCount(expected)).isEqualTo(1);
        assertThat(plan.skipCounts().values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(1);
        assertThat(selectedIdentifiers(plan)).containsExactly("healthy");
    }

    @Test
    void everySkipReasonHasACandidateInTheTable() {
        assertThat(oneCandidatePerReason().map(a -> (SkipReason) a.get()[0]))
                .containsExactly(SkipReason.values());
    }

    static Stream<Arguments> severalReasonsFirstRowWins() {
        Duration old = Duration.ofHours(1);
        return Stream.of(
                row(SkipReason.ACTIVE_EVENT, b -> b.inOtherLiveEvent(true).curtailFull(false).maintenance(true)
                        .status(DeviceStatus.UNREACHABLE)),
                row(SkipReason.CURTAIL_UNSUPPORTED, b -> b.curtailFull(false).maintenance(true).status(DeviceStatus.SLEEPING)),
                row(SkipReason.MAINTENANCE, b -> b.maintenance(true).status(DeviceStatus.AUTH_FAILED)),
                row(SkipReason.UNREACHABLE, b -> b.status(DeviceStatus.UNREACHABLE).sampledAt(NOW.minus(old))),
                row(SkipReason.REBOOTING, b -> b.status(DeviceStatus.REBOOTING).power(Double.NaN)),
                row(SkipReason.ALREADY_CURTAILED, b -> b.status(DeviceStatus.SLEEPING).sampledAt(NOW.minus(old))
                        .lastResolvedAt(NOW)),
                row(SkipReason.STALE_TELEMETRY, b -> b.sampledAt(NOW.minus(old)).lastResolvedAt(NOW).power(10.0)),
                row(SkipReason.COOLDOWN, b -> b.lastResolvedAt(NOW.minusSeconds(1)).power(10.0).hashrate(0.0)),
                row(SkipReason.BELOW_MIN_POWER, b -> b.power(0.0).hashrate(0.0)),
                row(SkipReason.POWER_TELEMETRY_UNRELIABLE, b -> b.power(0.0).hashrate(5.0)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("severalReasonsFirstRowWins")
    void aDeviceMatchingSeveralRowsGetsTheFirst(SkipReason expected, Candidate candidate) {
        assertThat(SelectionPlanner.classify(candidate, fixedKw(1, 0))).isEqualTo(expected);
    }

    static Stream<Arguments> staleTelemetryShapes() {
        return Stream.of(
                row(SkipReason.STALE_TELEMETRY, b -> b.sampledAt(null)),
                row(SkipReason.STALE_TELEMETRY, b -> b.status(null)),
                row(SkipReason.STALE_TELEMETRY, b -> b.sampledAt(NOW.minusSeconds(180).minusMillis(1))),
                row(SkipReason.STALE_TELEMETRY, b -> b.sampledAt(NOW.plusSeconds(181))),
                row(SkipReason.STALE_TELEMETRY, b -> b.power(Double.NaN)),
                row(SkipReason.STALE_TELEMETRY, b -> b.power(Double.POSITIVE_INFINITY)),
                row(SkipReason.STALE_TELEMETRY, b -> b.power(-1.0)),
                row(SkipReason.STALE_TELEMETRY, b -> b.hashrate(Double.NaN)),
                row(SkipReason.STALE_TELEMETRY, b -> b.hashrate(-0.5)),
                row(SkipReason.STALE_TELEMETRY, b -> b.power((Double) null).hashrate((Double) null)),
                rowEligible(b -> b.sampledAt(NOW.minusSeconds(180))),
                rowEligible(b -> b.sampledAt(NOW.plusSeconds(180))),
                rowEligible(b -> b.efficiency(Double.NaN)));
    }

    private static Arguments rowEligible(UnaryOperator<CandidateBuilder> shape) {
        return Arguments.of(null, shape.apply(miner("d")).build());
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("staleTelemetryShapes")
    void freshnessWindowAndUnusableValues(SkipReason expected, Candidate candidate) {
        assertThat(SelectionPlanner.classify(candidate, fixedKw(1, 0))).isEqualTo(expected);
        assertThat(SelectionPlanner.classify(candidate, fullFleet())).isEqualTo(expected);
    }

    @Test
    void cooldownCoversOnlyDevicesResolvedLessThanTheCooldownAgo() {
        SelectionParams params = fixedKw(1, 0);
        assertThat(SelectionPlanner.classify(miner("d").lastResolvedAt(NOW.minus(COOLDOWN).plusMillis(1)).build(), params))
                .isEqualTo(SkipReason.COOLDOWN);
        assertThat(SelectionPlanner.classify(miner("d").lastResolvedAt(NOW.minus(COOLDOWN)).build(), params)).isNull();
        assertThat(SelectionPlanner.classify(miner("d").lastResolvedAt(NOW).build(),
                params.withPostEventCooldown(Duration.ZERO))).isNull();
    }

    @Test
    void emergencyPriorityBypassesCooldown() {
        Candidate recentlyResolved = miner("d").lastResolvedAt(NOW.minusSeconds(5)).build();

        Plan normal = SelectionPlanner.plan(List.of(recentlyResolved), fullFleet());
        Plan emergency = SelectionPlanner.plan(List.of(recentlyResolved),
                fullFleet().withPriority(CurtailmentPriority.EMERGENCY));

        assertThat(normal.skipCount(SkipReason.COOLDOWN)).isEqualTo(1);
        assertThat(selectedIdentifiers(emergency)).containsExactly("d");
    }

    @Test
    void includeMaintenanceSelectsDevicesUnderMaintenance() {
        Candidate c = miner("d").maintenance(true).build();

        assertThat(SelectionPlanner.classify(c, fullFleet())).isEqualTo(SkipReason.MAINTENANCE);
        assertThat(SelectionPlanner.classify(c, fullFleet().withIncludeMaintenance(true))).isNull();
    }

    @Test
    void fullFleetKeepsAHashingDeviceBelowTheFloorThatFixedKwSkips() {
        Candidate deadMonitor = miner("dead-monitor").power(40.0).hashrate(110.0).efficiency(null).build();

        Plan fixed = SelectionPlanner.plan(List.of(deadMonitor, miner("ok").build()), fixedKw(1, 0));
        Plan full = SelectionPlanner.plan(List.of(deadMonitor), fullFleet());

        assertThat(fixed.skipped()).singleElement().extracting(SkippedDevice::reason)
                .isEqualTo(SkipReason.POWER_TELEMETRY_UNRELIABLE);
        assertThat(full.selected()).singleElement().satisfies(s -> {
            assertThat(s.identifier()).isEqualTo("dead-monitor");
            assertThat(s.baselinePowerW()).as("untrustworthy power is no baseline").isNull();
            assertThat(s.baselineHashrateThs()).isEqualTo(110.0);
        });
    }

    @Test
    void fullFleetDoesNotApplyTheFloorRows() {
        List<Candidate> c = List.of(
                miner("below").status(DeviceStatus.STOPPED).power(200.0).hashrate(0.0).build(),
                miner("phantom").status(DeviceStatus.NO_POOL).power(3_000.0).hashrate(0.0).build(),
                miner("no-power").power((Double) null).hashrate(90.0).build());

        assertThat(SelectionPlanner.plan(c, fullFleet()).selected()).hasSize(3);
        assertThat(SelectionPlanner.plan(c, fixedKw(1, 0)).skipped()).extracting(SkippedDevice::reason)
                .containsExactly(SkipReason.BELOW_MIN_POWER, SkipReason.POWER_TELEMETRY_UNRELIABLE,
                        SkipReason.PHANTOM_LOAD_NO_HASH);
    }

    @Test
    void fixedKwCannotCountADeviceWithUnknownPower() {
        assertThat(SelectionPlanner.classify(miner("d").power((Double) null).hashrate(100.0).build(), fixedKw(1, 0)))
                .isEqualTo(SkipReason.POWER_TELEMETRY_UNRELIABLE);
        assertThat(SelectionPlanner.classify(miner("d").power((Double) null).hashrate(0.0).build(), fixedKw(1, 0)))
                .isEqualTo(SkipReason.POWER_TELEMETRY_UNRELIABLE);
    }

    @Test
    void hashrateNotReportedCountsAsNotHashing() {
        SelectionParams params = fixedKw(1, 0);
        assertThat(SelectionPlanner.classify(miner("d").power(800.0).hashrate((Double) null).build(), params))
                .isEqualTo(SkipReason.BELOW_MIN_POWER);
        assertThat(SelectionPlanner.classify(miner("d").power(3_000.0).hashrate((Double) null).build(), params))
                .isNull();
    }

    @ParameterizedTest
    @EnumSource(value = DeviceStatus.class, names = {"MINING", "NO_POOL", "STOPPED", "STARTING", "ERROR"})
    void reachableStatusesTheTableDoesNotNameAreJudgedByTelemetry(DeviceStatus status) {
        assertThat(SelectionPlanner.classify(miner("d").status(status).build(), fixedKw(1, 0))).isNull();
        assertThat(SelectionPlanner.classify(miner("d").status(status).power(100.0).hashrate(0.0).build(),
                fixedKw(1, 0))).isEqualTo(SkipReason.BELOW_MIN_POWER);
    }

    @Test
    void floorOverrideApplies() {
        Candidate c = miner("d").power(1_000.0).hashrate(0.0).build();
        assertThat(SelectionPlanner.classify(c, fixedKw(1, 0))).isEqualTo(SkipReason.BELOW_MIN_POWER);
        assertThat(SelectionPlanner.classify(c, fixedKw(1, 0).withCandidateMinPowerW(900)))
                .isEqualTo(SkipReason.PHANTOM_LOAD_NO_HASH);
    }

    // --- baseline ----------------------------------------------------------------------------------

    static Stream<Arguments> baselines() {
        return Stream.of(
                Arguments.of("mining", 3_400.0, 100.0, 3_400.0),
                Arguments.of("power missing, hashing", null, 100.0, null),
                Arguments.of("power zero, not hashing", 0.0, 0.0, null),
                Arguments.of("power zero, hashing", 0.0, 100.0, null),
                Arguments.of("dead monitor", 40.0, 100.0, null),
                Arguments.of("idle draw below floor, hash reported", 200.0, 0.0, null),
                Arguments.of("below floor, hash not reported: power is the only evidence", 200.0, null, 200.0),
                Arguments.of("phantom load", 3_000.0, 0.0, 3_000.0),
                Arguments.of("exactly the floor", 1_500.0, 0.0, 1_500.0));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("baselines")
    void baselineIsStoredOnlyWhenPositiveAndTrustworthy(String name, Double power, Double hashrate, Double baseline) {
        Candidate c = miner("d").power(power).hashrate(hashrate).build();

        Plan plan = SelectionPlanner.plan(List.of(c), fullFleet());

        assertThat(plan.selected()).singleElement().satisfies(s -> {
            assertThat(s.baselinePowerW()).isEqualTo(baseline);
            assertThat(s.baselineHashrateThs()).isEqualTo(hashrate);
        });
    }

    @Test
    void everyFixedKwSelectionHasABaseline() {
        Plan plan = SelectionPlanner.plan(mixedFleet(5_000, 3), fixedKw(5_000, 100));

        assertThat(plan.selected()).isNotEmpty().allSatisfy(s -> assertThat(s.baselinePowerW()).isPositive());
    }

    // --- accounting, contracts ----------------------------------------------------------------------

    @Test
    void countsCoverTheWholeScope() {
        List<Candidate> c = mixedFleet(3_000, 11);
        Plan plan = SelectionPlanner.plan(c, fixedKw(500, 0));

        int skipped = plan.skipCounts().values().stream().mapToInt(Integer::intValue).sum();
        assertThat(plan.devicesInScope()).isEqualTo(3_000);
        assertThat(skipped).isEqualTo(plan.skipped().size());
        assertThat(plan.eligibleCount() + skipped).isEqualTo(3_000);
        assertThat(plan.selected().size()).isLessThanOrEqualTo(plan.eligibleCount());
        assertThat(plan.skipCounts()).containsOnlyKeys(SkipReason.values());
        assertThat(plan.skipped()).extracting(SkippedDevice::identifier).isSorted();
    }

    @Test
    void aDuplicateDeviceIsRejected() {
        Candidate c = miner("d").build();
        assertThatThrownBy(() -> SelectionPlanner.plan(List.of(c, c), fullFleet()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("duplicate");
    }

    @Test
    void paramsRejectMeaninglessValues() {
        assertThatThrownBy(() -> SelectionParams.fixedKw(0, 0, NOW)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SelectionParams.fixedKw(Double.NaN, 0, NOW)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SelectionParams.fixedKw(10, 10, NOW)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SelectionParams.fixedKw(10, -1, NOW)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SelectionParams.fullFleet(NOW).withCandidateMinPowerW(0))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SelectionParams.fullFleet(NOW).withFreshnessWindow(Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(SelectionParams.fullFleet(NOW).mode()).isEqualTo(CurtailmentMode.FULL_FLEET);
    }

    @Test
    void plansOneHundredThousandCandidates() {
        List<Candidate> c = mixedFleet(100_000, 42);
        SelectionParams fixed = fixedKw(150_000, 1_000);
        SelectionPlanner.plan(c, fixed); // warm-up

        long t0 = System.nanoTime();
        Plan plan = SelectionPlanner.plan(c, fixed);
        long fixedMs = (System.nanoTime() - t0) / 1_000_000;
        t0 = System.nanoTime();
        Plan full = SelectionPlanner.plan(c, fullFleet());
        long fullMs = (System.nanoTime() - t0) / 1_000_000;

        System.out.printf("SelectionPlanner 100000 candidates: FIXED_KW %d ms (%d selected), FULL_FLEET %d ms (%d selected)%n",
                fixedMs, plan.selected().size(), fullMs, full.selected().size());
        assertThat(plan.sufficient()).isTrue();
        assertThat(plan.devicesInScope()).isEqualTo(100_000);
        assertThat(full.selected().size()).isGreaterThan(plan.selected().size());
    }

    /** A seeded fleet: mostly healthy miners with spread efficiency, a sprinkle of every skip shape. */
    static List<Candidate> mixedFleet(int n, long seed) {
        Random rnd = new Random(seed);
        DeviceStatus[] statuses = DeviceStatus.values();
        List<Candidate> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            CandidateBuilder b = miner(String.format("miner-%06d", i));
            double kw = 3.0 + rnd.nextDouble() * 0.6;
            double eff = 15 + rnd.nextInt(40) + rnd.nextInt(4) * 0.25;
            b.power(kw * 1000).efficiency(eff).hashrate(kw * 1000 / eff);
            int shape = rnd.nextInt(100);
            if (shape < 2) {
                b.inOtherLiveEvent(true);
            } else if (shape < 4) {
                b.curtailFull(false);
            } else if (shape < 6) {
                b.maintenance(true);
            } else if (shape < 10) {
                b.status(statuses[rnd.nextInt(statuses.length)]);
            } else if (shape < 12) {
                b.sampledAt(NOW.minusSeconds(200 + rnd.nextInt(1_000)));
            } else if (shape < 14) {
                b.lastResolvedAt(NOW.minusSeconds(rnd.nextInt(3_600)));
            } else if (shape < 16) {
                b.power(100.0 + rnd.nextInt(1_000)).hashrate(0.0).efficiency(null);
            } else if (shape < 17) {
                b.power(30.0).efficiency(null);
            } else if (shape < 18) {
                b.hashrate(0.0).efficiency(null);
            } else if (shape < 20) {
                b.efficiency(null);
            }
            out.add(b.build());
        }
        return out;
    }
}
