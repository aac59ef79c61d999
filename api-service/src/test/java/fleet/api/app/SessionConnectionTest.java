package fleet.api.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import fleet.api.GrpcClients;
import fleet.api.topology.Site;
import fleet.testsupport.PostgresTestResource;
import fleet.testsupport.TestDatabase;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.vertx.VertxContextSupport;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Tuple;
import java.sql.Connection;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Set-based SQL on {@link SessionConnection} runs in the Hibernate session's transaction: same backend and transaction
 * id, it sees what the session flushed, and a failure rolls back the entity and the SQL together.
 */
@QuarkusTest
@WithTestResource(value = PostgresTestResource.class, scope = TestResourceScope.GLOBAL)
class SessionConnectionTest {

    private static long sites(UUID org) throws Exception {
        try (Connection c = TestDatabase.get().connect();
                var ps = c.prepareStatement("SELECT count(*) FROM site WHERE org_id = ?")) {
            ps.setObject(1, org);
            try (var rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    @Test
    void sqlOnTheSessionConnectionSharesTheSessionTransaction() throws Throwable {
        List<String> seen = VertxContextSupport.subscribeAndAwait(() -> Panache.withTransaction(() -> Panache.getSession()
                .chain(session -> session.createNativeQuery("SELECT CAST(txid_current() AS text) || '/'"
                                + " || CAST(pg_backend_pid() AS text)", String.class).getSingleResult()
                        .chain(viaSession -> SessionConnection.of(session)
                                .query("SELECT txid_current()::text || '/' || pg_backend_pid()::text").execute()
                                .map(rows -> List.of(viaSession, rows.iterator().next().getString(0)))))));
        assertThat(seen.get(1)).isEqualTo(seen.get(0));
    }

    @Test
    void aFlushedEntityIsVisibleToTheSqlAndBothRollBackTogether() throws Exception {
        UUID org = GrpcClients.newOrg("session-connection").orgId();
        assertThatThrownBy(() -> VertxContextSupport.subscribeAndAwait(() -> Panache.withTransaction(() -> {
            Site site = new Site(org, "rolled-back");
            return Panache.getSession().chain(session -> session.persist(site).chain(session::flush)
                    .chain(() -> SessionConnection.of(session)
                            .preparedQuery("INSERT INTO site (org_id, name) SELECT org_id, name || '-copy' FROM site"
                                    + " WHERE id = $1 RETURNING id")
                            .execute(Tuple.of(site.getId())))
                    .chain(rows -> {
                        assertThat(rows.size()).isEqualTo(1); // the SQL saw the flushed entity
                        return Uni.createFrom().failure(new IllegalStateException("roll back"));
                    }));
        }))).hasMessage("roll back");
        assertThat(sites(org)).isZero();
    }
}
