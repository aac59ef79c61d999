package fleet.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.lang.EvaluationResult;
import fleet.api.app.StartCurtailment;
import fleet.api.archfixture.ApiOpensAMinerConnection;
import fleet.api.archfixture.ApiReadsTheDriverCatalog;
import fleet.testsupport.arch.LayeringRules;
import org.junit.jupiter.api.Test;

/** The api-service talks to no miner (see {@link LayeringRules#API_SERVICE_TALKS_TO_NO_MINER}). Plain JUnit. */
class ApiLayeringTest {

    @Test
    void theApiServiceUsesNoDriverBeyondItsVocabulary() {
        LayeringRules.API_SERVICE_TALKS_TO_NO_MINER.check(LayeringRules.mainClassesOf(StartCurtailment.class));
    }

    @Test
    void theRuleReportsAnApiClassThatReachesADriver() {
        EvaluationResult result = LayeringRules.API_SERVICE_TALKS_TO_NO_MINER.evaluate(
                LayeringRules.classes(ApiOpensAMinerConnection.class));

        assertThat(result.hasViolation()).isTrue();
        assertThat(String.join("\n", result.getFailureReport().getDetails()))
                .contains("fleet.driver.DriverRegistry", "fleet.driver.MinerDriver");
    }

    @Test
    void theRuleAllowsTheDriverCatalogueAndTheCapabilityFlags() {
        EvaluationResult result = LayeringRules.API_SERVICE_TALKS_TO_NO_MINER.evaluate(
                LayeringRules.classes(ApiReadsTheDriverCatalog.class));

        assertThat(result.getFailureReport().getDetails()).isEmpty();
    }
}
