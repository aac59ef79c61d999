package fleet.api.curtailment;

import fleet.api.GrpcClients;
import fleet.curtailment.v1.CurtailmentServiceGrpc;
import fleet.curtailment.v1.DeviceRegistration;
import fleet.curtailment.v1.InventoryServiceGrpc;
import fleet.curtailment.v1.RegisterDevicesRequest;
import fleet.testsupport.TestDatabase;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** Builds a test organization's fleet: devices through the real API, telemetry written as the poller would. */
final class Fleet {

    final GrpcClients.TestOrg org;

    Fleet(String name) {
        this.org = GrpcClients.newOrg(name);
    }

    CurtailmentServiceGrpc.CurtailmentServiceBlockingStub curtailment(String token) {
        return CurtailmentServiceGrpc.newBlockingStub(GrpcClients.channel()).withDeadlineAfter(Duration.ofSeconds(60))
                .withCallCredentials(GrpcClients.bearer(token));
    }

    CurtailmentServiceGrpc.CurtailmentServiceBlockingStub operator() {
        return curtailment(org.operatorKey());
    }

    CurtailmentServiceGrpc.CurtailmentServiceBlockingStub admin() {
        return curtailment(org.adminKey());
    }

    InventoryServiceGrpc.InventoryServiceBlockingStub inventory() {
        return InventoryServiceGrpc.newBlockingStub(GrpcClients.channel()).withDeadlineAfter(Duration.ofSeconds(60))
                .withCallCredentials(GrpcClients.bearer(org.adminKey()));
    }

    /** One device's latest sample; null fields are written as NULL. */
    record Sample(String identifier, String driver, String status, Double powerW, Double hashrateThs,
            Double efficiency, int ageSeconds) {

        static Sample mining(String identifier, double powerW, double efficiency) {
            return new Sample(identifier, "luxos", "MINING", powerW, powerW / efficiency, efficiency, 5);
        }

        Sample withStatus(String s) {
            return new Sample(identifier, driver, s, powerW, hashrateThs, efficiency, ageSeconds);
        }

        Sample withDriver(String d) {
            return new Sample(identifier, d, status, powerW, hashrateThs, efficiency, ageSeconds);
        }

        Sample withAge(int seconds) {
            return new Sample(identifier, driver, status, powerW, hashrateThs, efficiency, seconds);
        }

        Sample withHashrate(Double ths) {
            return new Sample(identifier, driver, status, powerW, ths, efficiency, ageSeconds);
        }
    }

    /** Registers the devices (idempotent) and writes their samples; returns the device ids by input order. */
    List<UUID> add(List<Sample> samples) {
        RegisterDevicesRequest.Builder reg = RegisterDevicesRequest.newBuilder();
        for (Sample s : samples) {
            reg.addDevices(DeviceRegistration.newBuilder().setIdentifier(s.identifier()).setHost("127.0.0.1")
                    .setPort(4028).setDriver(s.driver()));
        }
        List<UUID> ids = new ArrayList<>();
        for (int from = 0; from < samples.size(); from += 10_000) {
            var part = RegisterDevicesRequest.newBuilder()
                    .addAllDevices(reg.getDevicesList().subList(from, Math.min(samples.size(), from + 10_000))).build();
            inventory().registerDevices(part).getDevicesList().forEach(d -> ids.add(UUID.fromString(d.getDeviceId())));
        }
        try (Connection c = TestDatabase.get().connect();
                var ps = c.prepareStatement("INSERT INTO device_telemetry_latest (device_id, org_id, sampled_at, status,"
                        + " power_w, power_source, hashrate_ths, efficiency_j_per_th)"
                        + " VALUES (?, ?, now() - make_interval(secs => ?), ?, ?, 'MEASURED_PSU', ?, ?)"
                        + " ON CONFLICT (device_id) DO UPDATE SET sampled_at = EXCLUDED.sampled_at, status = EXCLUDED.status,"
                        + " power_w = EXCLUDED.power_w, hashrate_ths = EXCLUDED.hashrate_ths,"
                        + " efficiency_j_per_th = EXCLUDED.efficiency_j_per_th")) {
            for (int i = 0; i < samples.size(); i++) {
                Sample s = samples.get(i);
                if (s.status() == null) {
                    continue;
                }
                ps.setObject(1, ids.get(i));
                ps.setObject(2, org.orgId());
                ps.setInt(3, s.ageSeconds());
                ps.setString(4, s.status());
                ps.setObject(5, s.powerW());
                ps.setObject(6, s.hashrateThs());
                ps.setObject(7, s.efficiency());
                ps.addBatch();
            }
            ps.executeBatch();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return ids;
    }

    /** n identical healthy miners named prefix-000.. */
    List<UUID> addMiners(String prefix, int n, double powerW, double efficiency) {
        List<Sample> samples = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            samples.add(Sample.mining(String.format("%s-%05d", prefix, i), powerW, efficiency));
        }
        return add(samples);
    }

    long count(String sql) {
        try (Connection c = TestDatabase.get().connect(); var ps = c.prepareStatement(sql)) {
            ps.setObject(1, org.orgId());
            try (var rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    long events() {
        return count("SELECT count(*) FROM curtailment_event WHERE org_id = ?");
    }

    long targets() {
        return count("SELECT count(*) FROM curtailment_target WHERE org_id = ?");
    }

    long activity() {
        return count("SELECT count(*) FROM activity_log WHERE org_id = ?");
    }

    void execute(String sql) {
        try (Connection c = TestDatabase.get().connect(); var ps = c.prepareStatement(sql)) {
            if (sql.contains("?")) {
                ps.setObject(1, org.orgId());
            }
            ps.execute();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
