package fleet.api.app.schedules;

import com.google.rpc.Code;
import fleet.api.error.ApiErrors;
import fleet.domain.schedule.Occurrences;
import fleet.domain.schedule.ScheduleBounds;
import fleet.domain.scope.DeviceScope;
import fleet.persistence.scope.ScopeJson;
import fleet.persistence.scope.ScopeSql;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Conflict detection (issue 9): two ENABLED schedules of the same priority whose windows overlap within the next
 * {@link ScheduleBounds#CONFLICT_HORIZON} (each computed in its own zone) and whose selectors share at least one device
 * today. Runs inside the mutation's transaction after the organization's schedule lock, so two concurrent mutations
 * cannot both pass.
 */
final class ScheduleConflicts {

    static final String REASON = "SCHEDULE_CONFLICT";
    private static final int LISTED = 20;

    private static final String CANDIDATES = "SELECT id, name, selector, time_zone, window_kind, start_time, end_time,"
            + " days_mask, cron_expression, duration_sec FROM schedule"
            + " WHERE org_id = $1 AND enabled AND deleted_at IS NULL AND priority = $2 AND id <> $3 ORDER BY name";

    private ScheduleConflicts() {
    }

    private record Clash(UUID id, String name, Occurrences.Overlap overlap) {
    }

    /** Fails FAILED_PRECONDITION / SCHEDULE_CONFLICT listing the conflicting schedule ids, or completes. */
    static Uni<Void> check(SqlConnection tx, UUID org, UUID self, ScheduleSpec spec, UUID[] deviceIds, Instant now) {
        if (!spec.enabled() || deviceIds.length == 0) {
            return Uni.createFrom().voidItem();
        }
        return tx.preparedQuery(CANDIDATES).execute(Tuple.of(org, spec.priority(), self == null ? new UUID(0, 0) : self))
                .chain(rows -> {
                    List<Clash> timeClashes = new ArrayList<>();
                    Map<UUID, DeviceScope> selectors = new LinkedHashMap<>();
                    for (Row r : rows) {
                        var overlap = Occurrences.firstOverlap(spec.window(), spec.zone(), ScheduleRows.window(r),
                                java.time.ZoneId.of(r.getString("time_zone")), now, ScheduleBounds.CONFLICT_HORIZON);
                        if (overlap.isPresent()) {
                            UUID id = r.getUUID("id");
                            timeClashes.add(new Clash(id, r.getString("name"), overlap.get()));
                            selectors.put(id, ScopeJson.decode(r.getJsonObject("selector")));
                        }
                    }
                    List<Clash> conflicts = new ArrayList<>();
                    Uni<Void> chain = Uni.createFrom().voidItem();
                    for (Clash c : timeClashes) {
                        ScopeSql other = ScopeSql.of(selectors.get(c.id()), 3);
                        String sql = "SELECT EXISTS (SELECT 1 FROM device d WHERE d.org_id = $1 AND d.id = ANY($2)"
                                + " AND " + other.predicate() + ") AS shared";
                        chain = chain.chain(() -> tx.preparedQuery(sql).execute(other.tuple(List.of(org, deviceIds)))
                                .invoke(r -> {
                                    if (r.iterator().next().getBoolean("shared")) {
                                        conflicts.add(c);
                                    }
                                })
                                .replaceWithVoid());
                    }
                    return chain.invoke(() -> {
                        if (!conflicts.isEmpty()) {
                            throw conflict(spec.priority(), conflicts);
                        }
                    });
                });
    }

    private static io.grpc.StatusRuntimeException conflict(int priority, List<Clash> conflicts) {
        List<Clash> listed = conflicts.stream().limit(LISTED).toList();
        Clash first = conflicts.get(0);
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("conflicting_schedule_ids", String.join(",", listed.stream().map(c -> c.id().toString()).toList()));
        metadata.put("conflicting_count", Integer.toString(conflicts.size()));
        metadata.put("priority", Integer.toString(priority));
        metadata.put("first_overlap_start", first.overlap().second().start().toString());
        metadata.put("first_overlap_end", first.overlap().second().end().toString());
        String names = String.join(", ", listed.stream().map(c -> "'" + c.name() + "' (" + c.id() + ")").toList());
        return ApiErrors.domain(Code.FAILED_PRECONDITION, REASON, "the schedule's windows overlap, on at least one common"
                + " device and at the same priority " + priority + ", those of enabled schedule(s) " + names
                + "; change the window, the devices or the priority, or disable one", metadata);
    }
}
