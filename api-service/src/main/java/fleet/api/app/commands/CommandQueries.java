package fleet.api.app.commands;

import fleet.domain.scope.DeviceScope;
import fleet.api.app.commands.CommandTargets.TargetDevice;
import fleet.api.error.ApiErrors;
import fleet.api.paging.PageKey;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

/** The read side of MinerCommandService: batches and per-device capability checks. Reads only. */
public final class CommandQueries {

    /**
     * One page of a batch: the batch's own facts (every row of a batch shares kind and actor) with one page of its
     * commands by (device identifier, seq). The batch row is there even when the page is empty.
     */
    private static final String BATCH_PAGE = """
            SELECT b.total, b.created_at AS batch_created_at, b.command_type AS batch_type,
                   b.actor_type AS batch_actor_type, b.actor_id AS batch_actor_id, p.*
            FROM (SELECT count(*) AS total, min(created_at) AS created_at, min(command_type) AS command_type,
                         min(actor_type) AS actor_type, min(actor_id) AS actor_id
                  FROM operator_command WHERE org_id = $1 AND batch_id = $2) b
            LEFT JOIN LATERAL (
                SELECT c.seq, """ + CommandView.COLUMNS + """
                FROM operator_command c JOIN device d ON d.id = c.device_id
                WHERE c.org_id = $1 AND c.batch_id = $2
                  AND ($3::text IS NULL OR (d.identifier, c.seq) > ($3::text, $4::bigint))
                ORDER BY d.identifier, c.seq
                LIMIT $5) p ON true
            ORDER BY p.identifier, p.seq
            """;

    /** The most commands of a batch GetCommandBatch answers at once; the default. */
    public static final int MAX_PAGE = 1_000;
    public static final int DEFAULT_PAGE = 500;

    private CommandQueries() {
    }

    /** Per device: can this command run, and if not, why. */
    public record CapabilityView(UUID deviceId, String identifier, boolean supported, String reason) {
    }

    /** Where a page of a batch ends: commands are listed by device identifier, seq breaks ties. */
    public record BatchCursor(String identifier, long seq) {

        public static final PageKey<BatchCursor> KEY = PageKey.pair("d", PageKey.TEXT, BatchCursor::identifier,
                "s", PageKey.LONG, BatchCursor::seq, BatchCursor::new);
    }

    /** One page of a batch; {@code next} is null on the last page. */
    public record BatchPage(CommandBatchView batch, long total, BatchCursor next) {
    }

    /**
     * A page of the batch of this organization, or NOT_FOUND (another organization's batch is answered the same
     * way).
     */
    public static Uni<BatchPage> batch(SqlClient db, UUID org, UUID batchId, int pageSize, BatchCursor after) {
        return db.preparedQuery(BATCH_PAGE).execute(Tuple.from(Arrays.asList(org, batchId,
                        after == null ? null : after.identifier(), after == null ? null : after.seq(), pageSize + 1)))
                .map(rows -> {
                    Row batch = rows.iterator().next();
                    long total = batch.getLong("total");
                    if (total == 0) {
                        throw ApiErrors.notFound("command batch", List.of(batchId.toString()));
                    }
                    List<CommandView> commands = new ArrayList<>(Math.min(rows.size(), pageSize));
                    BatchCursor next = null;
                    Row last = null;
                    for (Row r : rows) {
                        if (r.getUUID("id") == null) {
                            break; // past the end: the batch row alone
                        }
                        if (commands.size() == pageSize) {
                            next = new BatchCursor(last.getString("identifier"), last.getLong("seq"));
                            break;
                        }
                        commands.add(CommandView.of(r));
                        last = r;
                    }
                    return new BatchPage(new CommandBatchView(batchId, CommandKind.fromDb(batch.getString("batch_type")),
                            batch.getString("batch_actor_type"), batch.getString("batch_actor_id"),
                            batch.getOffsetDateTime("batch_created_at"), commands), total, next);
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
