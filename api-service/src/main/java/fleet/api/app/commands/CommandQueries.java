package fleet.api.app.commands;

import fleet.domain.scope.DeviceScope;
import fleet.api.app.commands.CommandTargets.TargetDevice;
import fleet.api.error.ApiErrors;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** The read side of MinerCommandService: batches and per-device capability checks. Reads only. */
public final class CommandQueries {

    private static final String BATCH = "SELECT " + CommandView.COLUMNS + """
            FROM operator_command c JOIN device d ON d.id = c.device_id
            WHERE c.org_id = $1 AND c.batch_id = $2
            ORDER BY d.identifier, c.seq
            """;

    private CommandQueries() {
    }

    /** Per device: can this command run, and if not, why. */
    public record CapabilityView(UUID deviceId, String identifier, boolean supported, String reason) {
    }

    /** The batch of this organization, or NOT_FOUND (another organization's batch is answered the same way). */
    public static Uni<CommandBatchView> batch(SqlClient db, UUID org, UUID batchId) {
        return db.preparedQuery(BATCH).execute(Tuple.of(org, batchId)).map(rows -> {
            if (rows.size() == 0) {
                throw ApiErrors.notFound("command batch", List.of(batchId.toString()));
            }
            List<CommandView> commands = new ArrayList<>(rows.size());
            Row first = null;
            for (Row r : rows) {
                if (first == null) {
                    first = r;
                }
                commands.add(CommandView.of(r));
            }
            return new CommandBatchView(batchId, commands.get(0).kind(), first.getString("actor_type"),
                    first.getString("actor_id"), commands.stream().map(CommandView::createdAt)
                            .min(java.util.Comparator.naturalOrder()).orElse(null), commands);
        });
    }

    /**
     * Capability first (from {@code device.capabilities}); for operator commands also the curtailment filter, since
     * a device held by a live curtailment cannot run one either. The reconciler's CURTAIL / UNCURTAIL bypass the filter.
     */
    public static Uni<List<CapabilityView>> capabilities(SqlClient db, UUID org, DeviceScope scope, CommandKind kind) {
        return CommandTargets.resolve(db, org, scope).map(devices -> {
            List<CapabilityView> out = new ArrayList<>(devices.size());
            for (TargetDevice d : devices) {
                String reason = null;
                if (!kind.supportedBy(d.capabilities())) {
                    reason = kind.unsupportedReason(d.driver());
                } else if (kind.operatorCommand() && d.liveEventId() != null) {
                    reason = "part of active curtailment event " + d.liveEventId();
                }
                out.add(new CapabilityView(d.id(), d.identifier(), reason == null, reason == null ? "" : reason));
            }
            return out;
        });
    }
}
