package fleet.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.lang.EvaluationResult;
import fleet.bench.archfixture.BenchReachesIntoTheReconciler;
import fleet.testsupport.arch.LayeringRules;
import org.junit.jupiter.api.Test;

/** The benchmarks use published APIs only (see {@link LayeringRules#TOOLS_USE_PUBLISHED_APIS}). Plain JUnit. */
class BenchLayeringTest {

    @Test
    void theBenchmarksUseOnlyPublishedApis() {
        LayeringRules.TOOLS_USE_PUBLISHED_APIS.check(LayeringRules.mainClassesOf(StartBenchmark.class));
    }

    @Test
    void theRuleReportsABenchmarkThatReachesIntoReconcilerInternals() {
        EvaluationResult result = LayeringRules.TOOLS_USE_PUBLISHED_APIS.evaluate(
                LayeringRules.classes(BenchReachesIntoTheReconciler.class));

        assertThat(result.hasViolation()).isTrue();
        assertThat(String.join("\n", result.getFailureReport().getDetails()))
                .contains("fleet.reconciler.lease.AdvisoryKeys");
    }
}
