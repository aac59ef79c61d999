package fleet.api.app;

import fleet.api.auth.Caller;
import fleet.api.error.Violations;
import fleet.curtailment.v1.DeviceRegistration;
import fleet.curtailment.v1.RegisterDevicesRequest;
import fleet.curtailment.v1.RegisterDevicesResponse;
import fleet.curtailment.v1.RegisteredDevice;
import fleet.driver.DriverCatalog;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Bulk device registration: validate every entry, resolve the topology references in one query, upsert every device
 * in one statement ({@code unnest} of column arrays), replace group memberships in two statements, write one activity
 * row — all in one transaction. A bad entry fails the whole request and writes nothing.
 */
@ApplicationScoped
public class DeviceRegistrar {

    public static final int MAX_DEVICES = 10_000;
    static final int MAX_GROUPS_PER_DEVICE = 64;
    private static final Pattern IDENTIFIER = Pattern.compile("^[A-Za-z0-9._:-]{1,128}$");
    private static final Pattern HOST = Pattern.compile("^[A-Za-z0-9.:\\-\\[\\]]{1,253}$");

    private static final String TOPOLOGY = """
            SELECT 'site' AS kind, id, NULL::uuid AS parent, NULL::uuid AS grandparent FROM site
                WHERE org_id = $1 AND id = ANY($2)
            UNION ALL SELECT 'building', id, site_id, NULL FROM building WHERE org_id = $1 AND id = ANY($3)
            UNION ALL SELECT 'rack', r.id, r.building_id, b.site_id FROM rack r JOIN building b ON b.id = r.building_id
                WHERE r.org_id = $1 AND r.id = ANY($4)
            UNION ALL SELECT 'group', id, NULL, NULL FROM device_group WHERE org_id = $1 AND id = ANY($5)
            """;
    private static final String UPSERT = """
            INSERT INTO device (org_id, identifier, host, port, driver, model, site_id, building_id, rack_id, capabilities)
            SELECT $1, t.identifier, t.host, t.port, t.driver, t.model, t.site_id, t.building_id, t.rack_id,
                   string_to_array(t.caps, ',')
            FROM unnest($2::text[], $3::text[], $4::int[], $5::text[], $6::text[], $7::uuid[], $8::uuid[], $9::uuid[], $10::text[])
                 AS t(identifier, host, port, driver, model, site_id, building_id, rack_id, caps)
            ON CONFLICT (org_id, identifier) DO UPDATE SET
                host = EXCLUDED.host, port = EXCLUDED.port, driver = EXCLUDED.driver, model = EXCLUDED.model,
                site_id = EXCLUDED.site_id, building_id = EXCLUDED.building_id, rack_id = EXCLUDED.rack_id,
                capabilities = CASE WHEN device.driver = EXCLUDED.driver THEN device.capabilities ELSE EXCLUDED.capabilities END,
                updated_at = now()
            RETURNING id, identifier, (xmax = 0) AS created
            """;
    private static final String CLEAR_GROUPS = "DELETE FROM device_group_member WHERE org_id = $1 AND device_id = ANY($2)";
    private static final String ADD_GROUPS = """
            INSERT INTO device_group_member (org_id, group_id, device_id)
            SELECT $1, g, d FROM unnest($2::uuid[], $3::uuid[]) AS m(g, d)
            """;

    @Inject
    Pool pool;

    /** One validated entry, with topology references possibly inferred from their children. */
    private record Entry(String identifier, String host, int port, String driver, String model, UUID site, UUID building,
            UUID rack, List<UUID> groups) {
    }

    public Uni<RegisterDevicesResponse> register(Caller caller, RegisterDevicesRequest request) {
        List<Entry> entries = validate(request);
        return pool.withTransaction(tx -> resolveTopology(tx, caller.orgId(), entries)
                .chain(resolved -> upsert(tx, caller, resolved)));
    }

    private static List<Entry> validate(RegisterDevicesRequest request) {
        Violations v = new Violations();
        int n = request.getDevicesCount();
        if (n == 0) {
            v.add("devices", "at least one device is required");
        } else if (n > MAX_DEVICES) {
            v.add("devices", "at most " + MAX_DEVICES + " devices per request (got " + n + ")");
        }
        v.throwIfAny();
        List<Entry> entries = new ArrayList<>(n);
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < n; i++) {
            DeviceRegistration d = request.getDevices(i);
            String p = "devices[" + i + "].";
            String id = d.getIdentifier();
            if (id.isEmpty()) {
                v.add(p + "identifier", "is required");
            } else if (!IDENTIFIER.matcher(id).matches()) {
                v.add(p + "identifier", "must be 1..128 characters of A-Z a-z 0-9 . _ : -");
            } else if (!seen.add(id)) {
                v.add(p + "identifier", "duplicates an earlier entry of this request: " + id);
            }
            if (d.getHost().isEmpty()) {
                v.add(p + "host", "is required");
            } else if (!HOST.matcher(d.getHost()).matches()) {
                v.add(p + "host", "must be an IP address or a DNS name of at most 253 characters");
            }
            int port = d.getPort();
            if (port < 1 || port > 65535) {
                v.add(p + "port", "must be between 1 and 65535 (got " + Integer.toUnsignedString(port) + ")");
            }
            if (d.getDriver().isEmpty()) {
                v.add(p + "driver", "is required");
            } else if (!DriverCatalog.isKnownDriver(d.getDriver())) {
                v.add(p + "driver", "must be one of " + DriverCatalog.driverNames());
            }
            String model = v.text(p + "model", d.getModel(), 128);
            UUID site = v.uuid(p + "site_id", d.getSiteId(), false);
            UUID building = v.uuid(p + "building_id", d.getBuildingId(), false);
            UUID rack = v.uuid(p + "rack_id", d.getRackId(), false);
            if (d.getGroupIdsCount() > MAX_GROUPS_PER_DEVICE) {
                v.add(p + "group_ids", "at most " + MAX_GROUPS_PER_DEVICE + " groups per device");
            }
            Set<UUID> groups = new LinkedHashSet<>();
            for (int g = 0; g < d.getGroupIdsCount() && g < MAX_GROUPS_PER_DEVICE; g++) {
                UUID gid = v.uuid(p + "group_ids[" + g + "]", d.getGroupIds(g), true);
                if (gid != null) {
                    groups.add(gid);
                }
            }
            if (v.size() > 100) {
                break; // enough to act on; the response stays small
            }
            entries.add(new Entry(id, d.getHost(), port, d.getDriver(), model, site, building, rack, List.copyOf(groups)));
        }
        v.throwIfAny();
        return entries;
    }

    private static Uni<List<Entry>> resolveTopology(SqlConnection tx, UUID org, List<Entry> entries) {
        Set<UUID> sites = new HashSet<>();
        Set<UUID> buildings = new HashSet<>();
        Set<UUID> racks = new HashSet<>();
        Set<UUID> groups = new HashSet<>();
        for (Entry e : entries) {
            addIfPresent(sites, e.site());
            addIfPresent(buildings, e.building());
            addIfPresent(racks, e.rack());
            groups.addAll(e.groups());
        }
        if (sites.isEmpty() && buildings.isEmpty() && racks.isEmpty() && groups.isEmpty()) {
            return Uni.createFrom().item(entries);
        }
        return tx.preparedQuery(TOPOLOGY)
                .execute(Tuple.of(org, sites.toArray(UUID[]::new), buildings.toArray(UUID[]::new),
                        racks.toArray(UUID[]::new), groups.toArray(UUID[]::new)))
                .map(rows -> checkReferences(entries, rows));
    }

    private static List<Entry> checkReferences(List<Entry> entries, RowSet<Row> rows) {
        Set<UUID> sites = new HashSet<>();
        Map<UUID, UUID> buildingSite = new HashMap<>();
        Map<UUID, UUID> rackBuilding = new HashMap<>();
        Set<UUID> groups = new HashSet<>();
        for (Row r : rows) {
            switch (r.getString("kind")) {
                case "site" -> sites.add(r.getUUID("id"));
                case "building" -> buildingSite.put(r.getUUID("id"), r.getUUID("parent"));
                case "rack" -> {
                    rackBuilding.put(r.getUUID("id"), r.getUUID("parent"));
                    buildingSite.putIfAbsent(r.getUUID("parent"), r.getUUID("grandparent"));
                }
                default -> groups.add(r.getUUID("id"));
            }
        }
        Violations v = new Violations();
        List<Entry> resolved = new ArrayList<>(entries.size());
        for (int i = 0; i < entries.size(); i++) {
            Entry e = entries.get(i);
            String p = "devices[" + i + "].";
            UUID rack = e.rack();
            UUID building = e.building();
            UUID site = e.site();
            if (rack != null) {
                UUID parent = rackBuilding.get(rack);
                if (parent == null) {
                    v.add(p + "rack_id", "no such rack: " + rack);
                } else if (building == null) {
                    building = parent;
                } else if (!building.equals(parent)) {
                    v.add(p + "rack_id", "rack " + rack + " is not in building " + building);
                }
            }
            if (building != null) {
                UUID parent = buildingSite.get(building);
                if (parent == null) {
                    if (e.building() != null) {
                        v.add(p + "building_id", "no such building: " + building);
                    }
                } else if (site == null) {
                    site = parent;
                } else if (!site.equals(parent)) {
                    v.add(p + "building_id", "building " + building + " is not in site " + site);
                }
            }
            if (e.site() != null && !sites.contains(e.site())) {
                v.add(p + "site_id", "no such site: " + e.site());
            }
            for (int g = 0; g < e.groups().size(); g++) {
                if (!groups.contains(e.groups().get(g))) {
                    v.add(p + "group_ids[" + g + "]", "no such group: " + e.groups().get(g));
                }
            }
            resolved.add(new Entry(e.identifier(), e.host(), e.port(), e.driver(), e.model(), site, building, rack,
                    e.groups()));
        }
        v.throwIfAny();
        return resolved;
    }

    private static Uni<RegisterDevicesResponse> upsert(SqlConnection tx, Caller caller, List<Entry> entries) {
        int n = entries.size();
        String[] identifiers = new String[n];
        String[] hosts = new String[n];
        Integer[] ports = new Integer[n];
        String[] drivers = new String[n];
        String[] models = new String[n];
        UUID[] sites = new UUID[n];
        UUID[] buildings = new UUID[n];
        UUID[] racks = new UUID[n];
        String[] caps = new String[n];
        for (int i = 0; i < n; i++) {
            Entry e = entries.get(i);
            identifiers[i] = e.identifier();
            hosts[i] = e.host();
            ports[i] = e.port();
            drivers[i] = e.driver();
            models[i] = e.model();
            sites[i] = e.site();
            buildings[i] = e.building();
            racks[i] = e.rack();
            caps[i] = String.join(",", DriverCatalog.defaultCapabilities(e.driver()));
        }
        Tuple params = Tuple.from(Arrays.asList(caller.orgId(), identifiers, hosts, ports, drivers, models, sites,
                buildings, racks, caps));
        return tx.preparedQuery(UPSERT).execute(params).chain(rows -> {
            Map<String, Row> byIdentifier = new HashMap<>(n * 2);
            for (Row r : rows) {
                byIdentifier.put(r.getString("identifier"), r);
            }
            RegisterDevicesResponse.Builder out = RegisterDevicesResponse.newBuilder();
            int created = 0;
            UUID[] deviceIds = new UUID[n];
            List<UUID> memberGroups = new ArrayList<>();
            List<UUID> memberDevices = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                Row r = byIdentifier.get(identifiers[i]);
                boolean isNew = r.getBoolean("created");
                created += isNew ? 1 : 0;
                deviceIds[i] = r.getUUID("id");
                out.addDevices(RegisteredDevice.newBuilder().setIdentifier(identifiers[i])
                        .setDeviceId(deviceIds[i].toString()).setCreated(isNew));
                for (UUID g : entries.get(i).groups()) {
                    memberGroups.add(g);
                    memberDevices.add(deviceIds[i]);
                }
            }
            out.setCreatedCount(created).setUpdatedCount(n - created);
            JsonObject metadata = new JsonObject().put("count", n).put("created", created).put("updated", n - created);
            Uni<?> clear = tx.preparedQuery(CLEAR_GROUPS).execute(Tuple.of(caller.orgId(), deviceIds));
            Uni<?> add = memberGroups.isEmpty() ? Uni.createFrom().voidItem()
                    : tx.preparedQuery(ADD_GROUPS).execute(Tuple.of(caller.orgId(),
                            memberGroups.toArray(UUID[]::new), memberDevices.toArray(UUID[]::new)));
            return clear.chain(() -> add)
                    .chain(() -> ActivityLog.record(tx, caller, "devices_registered", null,
                            n == 1 ? deviceIds[0] : null, metadata))
                    .map(ignored -> out.build());
        });
    }

    private static void addIfPresent(Set<UUID> set, UUID id) {
        if (id != null) {
            set.add(id);
        }
    }

}
