package fleet.api.app;

import fleet.api.error.ApiErrors;
import fleet.api.paging.PageKey;
import fleet.api.paging.PageTokens;
import fleet.persistence.StateSql;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The reads of SPEC §3: an event with its per-state rollup, pages of targets, newest-first lists. Every query is
 * org-scoped; rollups of many events are one grouped query.
 */
public final class EventQueries {

    static final String EVENT_COLUMNS = """
            e.id, e.org_id, e.state, e.mode, e.level, e.priority, e.reason, e.scope, e.target_kw, e.tolerance_kw,
            e.max_duration_sec, e.allow_unbounded, e.min_curtailed_duration_sec, e.restore_batch_size,
            e.restore_batch_interval_sec, e.curtail_batch_size, e.curtail_batch_interval_sec, e.post_event_cooldown_sec,
            e.include_maintenance, e.candidate_min_power_w, e.idempotency_key, e.external_source, e.external_reference,
            e.request_fingerprint, e.source_actor_type, e.source_actor_id, e.created_by_user_id,
            e.estimated_reduction_kw, e.target_count, e.created_at, e.updated_at, e.first_dispatched_at, e.started_at,
            e.restore_started_at, e.restore_initiated_by, e.ended_at, e.end_reason
            """;

    private static final String TARGET_COLUMNS = """
            t.id, t.device_id, d.identifier, t.state, t.desired_state, t.rank, t.baseline_power_w,
            t.baseline_hashrate_ths, t.retry_count, t.last_error, t.last_power_w, t.last_hashrate_ths,
            t.last_observed_at, t.wave, t.updated_at,
            t.curtail_dispatched_at, t.curtail_completed_at, t.curtail_retries, t.curtail_failures, t.curtail_last_error,
            t.restore_dispatched_at, t.restore_completed_at, t.restore_retries, t.restore_failures, t.restore_last_error
            """;

    private static final String ROLLUP = StateSql.render("""
            SELECT event_id, state, count(*)::int AS n,
                   coalesce(sum(baseline_power_w) FILTER (WHERE state = {TargetState.CONFIRMED}), 0) AS confirmed_w,
                   count(*) FILTER (WHERE command_sent_at IS NOT NULL)::int AS commanded
            FROM curtailment_target WHERE event_id = ANY($1)
            GROUP BY event_id, state
            """);

    private EventQueries() {
    }

    /** Per-state counts of one event. */
    public record Rollup(Map<Integer, Integer> byState, double confirmedKw, int commanded) {

        public int total() {
            return byState.values().stream().mapToInt(Integer::intValue).sum();
        }

        static Rollup empty() {
            return new Rollup(Map.of(), 0, 0);
        }
    }

    /** An event row with its rollup. */
    public record EventView(Row row, Rollup rollup) {
    }

    /** A page of targets. */
    public record TargetPage(List<Row> targets, String nextPageToken) {
    }

    /** Where a page of events ends: events are listed newest first, the id breaks ties. */
    public record EventCursor(OffsetDateTime createdAt, UUID id) {

        public static final PageKey<EventCursor> KEY = PageKey.pair("t", PageKey.ISO_TIME, EventCursor::createdAt,
                "i", PageKey.UUID_KEY, EventCursor::id, EventCursor::new);

        public static EventCursor of(Row event) {
            return new EventCursor(event.getOffsetDateTime("created_at"), event.getUUID("id"));
        }
    }

    /** Where a page of targets ends: targets are listed by rank, the id breaks ties. */
    private record TargetCursor(int rank, long id) {

        static final PageKey<TargetCursor> KEY = PageKey.pair("r", PageKey.INT, TargetCursor::rank,
                "i", PageKey.LONG, TargetCursor::id, TargetCursor::new);
    }

    public static Uni<EventView> get(SqlClient db, UUID org, UUID eventId) {
        return db.preparedQuery("SELECT " + EVENT_COLUMNS + " FROM curtailment_event e WHERE e.org_id = $1 AND e.id = $2")
                .execute(Tuple.of(org, eventId))
                .chain(rows -> {
                    if (rows.size() == 0) {
                        throw ApiErrors.notFound("curtailment event", List.of(eventId.toString()));
                    }
                    Row row = rows.iterator().next();
                    return rollups(db, List.of(eventId)).map(r -> new EventView(row, r.getOrDefault(eventId, Rollup.empty())));
                });
    }

    public static Uni<Map<UUID, Rollup>> rollups(SqlClient db, List<UUID> eventIds) {
        if (eventIds.isEmpty()) {
            return Uni.createFrom().item(Map.of());
        }
        return db.preparedQuery(ROLLUP).execute(Tuple.of(eventIds.toArray(UUID[]::new))).map(rows -> {
            Map<UUID, Map<Integer, Integer>> counts = new HashMap<>();
            Map<UUID, double[]> sums = new HashMap<>();
            for (Row r : rows) {
                UUID id = r.getUUID("event_id");
                counts.computeIfAbsent(id, k -> new LinkedHashMap<>()).put((int) r.getShort("state"), r.getInteger("n"));
                double[] s = sums.computeIfAbsent(id, k -> new double[2]);
                s[0] += r.getDouble("confirmed_w");
                s[1] += r.getInteger("commanded");
            }
            Map<UUID, Rollup> out = new HashMap<>();
            counts.forEach((id, byState) -> out.put(id,
                    new Rollup(byState, sums.get(id)[0] / 1000.0, (int) sums.get(id)[1])));
            return out;
        });
    }

    /** Targets ordered by rank; the token is bound to the event and the state filter. */
    public static Uni<TargetPage> targets(SqlClient db, UUID eventId, List<Integer> states, int pageSize, String token) {
        String filters = "targets|" + eventId + "|" + states;
        TargetCursor after = PageTokens.decode("target_page_token", token, filters, TargetCursor.KEY);
        Integer afterRank = after == null ? null : after.rank();
        Long afterId = after == null ? null : after.id();
        String sql = "SELECT " + TARGET_COLUMNS + " FROM curtailment_target t JOIN device d ON d.id = t.device_id"
                + " WHERE t.event_id = $1 AND (cardinality($2::smallint[]) = 0 OR t.state = ANY($2))"
                + " AND ($3::int IS NULL OR (t.rank, t.id) > ($3, $4)) ORDER BY t.rank, t.id LIMIT $5";
        Short[] stateArray = states.stream().map(Integer::shortValue).toArray(Short[]::new);
        return db.preparedQuery(sql)
                .execute(Tuple.from(Arrays.asList(eventId, stateArray, afterRank, afterId, pageSize + 1)))
                .map(rows -> {
                    List<Row> out = new ArrayList<>();
                    String next = "";
                    for (Row r : rows) {
                        if (out.size() == pageSize) {
                            Row last = out.get(out.size() - 1);
                            next = PageTokens.encode(filters, TargetCursor.KEY,
                                    new TargetCursor(last.getInteger("rank"), last.getLong("id")));
                            break;
                        }
                        out.add(r);
                    }
                    return new TargetPage(out, next);
                });
    }

    /** A page of events, newest first, optionally filtered by state; the token is bound to the filter. */
    public static Uni<List<EventView>> list(SqlClient db, UUID org, List<Integer> states, int limit, EventCursor after) {
        String sql = "SELECT " + EVENT_COLUMNS + " FROM curtailment_event e WHERE e.org_id = $1"
                + " AND (cardinality($2::smallint[]) = 0 OR e.state = ANY($2))"
                + " AND ($3::timestamptz IS NULL OR (e.created_at, e.id) < ($3, $4))"
                + " ORDER BY e.created_at DESC, e.id DESC LIMIT $5";
        Short[] stateArray = states.stream().map(Integer::shortValue).toArray(Short[]::new);
        OffsetDateTime afterTime = after == null ? null : after.createdAt();
        UUID afterId = after == null ? null : after.id();
        return db.preparedQuery(sql)
                .execute(Tuple.from(Arrays.asList(org, stateArray, afterTime, afterId, limit)))
                .chain(rows -> {
                    List<Row> list = new ArrayList<>();
                    rows.forEach(list::add);
                    return rollups(db, list.stream().map(r -> r.getUUID("id")).toList()).map(rollups -> {
                        List<EventView> out = new ArrayList<>(list.size());
                        for (Row r : list) {
                            out.add(new EventView(r, rollups.getOrDefault(r.getUUID("id"), Rollup.empty())));
                        }
                        return out;
                    });
                });
    }
}
