package fleet.api.topology;

import static org.assertj.core.api.Assertions.assertThat;

import fleet.api.GrpcClients;
import fleet.api.Errors;
import fleet.curtailment.v1.CreateBuildingRequest;
import fleet.curtailment.v1.CreateGroupRequest;
import fleet.curtailment.v1.CreateRackRequest;
import fleet.curtailment.v1.CreateSiteRequest;
import fleet.curtailment.v1.InventoryServiceGrpc;
import fleet.curtailment.v1.ListBuildingsRequest;
import fleet.curtailment.v1.ListGroupsRequest;
import fleet.curtailment.v1.ListRacksRequest;
import fleet.curtailment.v1.ListSitesRequest;
import fleet.curtailment.v1.Site;
import fleet.testsupport.PostgresTestResource;
import fleet.testsupport.TestDatabase;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Topology through its entities: names unique per scope (ALREADY_EXISTS / NAME_TAKEN, nothing written), parents looked
 * up in the caller's organization (NOT_FOUND), one activity row per creation in the same transaction, keyset pages.
 */
@QuarkusTest
@WithTestResource(value = PostgresTestResource.class, scope = TestResourceScope.GLOBAL)
class TopologyApiTest {

    private static InventoryServiceGrpc.InventoryServiceBlockingStub inventory(String token) {
        return InventoryServiceGrpc.newBlockingStub(GrpcClients.channel())
                .withDeadlineAfter(Duration.ofSeconds(30))
                .withCallCredentials(GrpcClients.bearer(token));
    }

    private static long count(String sql, UUID org) throws Exception {
        try (Connection c = TestDatabase.get().connect(); var ps = c.prepareStatement(sql)) {
            ps.setObject(1, org);
            try (var rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static void assertNameTaken(StatusRuntimeException e, String resource) {
        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.ALREADY_EXISTS);
        var info = Errors.info(e).orElseThrow();
        assertThat(info.getReason()).isEqualTo("NAME_TAKEN");
        assertThat(info.getMetadataMap()).containsEntry("resource", resource);
    }

    @Test
    void aTakenNameIsAlreadyExistsAndWritesNeitherTheRowNorItsActivity() throws Exception {
        var org = GrpcClients.newOrg("topo-names");
        var ops = inventory(org.operatorKey());
        Site site = ops.createSite(CreateSiteRequest.newBuilder().setName("north").build());
        assertThat(site.getSiteId()).hasSize(36);
        assertThat(site.hasCreatedAt()).isTrue();
        var building = ops.createBuilding(CreateBuildingRequest.newBuilder().setSiteId(site.getSiteId()).setName("B1").build());
        ops.createRack(CreateRackRequest.newBuilder().setBuildingId(building.getBuildingId()).setName("R1").build());
        ops.createGroup(CreateGroupRequest.newBuilder().setName("s21").build());

        assertNameTaken(Errors.failure(() -> ops.createSite(CreateSiteRequest.newBuilder().setName(" north ").build())),
                "site");
        assertNameTaken(Errors.failure(() -> ops.createBuilding(CreateBuildingRequest.newBuilder()
                .setSiteId(site.getSiteId()).setName("B1").build())), "building");
        assertNameTaken(Errors.failure(() -> ops.createRack(CreateRackRequest.newBuilder()
                .setBuildingId(building.getBuildingId()).setName("R1").build())), "rack");
        assertNameTaken(Errors.failure(() -> ops.createGroup(CreateGroupRequest.newBuilder().setName("s21").build())),
                "group");

        assertThat(count("SELECT count(*) FROM site WHERE org_id = ?", org.orgId())).isEqualTo(1);
        assertThat(count("SELECT count(*) FROM building WHERE org_id = ?", org.orgId())).isEqualTo(1);
        assertThat(count("SELECT count(*) FROM rack WHERE org_id = ?", org.orgId())).isEqualTo(1);
        assertThat(count("SELECT count(*) FROM device_group WHERE org_id = ?", org.orgId())).isEqualTo(1);
        assertThat(count("SELECT count(*) FROM activity_log WHERE org_id = ? AND type = 'site_created'"
                + " AND metadata ->> 'site_id' IS NOT NULL AND metadata ->> 'name' = 'north'", org.orgId())).isEqualTo(1);
        for (String type : List.of("building_created", "rack_created", "group_created")) {
            assertThat(count("SELECT count(*) FROM activity_log WHERE org_id = ? AND type = '" + type + "'"
                    + " AND actor_type = 'api_key'", org.orgId())).as(type).isEqualTo(1);
        }

        // the same names are free in another site, building and organization
        var site2 = ops.createSite(CreateSiteRequest.newBuilder().setName("south").build());
        ops.createBuilding(CreateBuildingRequest.newBuilder().setSiteId(site2.getSiteId()).setName("B1").build());
        inventory(GrpcClients.newOrg("topo-names-other").operatorKey())
                .createSite(CreateSiteRequest.newBuilder().setName("north").build());
    }

    @Test
    void aParentOutsideTheOrganizationIsNotFoundAndNothingIsWritten() throws Exception {
        var mine = GrpcClients.newOrg("topo-parent");
        var theirs = GrpcClients.newOrg("topo-parent-other");
        var theirSite = inventory(theirs.operatorKey()).createSite(CreateSiteRequest.newBuilder().setName("x").build());
        var theirBuilding = inventory(theirs.operatorKey()).createBuilding(CreateBuildingRequest.newBuilder()
                .setSiteId(theirSite.getSiteId()).setName("b").build());
        var ops = inventory(mine.operatorKey());

        for (String siteId : List.of(theirSite.getSiteId(), UUID.randomUUID().toString())) {
            var e = Errors.failure(() -> ops.createBuilding(CreateBuildingRequest.newBuilder().setSiteId(siteId)
                    .setName("b").build()));
            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
            assertThat(Errors.info(e).orElseThrow().getMetadataMap()).containsEntry("resource", "site")
                    .containsEntry("missing", siteId);
        }
        var e = Errors.failure(() -> ops.createRack(CreateRackRequest.newBuilder()
                .setBuildingId(theirBuilding.getBuildingId()).setName("r").build()));
        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
        assertThat(Errors.info(e).orElseThrow().getMetadataMap()).containsEntry("resource", "building");
        assertThat(count("SELECT count(*) FROM building WHERE org_id = ?", mine.orgId())).isZero();
        assertThat(count("SELECT count(*) FROM activity_log WHERE org_id = ? AND type <> 'organization_bootstrapped'",
                mine.orgId())).isZero();

        var invalid = Errors.failure(() -> ops.createRack(CreateRackRequest.newBuilder().setBuildingId("nope")
                .setName(" ").build()));
        assertThat(Errors.fields(invalid)).containsExactly("building_id", "name");
    }

    @Test
    void listsPageInKeyOrderWithinTheOrganizationAndTheirFilters() {
        var org = GrpcClients.newOrg("topo-pages");
        var ops = inventory(org.operatorKey());
        var viewer = inventory(org.viewerKey());
        List<String> siteIds = new ArrayList<>();
        for (String name : List.of("delta", "alpha", "echo", "charlie", "bravo")) {
            siteIds.add(ops.createSite(CreateSiteRequest.newBuilder().setName(name).build()).getSiteId());
            ops.createGroup(CreateGroupRequest.newBuilder().setName("g-" + name).build());
        }
        List<String> buildingIds = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            buildingIds.add(ops.createBuilding(CreateBuildingRequest.newBuilder().setSiteId(siteIds.get(0))
                    .setName("b" + i).build()).getBuildingId());
        }
        ops.createBuilding(CreateBuildingRequest.newBuilder().setSiteId(siteIds.get(1)).setName("elsewhere").build());
        for (int i = 0; i < 3; i++) {
            ops.createRack(CreateRackRequest.newBuilder().setBuildingId(buildingIds.get(0)).setName("r" + i).build());
        }
        inventory(GrpcClients.newOrg("topo-pages-other").operatorKey())
                .createSite(CreateSiteRequest.newBuilder().setName("aardvark").build());

        List<String> names = new ArrayList<>();
        String token = "";
        do {
            var page = viewer.listSites(ListSitesRequest.newBuilder().setPageSize(2).setPageToken(token).build());
            assertThat(page.getSitesCount()).isLessThanOrEqualTo(2);
            page.getSitesList().forEach(s -> names.add(s.getName()));
            token = page.getNextPageToken();
        } while (!token.isEmpty());
        assertThat(names).containsExactly("alpha", "bravo", "charlie", "delta", "echo");
        assertThat(viewer.listGroups(ListGroupsRequest.newBuilder().setPageSize(4).build()).getGroupsList())
                .extracting(g -> g.getName()).containsExactly("g-alpha", "g-bravo", "g-charlie", "g-delta");

        List<String> buildings = new ArrayList<>();
        token = "";
        do {
            var page = viewer.listBuildings(ListBuildingsRequest.newBuilder().setSiteId(siteIds.get(0)).setPageSize(2)
                    .setPageToken(token).build());
            page.getBuildingsList().forEach(b -> buildings.add(b.getBuildingId()));
            token = page.getNextPageToken();
        } while (!token.isEmpty());
        assertThat(buildings).containsExactlyElementsOf(buildingIds.stream().sorted().toList());
        assertThat(viewer.listBuildings(ListBuildingsRequest.getDefaultInstance()).getBuildingsCount()).isEqualTo(6);
        assertThat(viewer.listRacks(ListRacksRequest.newBuilder().setBuildingId(buildingIds.get(0)).build())
                .getRacksList()).extracting(r -> r.getName()).containsExactlyInAnyOrder("r0", "r1", "r2");
        assertThat(viewer.listRacks(ListRacksRequest.newBuilder().setBuildingId(buildingIds.get(1)).build())
                .getRacksCount()).isZero();

        String first = viewer.listBuildings(ListBuildingsRequest.newBuilder().setSiteId(siteIds.get(0)).setPageSize(1)
                .build()).getNextPageToken();
        var reused = Errors.failure(() -> viewer.listBuildings(ListBuildingsRequest.newBuilder().setPageToken(first)
                .build()));
        assertThat(Errors.fields(reused)).containsExactly("page_token");
        // a token whose key was edited (not an id, and no longer matching its MAC) is a bad token, not an internal error
        String payload = first.substring(0, first.indexOf('.'));
        String forged = Base64.getUrlEncoder().withoutPadding().encodeToString(new String(Base64.getUrlDecoder()
                .decode(payload), StandardCharsets.UTF_8).replaceAll("\"k\":\"[^\"]+\"", "\"k\":\"x\"")
                .getBytes(StandardCharsets.UTF_8)) + first.substring(first.indexOf('.'));
        var bad = Errors.failure(() -> viewer.listBuildings(ListBuildingsRequest.newBuilder().setSiteId(siteIds.get(0))
                .setPageToken(forged).build()));
        assertThat(bad.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(Errors.fields(bad)).containsExactly("page_token");
    }
}
