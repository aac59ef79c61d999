package fleet.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The metric names of {@code common-domain/.../fleet/metrics/MetricNames.java}, read as text: each constant's
 * Javadoc starts with its Micrometer type (Timer, Counter or Gauge), which decides its Prometheus series names.
 */
final class MetricCatalogue {

    enum Type { TIMER, COUNTER, GAUGE }

    record Metric(String constant, String micrometerName, Type type) {
        /** The Prometheus base name: dots become underscores. */
        String prometheusName() {
            return micrometerName.replace('.', '_');
        }
    }

    /** Timers published with percentile histograms (publishPercentileHistogram): only these have _bucket series. */
    static final Set<String> HISTOGRAM_TIMERS = Set.of("START_TO_FIRST_COMMAND", "CONFIRMATION_LATENCY");

    static final String SOURCE = "common-domain/src/main/java/fleet/metrics/MetricNames.java";

    private static final Pattern CONSTANT = Pattern.compile(
            "/\\*\\*\\s*(Timer|Counter|Gauge)\\b(?:(?!\\*/).)*\\*/\\s*public static final String (\\w+)\\s*=\\s*\"([^\"]+)\";",
            Pattern.DOTALL);
    private static final Pattern ANY_CONSTANT = Pattern.compile("public static final String \\w+");

    private final Map<String, Metric> byPrometheusName = new LinkedHashMap<>();

    MetricCatalogue() {
        String source = Repository.read(SOURCE);
        Matcher m = CONSTANT.matcher(source);
        while (m.find()) {
            Metric metric = new Metric(m.group(2), m.group(3), Type.valueOf(m.group(1).toUpperCase(java.util.Locale.ROOT)));
            byPrometheusName.put(metric.prometheusName(), metric);
        }
        long constants = ANY_CONSTANT.matcher(source).results().count();
        assertThat(byPrometheusName).as("every constant of MetricNames has a Javadoc naming its type (Timer, Counter, "
                + "Gauge)").hasSize((int) constants);
        assertThat(byPrometheusName).as("MetricNames is not empty").isNotEmpty();
    }

    Map<String, Metric> all() {
        return byPrometheusName;
    }

    /**
     * The catalogue entry a Prometheus series name belongs to, if its suffix fits the entry's type: counters are
     * {@code <name>_total}; timers {@code <name>_seconds_count|_sum|_max}, and {@code _bucket} only for the
     * histogram timers; gauges the bare name.
     */
    Optional<Metric> resolve(String series) {
        if (series.endsWith("_total")) {
            return typed(series.substring(0, series.length() - "_total".length()), Type.COUNTER);
        }
        Matcher timer = Pattern.compile("(.+)_seconds_(count|sum|max|bucket)").matcher(series);
        if (timer.matches()) {
            return typed(timer.group(1), Type.TIMER)
                    .filter(t -> !timer.group(2).equals("bucket") || HISTOGRAM_TIMERS.contains(t.constant()));
        }
        return typed(series, Type.GAUGE);
    }

    private Optional<Metric> typed(String base, Type type) {
        return Optional.ofNullable(byPrometheusName.get(base)).filter(m -> m.type() == type);
    }
}
