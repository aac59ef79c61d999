package fleet.api.app;

import fleet.api.error.ApiErrors;
import fleet.api.paging.PageKey;
import fleet.api.paging.PageTokens;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

/**
 * Every command that touched a miner (D37), newest first: the reconciler's CURTAIL / RESTORE commands
 * ({@code curtailment_command_log}) merged with operator commands ({@code operator_command}), each side read through
 * its own per-device (or per-event) index with the page's limit and merged in one statement.
 *
 * <p>The sort key is (time, key): the time is when a curtailment command was sent, or when an operator command was
 * queued (its only time that never changes, so pages are stable while it runs); the key is {@code c}/{@code o} and the
 * row's zero-padded sequence, so keys of the two sources never tie.
 */
public final class CommandHistory {

    /** The columns both branches produce, in order. */
    private static final String CURTAIL_BRANCH = """
            SELECT 'c' || lpad(l.id::text, 19, '0') AS k, l.sent_at AS at, l.id::text AS entry, 'c' AS src,
                   l.device_id, l.action, 'curtailment' AS actor_type, l.event_id::text AS actor_id, l.event_id,
                   l.source_actor_type, l.source_actor_id, l.created_by_user_id, l.attempt, l.outcome,
                   l.refusal_reason, l.reply_code, l.detail, l.replica, NULL::text AS reason, l.sent_at,
                   l.finished_at
            FROM curtailment_command_log l
            """;

    private static final String OPERATOR_BRANCH = """
            SELECT 'o' || lpad(o.seq::text, 19, '0') AS k, o.created_at AS at, o.id::text AS entry, 'o' AS src,
                   o.device_id, o.command_type AS action, o.actor_type, o.actor_id, NULL::uuid AS event_id,
                   NULL::text AS source_actor_type, NULL::text AS source_actor_id, NULL::uuid AS created_by_user_id,
                   o.attempts AS attempt, o.state AS outcome, NULL::text AS refusal_reason, NULL::int AS reply_code,
                   coalesce(o.last_error, CASE WHEN o.command_type = 'SET_POWER_TARGET'
                                               THEN 'power_target_w=' || (o.params ->> 'power_target_w') END) AS detail,
                   o.claimed_by AS replica, o.reason, o.started_at AS sent_at, o.finished_at
            FROM operator_command o
            """;

    /** $4/$5: from/to; $6/$7: the previous page's last (time, key); $8: the limit. */
    private static String window(String alias, String time, String key) {
        return """
                  AND ($4::timestamptz IS NULL OR %1$s.%2$s >= $4) AND ($5::timestamptz IS NULL OR %1$s.%2$s < $5)
                  AND ($6::timestamptz IS NULL OR %1$s.%2$s <= $6)
                  AND ($6::timestamptz IS NULL OR %1$s.%2$s < $6 OR %3$s < $7)
                """.formatted(alias, time, key);
    }

    private static final String OUTER_HEAD = """
            SELECT h.*, d.identifier, e.reason AS event_reason
            FROM (
            """;

    private static final String OUTER_TAIL = """
            ) h
            JOIN device d ON d.id = h.device_id
            LEFT JOIN curtailment_event e ON e.id = h.event_id
            ORDER BY h.at DESC, h.k DESC
            LIMIT $8
            """;

    /** $1 org, $2 device, $3 event or null. */
    private static final String BY_DEVICE = OUTER_HEAD
            + "(" + CURTAIL_BRANCH + "WHERE l.org_id = $1 AND l.device_id = $2 AND ($3::uuid IS NULL OR l.event_id = $3)\n"
            + window("l", "sent_at", "'c' || lpad(l.id::text, 19, '0')")
            + "ORDER BY l.sent_at DESC, l.id DESC LIMIT $8)\nUNION ALL\n"
            + "(" + OPERATOR_BRANCH + "WHERE $3::uuid IS NULL AND o.org_id = $1 AND o.device_id = $2\n"
            + window("o", "created_at", "'o' || lpad(o.seq::text, 19, '0')")
            + "ORDER BY o.created_at DESC, o.seq DESC LIMIT $8)\n"
            + OUTER_TAIL;

    /** $1 org, $2 unused (null), $3 event. */
    private static final String BY_EVENT = OUTER_HEAD
            + "(" + CURTAIL_BRANCH + "WHERE l.org_id = $1 AND $2::uuid IS NULL AND l.event_id = $3\n"
            + window("l", "sent_at", "'c' || lpad(l.id::text, 19, '0')")
            + "ORDER BY l.sent_at DESC, l.id DESC LIMIT $8)\n"
            + OUTER_TAIL;

    /** The device (by identifier or id) and the event, in the caller's organization; one round trip. */
    private static final String RESOLVE = """
            SELECT (SELECT d.id FROM device d WHERE d.org_id = $1 AND ($2::text IS NOT NULL OR $3::uuid IS NOT NULL)
                      AND ($2::text IS NULL OR d.identifier = $2) AND ($3::uuid IS NULL OR d.id = $3)) AS device_id,
                   EXISTS (SELECT 1 FROM curtailment_event e WHERE e.org_id = $1 AND e.id = $4) AS event_found
            """;

    private CommandHistory() {
    }

    /** What to list; exactly one of {@code deviceIdentifier} / {@code deviceId} may be set, and at least a device or an event. */
    public record Query(UUID orgId, String deviceIdentifier, UUID deviceId, UUID eventId, OffsetDateTime from,
            OffsetDateTime to, int pageSize, String pageToken) {

        boolean byDevice() {
            return deviceIdentifier != null || deviceId != null;
        }

        String filters() {
            return String.join("|", "command-history", String.valueOf(deviceIdentifier), String.valueOf(deviceId),
                    String.valueOf(eventId), String.valueOf(from == null ? null : from.toInstant()),
                    String.valueOf(to == null ? null : to.toInstant()));
        }
    }

    /** One page: rows with the columns of both branches plus {@code identifier} and {@code event_reason}. */
    public record Page(List<Row> rows, String nextPageToken) {
    }

    /** Where a page ends: the row's exact time (microseconds, PostgreSQL's precision) and its key. */
    private record Cursor(OffsetDateTime at, String key) {

        static final PageKey<Cursor> KEY = PageKey.pair("t", PageKey.EPOCH_MICROS, Cursor::at,
                "k", PageKey.TEXT, Cursor::key, Cursor::new);
    }

    /**
     * The page; an unknown device (or another organization's) or event is NOT_FOUND. The page token is checked first
     * (INVALID_ARGUMENT on {@code page_token}), before anything is read.
     */
    public static Uni<Page> list(SqlClient client, Query q) {
        String filters = q.filters();
        Cursor after = PageTokens.decode("page_token", q.pageToken(), filters, Cursor.KEY);
        return client.preparedQuery(RESOLVE)
                .execute(Tuple.from(Arrays.asList(q.orgId(), q.deviceIdentifier(), q.deviceId(), q.eventId())))
                .chain(found -> {
                    Row r = found.iterator().next();
                    UUID device = r.getUUID("device_id");
                    if (q.byDevice() && device == null) {
                        String key = q.deviceIdentifier() != null ? q.deviceIdentifier() : q.deviceId().toString();
                        throw ApiErrors.notFound("device", List.of(key));
                    }
                    if (q.eventId() != null && !r.getBoolean("event_found")) {
                        throw ApiErrors.notFound("curtailment event", List.of(q.eventId().toString()));
                    }
                    return client.preparedQuery(q.byDevice() ? BY_DEVICE : BY_EVENT)
                            .execute(Tuple.from(Arrays.asList(q.orgId(), device, q.eventId(), q.from(), q.to(),
                                    after == null ? null : after.at(), after == null ? null : after.key(),
                                    q.pageSize() + 1)));
                })
                .map(rows -> {
                    List<Row> page = new ArrayList<>(q.pageSize());
                    String next = "";
                    for (Row row : rows) {
                        if (page.size() == q.pageSize()) {
                            Row last = page.get(page.size() - 1);
                            next = PageTokens.encode(filters, Cursor.KEY,
                                    new Cursor(last.getOffsetDateTime("at"), last.getString("k")));
                            break;
                        }
                        page.add(row);
                    }
                    return new Page(page, next);
                });
    }
}
