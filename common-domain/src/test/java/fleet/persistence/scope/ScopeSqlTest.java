package fleet.persistence.scope;

import static org.assertj.core.api.Assertions.assertThat;

import fleet.domain.scope.DeviceScope;
import fleet.domain.scope.DeviceScope.Kind;
import fleet.persistence.Bootstrap;
import fleet.testsupport.TestDatabase;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.pgclient.PgBuilder;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.PoolOptions;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The one scope-to-SQL against real PostgreSQL: each kind selects exactly its devices of the organization, the
 * topology check finds unknown and other-organization ids, and the stored JSON survives a {@code jsonb} round trip
 * (including rows written before this code, as literal text).
 *
 * <p>Organization "org": site S1 ⊃ building B1 ⊃ rack R1 ⊃ m-1; S1 ⊃ m-2 (no building); site S2 ⊃ m-3; m-4 placed
 * nowhere; group G = {m-1, m-3}. Another organization has its own site, group and an "m-1" in both.
 */
class ScopeSqlTest {

    private static TestDatabase db;
    private static Vertx vertx;
    private static Pool pool;
    private static UUID org;
    private static UUID otherOrg;
    private static UUID site1;
    private static UUID site2;
    private static UUID building1;
    private static UUID rack1;
    private static UUID group;
    private static UUID otherSite;
    private static UUID otherGroup;

    @BeforeAll
    static void fleet() throws SQLException {
        db = TestDatabase.get().migrate();
        try (Connection c = db.connect()) {
            org = Bootstrap.createOrganization(c, "scope-" + UUID.randomUUID(), "admin@example.com").orgId();
            otherOrg = Bootstrap.createOrganization(c, "scope-other-" + UUID.randomUUID(), "admin@example.com").orgId();
            site1 = id(c, "INSERT INTO site (org_id, name) VALUES (?, 's1') RETURNING id", org);
            site2 = id(c, "INSERT INTO site (org_id, name) VALUES (?, 's2') RETURNING id", org);
            building1 = id(c, "INSERT INTO building (org_id, site_id, name) VALUES (?, ?, 'b1') RETURNING id", org, site1);
            rack1 = id(c, "INSERT INTO rack (org_id, building_id, name) VALUES (?, ?, 'r1') RETURNING id", org, building1);
            group = id(c, "INSERT INTO device_group (org_id, name) VALUES (?, 'g') RETURNING id", org);
            UUID m1 = device(c, org, "m-1", site1, building1, rack1);
            device(c, org, "m-2", site1, null, null);
            UUID m3 = device(c, org, "m-3", site2, null, null);
            device(c, org, "m-4", null, null, null);
            member(c, org, group, m1);
            member(c, org, group, m3);

            otherSite = id(c, "INSERT INTO site (org_id, name) VALUES (?, 's1') RETURNING id", otherOrg);
            otherGroup = id(c, "INSERT INTO device_group (org_id, name) VALUES (?, 'g') RETURNING id", otherOrg);
            UUID otherM1 = device(c, otherOrg, "m-1", otherSite, null, null);
            member(c, otherOrg, otherGroup, otherM1);
        }
        vertx = Vertx.vertx();
        pool = PgBuilder.pool().with(new PoolOptions().setMaxSize(2))
                .connectingTo(new PgConnectOptions().setHost(db.host()).setPort(db.port()).setDatabase(db.database())
                        .setUser(db.user()).setPassword(db.password()))
                .using(vertx).build();
    }

    @AfterAll
    static void close() {
        if (pool != null) {
            pool.closeAndAwait();
        }
        if (vertx != null) {
            vertx.closeAndAwait();
        }
    }

    @Test
    void eachKindSelectsExactlyItsDevicesOfTheOrganization() {
        assertThat(select(DeviceScope.wholeOrg())).containsExactly("m-1", "m-2", "m-3", "m-4");
        assertThat(select(DeviceScope.topology(Kind.SITES, List.of(site1)))).containsExactly("m-1", "m-2");
        assertThat(select(DeviceScope.topology(Kind.SITES, List.of(site1, site2)))).containsExactly("m-1", "m-2", "m-3");
        assertThat(select(DeviceScope.topology(Kind.BUILDINGS, List.of(building1)))).containsExactly("m-1");
        assertThat(select(DeviceScope.topology(Kind.RACKS, List.of(rack1)))).containsExactly("m-1");
        assertThat(select(DeviceScope.topology(Kind.GROUPS, List.of(group)))).containsExactly("m-1", "m-3");
        assertThat(select(DeviceScope.devices(List.of("m-2", "m-4", "m-9")))).containsExactly("m-2", "m-4");
        // another organization's ids select nothing here, even where its devices share identifiers
        assertThat(select(DeviceScope.topology(Kind.SITES, List.of(otherSite)))).isEmpty();
        assertThat(select(DeviceScope.topology(Kind.GROUPS, List.of(otherGroup)))).isEmpty();
    }

    @Test
    void parametersMayStartAnywhereInTheStatement() {
        // the reconciler's schedule start binds the scope at $12/$13; here at $4/$5 between unrelated ones
        ScopeSql sql = ScopeSql.of(DeviceScope.topology(Kind.GROUPS, List.of(group)), 4);
        List<String> found = new ArrayList<>();
        pool.preparedQuery("SELECT d.identifier FROM device d WHERE d.org_id = $1 AND $2::text IS NOT NULL"
                        + " AND $3::int > 0 AND " + sql.predicate() + " AND d.identifier <> $6 ORDER BY d.identifier")
                .execute(sql.tuple(List.of(org, "unused", 7), "m-9")).await().atMost(Duration.ofSeconds(10))
                .forEach(r -> found.add(r.getString(0)));
        assertThat(found).containsExactly("m-1", "m-3");
    }

    @Test
    void everyKindBindsBothParameters() {
        for (Kind kind : Kind.values()) {
            DeviceScope scope = switch (kind) {
                case WHOLE_ORG -> DeviceScope.wholeOrg();
                case DEVICES -> DeviceScope.devices(List.of("m-1"));
                default -> DeviceScope.topology(kind, List.of(site1));
            };
            ScopeSql sql = ScopeSql.of(scope, 7);
            assertThat(sql.predicate()).contains("$7::uuid[]", "$8::text[]").startsWith("(").endsWith(")");
            assertThat(sql.params()).hasSize(2);
            assertThat(sql.params().get(0)).isInstanceOf(UUID[].class);
            assertThat(sql.params().get(1)).isInstanceOf(String[].class);
        }
    }

    @Test
    void topologyCheckListsUnknownAndOtherOrganizationIdsInScopeOrder() {
        UUID unknown = UUID.fromString("ffffffff-ffff-ffff-ffff-ffffffffffff");
        assertThat(missing(DeviceScope.topology(Kind.SITES, List.of(site1, site2)))).isEmpty();
        assertThat(missing(DeviceScope.topology(Kind.SITES, List.of(site1, otherSite, unknown))))
                .containsExactlyElementsOf(new java.util.TreeSet<>(List.of(otherSite, unknown))); // scope order = UUID order
        assertThat(missing(DeviceScope.topology(Kind.BUILDINGS, List.of(building1, site1)))).containsExactly(site1);
        assertThat(missing(DeviceScope.topology(Kind.RACKS, List.of(rack1)))).isEmpty();
        assertThat(missing(DeviceScope.topology(Kind.GROUPS, List.of(group, otherGroup)))).containsExactly(otherGroup);
        assertThat(missing(DeviceScope.devices(List.of("m-9")))).isEmpty();
        assertThat(missing(DeviceScope.wholeOrg())).isEmpty();
    }

    @Test
    void storedJsonSurvivesJsonbAndKeepsItsEncoding() {
        List<DeviceScope> scopes = List.of(DeviceScope.wholeOrg(), DeviceScope.topology(Kind.SITES, List.of(site2, site1)),
                DeviceScope.topology(Kind.GROUPS, List.of(group)), DeviceScope.devices(List.of("m-2", "m-1")));
        for (DeviceScope scope : scopes) {
            Row row = pool.preparedQuery("SELECT $1::jsonb AS scope").execute(Tuple.of(ScopeJson.encode(scope)))
                    .await().atMost(Duration.ofSeconds(10)).iterator().next();
            assertThat(ScopeJson.decode(row.getJsonObject("scope"))).isEqualTo(scope);
        }
        // the encoding is part of the Start fingerprint: it must stay byte for byte what earlier releases wrote
        UUID a = UUID.fromString("00000000-0000-0000-0000-00000000000a");
        assertThat(ScopeJson.encode(DeviceScope.topology(Kind.RACKS, List.of(a))).encode())
                .isEqualTo("{\"kind\":\"rack_ids\",\"ids\":[\"00000000-0000-0000-0000-00000000000a\"]}");
        assertThat(ScopeJson.encode(DeviceScope.devices(List.of("m-1"))).encode())
                .isEqualTo("{\"kind\":\"device_identifiers\",\"identifiers\":[\"m-1\"]}");
        assertThat(ScopeJson.encode(DeviceScope.wholeOrg()).encode()).isEqualTo("{\"kind\":\"whole_org\"}");
    }

    @Test
    void rowsWrittenAsTextByEarlierReleasesDecode() {
        String stored = "{\"kind\": \"building_ids\", \"ids\": [\"" + building1 + "\"]}";
        Row row = pool.preparedQuery("SELECT $1::text::jsonb AS scope").execute(Tuple.of(stored))
                .await().atMost(Duration.ofSeconds(10)).iterator().next();
        JsonObject json = row.getJsonObject("scope");
        assertThat(ScopeJson.decode(json)).isEqualTo(DeviceScope.topology(Kind.BUILDINGS, List.of(building1)));
        assertThat(select(ScopeJson.decode(json))).containsExactly("m-1");
    }

    private static List<String> select(DeviceScope scope) {
        ScopeSql sql = ScopeSql.of(scope, 2);
        List<String> found = new ArrayList<>();
        pool.preparedQuery("SELECT d.identifier FROM device d WHERE d.org_id = $1 AND " + sql.predicate()
                        + " ORDER BY d.identifier")
                .execute(sql.tuple(List.of(org))).await().atMost(Duration.ofSeconds(10))
                .forEach(r -> found.add(r.getString(0)));
        return found;
    }

    private static List<UUID> missing(DeviceScope scope) {
        return ScopeSql.missingTopologyIds(pool, org, scope).await().atMost(Duration.ofSeconds(10));
    }

    private static UUID id(Connection c, String sql, Object... params) throws SQLException {
        try (var ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            try (var rs = ps.executeQuery()) {
                rs.next();
                return rs.getObject(1, UUID.class);
            }
        }
    }

    private static UUID device(Connection c, UUID orgId, String identifier, UUID site, UUID building, UUID rack)
            throws SQLException {
        return id(c, "INSERT INTO device (org_id, identifier, host, port, driver, site_id, building_id, rack_id)"
                + " VALUES (?, ?, '127.0.0.1', 4028, 'luxos', ?, ?, ?) RETURNING id", orgId, identifier, site, building, rack);
    }

    private static void member(Connection c, UUID orgId, UUID groupId, UUID deviceId) throws SQLException {
        try (var ps = c.prepareStatement("INSERT INTO device_group_member (org_id, group_id, device_id) VALUES (?, ?, ?)")) {
            ps.setObject(1, orgId);
            ps.setObject(2, groupId);
            ps.setObject(3, deviceId);
            ps.executeUpdate();
        }
    }
}
