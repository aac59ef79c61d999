package fleet.api.grpc;

import fleet.api.app.ActivityLog;
import fleet.api.app.DeviceRegistrar;
import fleet.api.auth.Authenticator;
import fleet.api.error.ApiErrors;
import fleet.api.error.Violations;
import fleet.api.paging.PageKey;
import fleet.api.paging.PageTokens;
import fleet.api.topology.Topology;
import fleet.auth.Role;
import fleet.curtailment.v1.Building;
import fleet.curtailment.v1.CreateBuildingRequest;
import fleet.curtailment.v1.CreateGroupRequest;
import fleet.curtailment.v1.CreateRackRequest;
import fleet.curtailment.v1.CreateSiteRequest;
import fleet.curtailment.v1.Device;
import fleet.curtailment.v1.GetDeviceRequest;
import fleet.curtailment.v1.GetDeviceTelemetryRequest;
import fleet.curtailment.v1.GetDeviceTelemetryResponse;
import fleet.curtailment.v1.Group;
import fleet.curtailment.v1.ListBuildingsRequest;
import fleet.curtailment.v1.ListBuildingsResponse;
import fleet.curtailment.v1.ListDevicesRequest;
import fleet.curtailment.v1.ListDevicesResponse;
import fleet.curtailment.v1.ListGroupsRequest;
import fleet.curtailment.v1.ListGroupsResponse;
import fleet.curtailment.v1.ListRacksRequest;
import fleet.curtailment.v1.ListRacksResponse;
import fleet.curtailment.v1.ListSitesRequest;
import fleet.curtailment.v1.ListSitesResponse;
import fleet.curtailment.v1.MutinyInventoryServiceGrpc;
import fleet.curtailment.v1.Rack;
import fleet.curtailment.v1.RegisterDevicesRequest;
import fleet.curtailment.v1.RegisterDevicesResponse;
import fleet.curtailment.v1.SetMaintenanceRequest;
import fleet.curtailment.v1.SetMaintenanceResponse;
import fleet.curtailment.v1.Site;
import io.quarkus.grpc.GrpcService;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;

/**
 * InventoryService: topology and devices (SPEC §5). Mutations need OPERATOR, reads VIEWER. Topology goes through its
 * entities ({@link Topology}); devices, which move in bulk, through set-based SQL on the reactive pool.
 */
@GrpcService
public class InventoryGrpcService extends MutinyInventoryServiceGrpc.InventoryServiceImplBase {

    private static final int MAX_IDENTIFIERS = 10_000;

    @Inject
    Authenticator auth;

    @Inject
    Pool pool;

    @Inject
    DeviceRegistrar registrar;

    @Inject
    Topology topology;

    // ---- topology: entities through fleet.api.topology ------------------------------------------------------

    @Override
    public Uni<Site> createSite(CreateSiteRequest request) {
        return auth.require(Role.OPERATOR).chain(caller -> {
            String name = name(request.getName());
            return topology.createSite(caller, name).map(InventoryGrpcService::site);
        });
    }

    @Override
    public Uni<ListSitesResponse> listSites(ListSitesRequest request) {
        return auth.require(Role.VIEWER).chain(caller -> {
            int size = PageTokens.pageSize(request.getPageSize());
            String after = PageTokens.decode("page_token", request.getPageToken(), "sites", PageKey.TEXT);
            return topology.sites(caller, after, size + 1).map(rows -> {
                ListSitesResponse.Builder out = ListSitesResponse.newBuilder();
                page(rows, size, r -> out.addSites(site(r)), r -> r.getName(),
                        t -> out.setNextPageToken(PageTokens.encode("sites", PageKey.TEXT, t)));
                return out.build();
            });
        });
    }

    @Override
    public Uni<Building> createBuilding(CreateBuildingRequest request) {
        return auth.require(Role.OPERATOR).chain(caller -> {
            Violations v = new Violations();
            UUID site = v.uuid("site_id", request.getSiteId(), true);
            String name = v.requiredText("name", request.getName(), 128);
            v.throwIfAny();
            return topology.createBuilding(caller, site, name).map(InventoryGrpcService::building);
        });
    }

    @Override
    public Uni<ListBuildingsResponse> listBuildings(ListBuildingsRequest request) {
        return auth.require(Role.VIEWER).chain(caller -> {
            Violations v = new Violations();
            UUID site = v.uuid("site_id", request.getSiteId(), false);
            v.throwIfAny();
            int size = PageTokens.pageSize(request.getPageSize());
            String filters = "buildings|" + site;
            UUID after = PageTokens.decode("page_token", request.getPageToken(), filters, PageKey.UUID_KEY);
            return topology.buildings(caller, site, after, size + 1).map(rows -> {
                ListBuildingsResponse.Builder out = ListBuildingsResponse.newBuilder();
                page(rows, size, r -> out.addBuildings(building(r)),
                        r -> r.getId(),
                        t -> out.setNextPageToken(PageTokens.encode(filters, PageKey.UUID_KEY, t)));
                return out.build();
            });
        });
    }

    @Override
    public Uni<Rack> createRack(CreateRackRequest request) {
        return auth.require(Role.OPERATOR).chain(caller -> {
            Violations v = new Violations();
            UUID building = v.uuid("building_id", request.getBuildingId(), true);
            String name = v.requiredText("name", request.getName(), 128);
            v.throwIfAny();
            return topology.createRack(caller, building, name).map(InventoryGrpcService::rack);
        });
    }

    @Override
    public Uni<ListRacksResponse> listRacks(ListRacksRequest request) {
        return auth.require(Role.VIEWER).chain(caller -> {
            Violations v = new Violations();
            UUID building = v.uuid("building_id", request.getBuildingId(), false);
            v.throwIfAny();
            int size = PageTokens.pageSize(request.getPageSize());
            String filters = "racks|" + building;
            UUID after = PageTokens.decode("page_token", request.getPageToken(), filters, PageKey.UUID_KEY);
            return topology.racks(caller, building, after, size + 1).map(rows -> {
                ListRacksResponse.Builder out = ListRacksResponse.newBuilder();
                page(rows, size, r -> out.addRacks(rack(r)), r -> r.getId(),
                        t -> out.setNextPageToken(PageTokens.encode(filters, PageKey.UUID_KEY, t)));
                return out.build();
            });
        });
    }

    @Override
    public Uni<Group> createGroup(CreateGroupRequest request) {
        return auth.require(Role.OPERATOR).chain(caller -> {
            String name = name(request.getName());
            return topology.createGroup(caller, name).map(InventoryGrpcService::group);
        });
    }

    @Override
    public Uni<ListGroupsResponse> listGroups(ListGroupsRequest request) {
        return auth.require(Role.VIEWER).chain(caller -> {
            int size = PageTokens.pageSize(request.getPageSize());
            String after = PageTokens.decode("page_token", request.getPageToken(), "groups", PageKey.TEXT);
            return topology.groups(caller, after, size + 1).map(rows -> {
                ListGroupsResponse.Builder out = ListGroupsResponse.newBuilder();
                page(rows, size, r -> out.addGroups(group(r)), r -> r.getName(),
                        t -> out.setNextPageToken(PageTokens.encode("groups", PageKey.TEXT, t)));
                return out.build();
            });
        });
    }

    // ---- devices --------------------------------------------------------------------------------------------

    @Override
    public Uni<RegisterDevicesResponse> registerDevices(RegisterDevicesRequest request) {
        return auth.require(Role.OPERATOR).chain(caller -> registrar.register(caller, request));
    }

    @Override
    public Uni<ListDevicesResponse> listDevices(ListDevicesRequest request) {
        return auth.require(Role.VIEWER).chain(caller -> {
            Violations v = new Violations();
            UUID site = v.uuid("site_id", request.getSiteId(), false);
            UUID building = v.uuid("building_id", request.getBuildingId(), false);
            UUID rack = v.uuid("rack_id", request.getRackId(), false);
            UUID group = v.uuid("group_id", request.getGroupId(), false);
            v.throwIfAny();
            Boolean maintenance = request.hasMaintenance() ? request.getMaintenance() : null;
            String status = DeviceMapping.statusText(request.getStatus());
            int size = PageTokens.pageSize(request.getPageSize());
            String filters = String.join("|", "devices", String.valueOf(site), String.valueOf(building),
                    String.valueOf(rack), String.valueOf(group), String.valueOf(maintenance), String.valueOf(status));
            String after = PageTokens.decode("page_token", request.getPageToken(), filters, PageKey.TEXT);
            String sql = "SELECT " + DeviceMapping.COLUMNS + DeviceMapping.FROM + """
                    WHERE d.org_id = $1
                      AND ($2::uuid IS NULL OR d.site_id = $2)
                      AND ($3::uuid IS NULL OR d.building_id = $3)
                      AND ($4::uuid IS NULL OR d.rack_id = $4)
                      AND ($5::uuid IS NULL OR EXISTS (SELECT 1 FROM device_group_member m WHERE m.device_id = d.id AND m.group_id = $5))
                      AND ($6::boolean IS NULL OR d.maintenance = $6)
                      AND ($7::text IS NULL OR t.status = $7)
                      AND ($8::text IS NULL OR d.identifier > $8)
                    ORDER BY d.identifier
                    LIMIT $9
                    """;
            return pool.preparedQuery(sql)
                    .execute(Tuple.from(Arrays.asList(caller.orgId(), site, building, rack, group, maintenance, status,
                            after, size + 1)))
                    .map(rows -> {
                        ListDevicesResponse.Builder out = ListDevicesResponse.newBuilder();
                        page(rows, size, r -> out.addDevices(DeviceMapping.device(r)),
                                r -> r.getString("identifier"),
                                t -> out.setNextPageToken(PageTokens.encode(filters, PageKey.TEXT, t)));
                        return out.build();
                    });
        });
    }

    @Override
    public Uni<Device> getDevice(GetDeviceRequest request) {
        return auth.require(Role.VIEWER).chain(caller -> {
            Violations v = new Violations();
            UUID id = null;
            String identifier = null;
            switch (request.getKeyCase()) {
                case DEVICE_ID -> id = v.uuid("device_id", request.getDeviceId(), true);
                case IDENTIFIER -> identifier = v.requiredText("identifier", request.getIdentifier(), 128);
                default -> v.add("key", "device_id or identifier is required");
            }
            v.throwIfAny();
            String key = id != null ? id.toString() : identifier;
            String sql = "SELECT " + DeviceMapping.COLUMNS + DeviceMapping.FROM
                    + " WHERE d.org_id = $1 AND ($2::uuid IS NULL OR d.id = $2) AND ($3::text IS NULL OR d.identifier = $3)";
            return pool.preparedQuery(sql).execute(Tuple.from(Arrays.asList(caller.orgId(), id, identifier)))
                    .map(rows -> {
                        if (rows.size() == 0) {
                            throw ApiErrors.notFound("device", List.of(key));
                        }
                        return DeviceMapping.device(rows.iterator().next());
                    });
        });
    }

    @Override
    public Uni<SetMaintenanceResponse> setMaintenance(SetMaintenanceRequest request) {
        return auth.require(Role.OPERATOR).chain(caller -> {
            Violations v = new Violations();
            String[] identifiers = identifiers(v, "devices.identifiers", request.getDevices().getIdentifiersList());
            String reason = v.text("reason", request.getReason(), 256);
            v.throwIfAny();
            return pool.withTransaction(tx -> tx.preparedQuery("""
                            WITH wanted AS (SELECT unnest($2::text[]) AS identifier),
                                 missing AS (SELECT w.identifier FROM wanted w
                                             WHERE NOT EXISTS (SELECT 1 FROM device d WHERE d.org_id = $1 AND d.identifier = w.identifier))
                            SELECT identifier FROM missing
                            """)
                    .execute(Tuple.of(caller.orgId(), identifiers))
                    .invoke(rows -> {
                        if (rows.size() > 0) {
                            List<String> missing = new ArrayList<>();
                            rows.forEach(r -> missing.add(r.getString("identifier")));
                            throw ApiErrors.notFound("device", missing);
                        }
                    })
                    .chain(() -> tx.preparedQuery("UPDATE device SET maintenance = $3, updated_at = now()"
                                    + " WHERE org_id = $1 AND identifier = ANY($2) AND maintenance <> $3")
                            .execute(Tuple.of(caller.orgId(), identifiers, request.getMaintenance())))
                    .call(rows -> ActivityLog.record(tx, caller, request.getMaintenance() ? "maintenance_set" : "maintenance_cleared",
                            null, null, new JsonObject().put("requested", identifiers.length).put("changed", rows.rowCount())
                                    .put("reason", reason)))
                    .map(rows -> SetMaintenanceResponse.newBuilder().setChangedCount(rows.rowCount()).build()));
        });
    }

    @Override
    public Uni<GetDeviceTelemetryResponse> getDeviceTelemetry(GetDeviceTelemetryRequest request) {
        return auth.require(Role.VIEWER).chain(caller -> {
            Violations v = new Violations();
            String[] identifiers = identifiers(v, "devices.identifiers", request.getDevices().getIdentifiersList());
            v.throwIfAny();
            return pool.preparedQuery("SELECT d.id, d.identifier, t.sampled_at, t.status, t.power_w, t.power_source,"
                            + " t.hashrate_ths, t.efficiency_j_per_th, t.firmware, t.model AS reported_model, t.last_error"
                            + " FROM device d JOIN device_telemetry_latest t ON t.device_id = d.id"
                            + " WHERE d.org_id = $1 AND d.identifier = ANY($2) ORDER BY d.identifier")
                    .execute(Tuple.of(caller.orgId(), identifiers))
                    .map(rows -> {
                        GetDeviceTelemetryResponse.Builder out = GetDeviceTelemetryResponse.newBuilder();
                        rows.forEach(r -> out.addTelemetry(DeviceMapping.telemetry(r)));
                        return out.build();
                    });
        });
    }

    // ---- helpers --------------------------------------------------------------------------------------------

    private static String name(String raw) {
        Violations v = new Violations();
        String name = v.requiredText("name", raw, 128);
        v.throwIfAny();
        return name.trim();
    }

    static String[] identifiers(Violations v, String field, List<String> raw) {
        if (raw.isEmpty()) {
            v.add(field, "at least one identifier is required");
            return new String[0];
        }
        if (raw.size() > MAX_IDENTIFIERS) {
            v.add(field, "at most " + MAX_IDENTIFIERS + " identifiers (got " + raw.size() + ")");
            return new String[0];
        }
        Set<String> unique = new LinkedHashSet<>(raw);
        for (String s : unique) {
            if (s.isEmpty() || s.length() > 128) {
                v.add(field, "identifiers must be 1..128 characters");
                break;
            }
        }
        return unique.toArray(String[]::new);
    }

    private static <K> void page(RowSet<Row> rows, int size, java.util.function.Consumer<Row> add,
            Function<Row, K> key, java.util.function.Consumer<K> next) {
        int i = 0;
        Row last = null;
        for (Row r : rows) {
            if (i++ == size) {
                next.accept(key.apply(last));
                return;
            }
            add.accept(r);
            last = r;
        }
    }

    /** The entity-list twin of the row pager: {@code rows} holds up to size + 1 items. */
    private static <E, K> void page(List<E> rows, int size, java.util.function.Consumer<E> add, Function<E, K> key,
            java.util.function.Consumer<K> next) {
        for (int i = 0; i < rows.size(); i++) {
            if (i == size) {
                next.accept(key.apply(rows.get(i - 1)));
                return;
            }
            add.accept(rows.get(i));
        }
    }

    private static Site site(fleet.api.topology.Site s) {
        return Site.newBuilder().setSiteId(s.getId().toString()).setName(s.getName())
                .setCreatedAt(ProtoTime.of(s.getCreatedAt())).build();
    }

    private static Building building(fleet.api.topology.Building b) {
        return Building.newBuilder().setBuildingId(b.getId().toString()).setSiteId(b.getSiteId().toString())
                .setName(b.getName()).setCreatedAt(ProtoTime.of(b.getCreatedAt())).build();
    }

    private static Rack rack(fleet.api.topology.Rack r) {
        return Rack.newBuilder().setRackId(r.getId().toString()).setBuildingId(r.getBuildingId().toString())
                .setName(r.getName()).setCreatedAt(ProtoTime.of(r.getCreatedAt())).build();
    }

    private static Group group(fleet.api.topology.DeviceGroup g) {
        return Group.newBuilder().setGroupId(g.getId().toString()).setName(g.getName())
                .setCreatedAt(ProtoTime.of(g.getCreatedAt())).build();
    }
}
