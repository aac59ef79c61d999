package fleet.reconciler.step;

import fleet.driver.DeviceEndpoint;
import fleet.driver.PreCurtailSnapshot;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Row;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.UUID;

/** A target row joined with its device: enough to command or read the miner. */
public record TargetRef(long id, DeviceEndpoint endpoint, int state, Double baselinePowerW, Instant commandSentAt,
        PreCurtailSnapshot snapshot) {

    /** The select list every query producing TargetRefs uses (target t, device d). */
    static final String COLUMNS = """
            t.id, t.state, t.baseline_power_w, t.command_sent_at, t.pre_curtail_snapshot,
            d.id AS device_id, d.identifier, d.host, d.port, d.driver
            """;

    static TargetRef of(Row r) {
        OffsetDateTime sent = r.getOffsetDateTime("command_sent_at");
        Object snap = r.getValue("pre_curtail_snapshot");
        PreCurtailSnapshot snapshot = PreCurtailSnapshot.unknown();
        if (snap instanceof JsonObject json && json.containsKey("was_mining")) {
            snapshot = new PreCurtailSnapshot(json.getBoolean("was_mining"), json.getInteger("power_target_w"),
                    json.getString("profile"));
        }
        UUID device = r.getUUID("device_id");
        return new TargetRef(r.getLong("id"),
                new DeviceEndpoint(device, r.getString("identifier"), r.getString("host"), r.getInteger("port"),
                        r.getString("driver")),
                r.getShort("state"), r.getDouble("baseline_power_w"), sent == null ? null : sent.toInstant(), snapshot);
    }
}
