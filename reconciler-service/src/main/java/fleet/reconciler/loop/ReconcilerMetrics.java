package fleet.reconciler.loop;

import fleet.driver.CommandOutcome;
import fleet.metrics.MetricNames;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * Registers the reconciler's meters up front, at zero: a counter that first appears at 1 makes Prometheus'
 * {@code increase()} miss that first increment, and alert rules would miss the first restore failure. The two latency
 * timers publish histogram buckets so dashboards can show p50/p99.
 */
final class ReconcilerMetrics {

    static final List<String> STEP_OUTCOMES = List.of("driven", "finished", "fenced", "error");
    static final List<String> LEASE_CAUSES = List.of("finished", "surplus", "fenced", "verify", "connection_lost");

    private ReconcilerMetrics() {
    }

    static void register(MeterRegistry meters) {
        for (String command : List.of("curtail", "uncurtail")) {
            for (CommandOutcome.Kind kind : CommandOutcome.Kind.values()) {
                Counter.builder(MetricNames.MINER_COMMANDS).tag("command", command)
                        .tag("outcome", kind.name().toLowerCase(Locale.ROOT)).register(meters);
            }
        }
        STEP_OUTCOMES.forEach(o -> Counter.builder(MetricNames.STEP_OUTCOMES).tag("outcome", o).register(meters));
        LEASE_CAUSES.forEach(c -> Counter.builder(MetricNames.LEASES_LOST).tag("cause", c).register(meters));
        Counter.builder(MetricNames.LEASE_CLAIMS).register(meters);
        Counter.builder(MetricNames.LOST_RACES).register(meters);
        Counter.builder(MetricNames.RESTORE_FAILURES).register(meters);
        Counter.builder(MetricNames.CURTAIL_FAILURES).register(meters);
        Timer.builder(MetricNames.TICK_DURATION).register(meters);
        // the poller's failure reasons (kind, or refused_<reason>): present at zero before the first failure
        for (CommandOutcome.Kind kind : CommandOutcome.Kind.values()) {
            if (kind.succeeded()) {
                continue;
            }
            String base = kind.name().toLowerCase(Locale.ROOT);
            if (kind == CommandOutcome.Kind.REFUSED) {
                for (fleet.driver.RefusalReason reason : fleet.driver.RefusalReason.values()) {
                    Counter.builder(MetricNames.TELEMETRY_POLL_FAILURES)
                            .tag("reason", base + "_" + reason.name().toLowerCase(Locale.ROOT)).register(meters);
                }
            } else {
                Counter.builder(MetricNames.TELEMETRY_POLL_FAILURES).tag("reason", base).register(meters);
            }
        }
        Timer.builder(MetricNames.START_TO_FIRST_COMMAND).publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(5)).maximumExpectedValue(Duration.ofSeconds(60)).register(meters);
        for (String phase : List.of("curtail", "restore")) {
            Timer.builder(MetricNames.CONFIRMATION_LATENCY).tag("phase", phase).publishPercentileHistogram()
                    .minimumExpectedValue(Duration.ofMillis(100)).maximumExpectedValue(Duration.ofMinutes(10))
                    .register(meters);
        }
    }
}
