package fleet.reconciler.commands;

import fleet.driver.DeviceEndpoint;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Row;
import java.util.Set;
import java.util.UUID;

/**
 * A command as the claim left it: RUNNING (to execute now, with {@code attempts} as its claim token), or already
 * terminal (BLOCKED_BY_CURTAILMENT, or FAILED when an abandoned attempt exhausted the budget).
 */
public record ClaimedCommand(UUID id, long seq, UUID orgId, UUID batchId, String commandType, JsonObject params,
        String state, int attempts, int maxAttempts, DeviceEndpoint device, Set<String> capabilities,
        UUID blockingEventId) {

    public boolean running() {
        return CommandStates.RUNNING.equals(state);
    }

    static ClaimedCommand of(Row r) {
        Object params = r.getValue("params");
        String[] caps = r.getArrayOfStrings("capabilities");
        UUID device = r.getUUID("device_id");
        return new ClaimedCommand(r.getUUID("id"), r.getLong("seq"), r.getUUID("org_id"), r.getUUID("batch_id"),
                r.getString("command_type"), params instanceof JsonObject o ? o : new JsonObject(), r.getString("state"),
                r.getInteger("attempts"), r.getInteger("max_attempts"),
                new DeviceEndpoint(device, r.getString("identifier"), r.getString("host"), r.getInteger("port"),
                        r.getString("driver")),
                caps == null ? Set.of() : Set.of(caps), r.getUUID("blocking_event"));
    }
}
