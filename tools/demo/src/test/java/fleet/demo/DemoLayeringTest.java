package fleet.demo;

import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.lang.EvaluationResult;
import fleet.demo.archfixture.DemoEmbedsTheServices;
import fleet.testsupport.arch.LayeringRules;
import org.junit.jupiter.api.Test;

/**
 * The demo uses published APIs only (see {@link LayeringRules#TOOLS_USE_PUBLISHED_APIS}): it runs the services as
 * processes and talks to them over gRPC. Plain JUnit.
 */
class DemoLayeringTest {

    @Test
    void theDemoUsesOnlyPublishedApis() {
        LayeringRules.TOOLS_USE_PUBLISHED_APIS.check(LayeringRules.mainClassesOf(Demo.class));
    }

    @Test
    void theRuleReportsAToolThatUsesServiceClasses() {
        EvaluationResult result = LayeringRules.TOOLS_USE_PUBLISHED_APIS.evaluate(
                LayeringRules.classes(DemoEmbedsTheServices.class));

        assertThat(result.hasViolation()).isTrue();
        assertThat(String.join("\n", result.getFailureReport().getDetails()))
                .contains("fleet.api.watch.WatchHub", "fleet.reconciler.loop.ReconcilerNode");
    }
}
