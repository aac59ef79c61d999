package fleet.reconciler;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** SPEC §8: the reconciler is ready when its lease connection is up. */
@Readiness
@ApplicationScoped
public class LeaseReadiness implements HealthCheck {

    @Inject
    ReconcilerLifecycle lifecycle;

    @Override
    public HealthCheckResponse call() {
        var node = lifecycle.node();
        boolean up = node != null && node.isReady();
        return HealthCheckResponse.named("lease-connection").status(up)
                .withData("node", node == null ? "disabled" : node.nodeId()).build();
    }
}
