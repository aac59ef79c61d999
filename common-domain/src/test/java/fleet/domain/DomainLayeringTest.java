package fleet.domain;

import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.lang.EvaluationResult;
import fleet.domain.archfixture.DomainOnAFramework;
import fleet.domain.state.EventState;
import fleet.testsupport.arch.LayeringRules;
import org.junit.jupiter.api.Test;

/** {@code fleet.domain} is plain Java (see {@link LayeringRules#DOMAIN_IS_PLAIN_JAVA}). */
class DomainLayeringTest {

    @Test
    void theDomainImportsNoFramework() {
        LayeringRules.DOMAIN_IS_PLAIN_JAVA.check(LayeringRules.mainClassesOf(EventState.class));
    }

    @Test
    void theRuleReportsADomainClassThatImportsFrameworks() {
        EvaluationResult result = LayeringRules.DOMAIN_IS_PLAIN_JAVA.evaluate(
                LayeringRules.classes(DomainOnAFramework.class));

        assertThat(result.hasViolation()).isTrue();
        assertThat(String.join("\n", result.getFailureReport().getDetails()))
                .contains("io.quarkus.runtime.StartupEvent", "io.smallrye.mutiny.Uni", "io.vertx.core.Vertx",
                        "jakarta.inject.Inject", "java.sql.Connection");
    }
}
