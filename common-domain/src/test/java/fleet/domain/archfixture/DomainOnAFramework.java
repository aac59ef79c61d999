package fleet.domain.archfixture;

import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import jakarta.inject.Inject;
import java.sql.Connection;

/**
 * Deliberately wrong: a class in {@code fleet.domain} that leans on Quarkus, Mutiny, Vert.x, Jakarta and JDBC. Only
 * {@link fleet.domain.DomainLayeringTest} reads it, to show that the rule reports each import.
 */
public class DomainOnAFramework {

    @Inject
    Vertx vertx;

    public Uni<Void> onStart(StartupEvent event, Connection connection) {
        return Uni.createFrom().voidItem();
    }
}
