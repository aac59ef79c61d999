package fleet.api.grpc;

import fleet.curtailment.v1.Device;
import fleet.curtailment.v1.DeviceCapabilities;
import fleet.curtailment.v1.DeviceStatus;
import fleet.curtailment.v1.DeviceTelemetry;
import fleet.curtailment.v1.PowerSource;
import fleet.persistence.StateSql;
import io.vertx.mutiny.sqlclient.Row;
import java.util.List;
import java.util.UUID;

/** Rows of the device queries → messages. Column names are the contract between the SQL and this class. */
final class DeviceMapping {

    /** The select list every device query uses (device d, telemetry t, live target lt). */
    static final String COLUMNS = """
            d.id, d.identifier, d.host, d.port, d.driver, d.model, d.site_id, d.building_id, d.rack_id,
            d.maintenance, d.capabilities, d.created_at, d.updated_at,
            ARRAY(SELECT m.group_id FROM device_group_member m WHERE m.device_id = d.id ORDER BY m.group_id) AS group_ids,
            t.sampled_at, t.status, t.power_w, t.power_source, t.hashrate_ths, t.efficiency_j_per_th, t.firmware,
            t.model AS reported_model, t.last_error,
            lt.event_id AS active_event_id
            """;
    static final String FROM = StateSql.render("""
            FROM device d
            LEFT JOIN device_telemetry_latest t ON t.device_id = d.id
            LEFT JOIN curtailment_target lt ON lt.device_id = d.id AND lt.state NOT IN {TargetState.TERMINAL}
            """);

    private DeviceMapping() {
    }

    static Device device(Row r) {
        Device.Builder b = Device.newBuilder()
                .setDeviceId(r.getUUID("id").toString())
                .setIdentifier(r.getString("identifier"))
                .setHost(r.getString("host"))
                .setPort(r.getInteger("port"))
                .setDriver(r.getString("driver"))
                .setMaintenance(r.getBoolean("maintenance"))
                .setCapabilities(capabilities(r.getArrayOfStrings("capabilities")))
                .setCreatedAt(ProtoTime.of(r.getOffsetDateTime("created_at")))
                .setUpdatedAt(ProtoTime.of(r.getOffsetDateTime("updated_at")));
        if (r.getString("model") != null) {
            b.setModel(r.getString("model"));
        }
        setIfPresent(r.getUUID("site_id"), b::setSiteId);
        setIfPresent(r.getUUID("building_id"), b::setBuildingId);
        setIfPresent(r.getUUID("rack_id"), b::setRackId);
        setIfPresent(r.getUUID("active_event_id"), b::setActiveEventId);
        for (UUID g : r.getArrayOfUUIDs("group_ids")) {
            b.addGroupIds(g.toString());
        }
        if (r.getOffsetDateTime("sampled_at") != null) {
            b.setTelemetry(telemetry(r));
        }
        return b.build();
    }

    static DeviceTelemetry telemetry(Row r) {
        DeviceTelemetry.Builder t = DeviceTelemetry.newBuilder()
                .setDeviceId(r.getUUID("id").toString())
                .setIdentifier(r.getString("identifier"))
                .setSampledAt(ProtoTime.of(r.getOffsetDateTime("sampled_at")))
                .setStatus(status(r.getString("status")))
                .setPowerSource(powerSource(r.getString("power_source")));
        Double power = r.getDouble("power_w");
        if (power != null) {
            t.setPowerW(power).setPowerPresent(true);
        }
        Double hash = r.getDouble("hashrate_ths");
        if (hash != null) {
            t.setHashrateThs(hash);
        }
        Double eff = r.getDouble("efficiency_j_per_th");
        if (eff != null) {
            t.setEfficiencyJPerTh(eff);
        }
        if (r.getString("firmware") != null) {
            t.setFirmware(r.getString("firmware"));
        }
        if (r.getString("reported_model") != null) {
            t.setModel(r.getString("reported_model"));
        }
        if (r.getString("last_error") != null) {
            t.setLastError(r.getString("last_error"));
        }
        return t.build();
    }

    static DeviceCapabilities capabilities(String[] flags) {
        List<String> f = flags == null ? List.of() : List.of(flags);
        return DeviceCapabilities.newBuilder()
                .setCurtailFull(f.contains("curtail_full"))
                .setCurtailEfficiency(f.contains("curtail_efficiency"))
                .setPowerTarget(f.contains("power_target"))
                .setPowerReported(f.contains("power_reported"))
                .setReboot(f.contains("reboot"))
                .setMiningStartStop(f.contains("mining_start_stop"))
                .build();
    }

    static DeviceStatus status(String dbValue) {
        if (dbValue == null) {
            return DeviceStatus.DEVICE_STATUS_UNSPECIFIED;
        }
        return DeviceStatus.valueOf("DEVICE_STATUS_" + dbValue);
    }

    /** The database's text for a status filter, or null for UNSPECIFIED. */
    static String statusText(DeviceStatus s) {
        if (s == DeviceStatus.DEVICE_STATUS_UNSPECIFIED || s == DeviceStatus.UNRECOGNIZED) {
            return null;
        }
        return s.name().substring("DEVICE_STATUS_".length());
    }

    static PowerSource powerSource(String dbValue) {
        return dbValue == null ? PowerSource.POWER_SOURCE_UNSPECIFIED : PowerSource.valueOf("POWER_SOURCE_" + dbValue);
    }

    private static void setIfPresent(UUID id, java.util.function.Consumer<String> setter) {
        if (id != null) {
            setter.accept(id.toString());
        }
    }
}
