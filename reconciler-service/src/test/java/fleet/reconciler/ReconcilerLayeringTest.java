package fleet.reconciler;

import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.lang.EvaluationResult;
import fleet.reconciler.archfixture.ReconcilerExtendsAnImplBase;
import fleet.reconciler.archfixture.ReconcilerServesGrpc;
import fleet.testsupport.arch.LayeringRules;
import org.junit.jupiter.api.Test;

/** The reconciler serves no gRPC (see {@link LayeringRules#RECONCILER_SERVES_NO_GRPC}). Plain JUnit. */
class ReconcilerLayeringTest {

    @Test
    void theReconcilerServesNoGrpc() {
        LayeringRules.RECONCILER_SERVES_NO_GRPC.check(LayeringRules.mainClassesOf(ReconcilerSettings.class));
    }

    @Test
    void theRuleReportsAGrpcServiceInTheReconciler() {
        EvaluationResult result = LayeringRules.RECONCILER_SERVES_NO_GRPC.evaluate(
                LayeringRules.classes(ReconcilerServesGrpc.class));

        assertThat(result.hasViolation()).isTrue();
        assertThat(String.join("\n", result.getFailureReport().getDetails()))
                .contains("@GrpcService", "io.grpc.BindableService");
    }

    @Test
    void theRuleReportsASubclassOfAGeneratedMutinyImplBase() {
        EvaluationResult result = LayeringRules.RECONCILER_SERVES_NO_GRPC.evaluate(
                LayeringRules.classes(ReconcilerExtendsAnImplBase.class));

        assertThat(result.hasViolation()).isTrue();
        assertThat(String.join("\n", result.getFailureReport().getDetails()))
                .contains(ReconcilerExtendsAnImplBase.class.getName(), "Mutiny*Grpc.*ImplBase");
    }
}
