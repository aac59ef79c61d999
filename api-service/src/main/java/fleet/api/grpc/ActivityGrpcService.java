package fleet.api.grpc;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Struct;
import com.google.protobuf.util.JsonFormat;
import fleet.api.auth.Authenticator;
import fleet.api.error.Violations;
import fleet.api.paging.PageKey;
import fleet.api.paging.PageTokens;
import fleet.auth.Role;
import fleet.api.app.CommandHistory;
import fleet.curtailment.v1.ActivityEntry;
import fleet.curtailment.v1.CommandHistoryEntry;
import fleet.curtailment.v1.CommandSource;
import fleet.curtailment.v1.ListCommandHistoryRequest;
import fleet.curtailment.v1.ListCommandHistoryResponse;
import fleet.curtailment.v1.ListActivityRequest;
import fleet.curtailment.v1.ListActivityResponse;
import fleet.curtailment.v1.MutinyActivityServiceGrpc;
import io.quarkus.grpc.GrpcService;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * ActivityService (SPEC §7.5): the audit trail, newest first ({@code occurred_at DESC, id DESC}), filtered by event,
 * device, types and a time range, paged per AIP-158 with tokens bound to the filters; and the command history of a
 * device or an event (D37). Role: VIEWER.
 *
 * <p>A device filter matches the rows about that one device and the event-level {@code curtailment_*} rows of every
 * event that sent the device a command (D37).
 */
@GrpcService
public class ActivityGrpcService extends MutinyActivityServiceGrpc.ActivityServiceImplBase {

    public static final int MAX_TYPES = 32;
    /**
     * A page ends before its serialized size would pass this (1 MiB), whatever page_size asked: metadata can be
     * large, and a client's default inbound limit is 4 MiB.
     */
    public static final int MAX_RESPONSE_BYTES = 1 << 20;
    /** Room kept for next_page_token. */
    private static final int TOKEN_ALLOWANCE = 512;
    /** The vocabulary of {@code activity_log.type} (a CHECK in V1). */
    private static final Pattern TYPE = Pattern.compile("^[a-z][a-z0-9_]{2,63}$");

    private static final String LIST = """
            SELECT a.id, a.occurred_at, a.type, a.actor_type, a.actor_id, a.event_id, a.device_id, a.metadata
            FROM activity_log a
            WHERE a.org_id = $1
              AND ($2::uuid IS NULL OR a.event_id = $2)
              AND ($3::text IS NULL
                   OR a.device_id IN (SELECT d.id FROM device d WHERE d.org_id = $1 AND d.identifier = $3)
                   OR (a.device_id IS NULL AND a.type LIKE 'curtailment\\_%' AND a.event_id IN (
                           SELECT l.event_id FROM curtailment_command_log l JOIN device d ON d.id = l.device_id
                           WHERE l.org_id = $1 AND d.org_id = $1 AND d.identifier = $3)))
              AND (cardinality($4::text[]) = 0 OR a.type = ANY($4))
              AND ($5::timestamptz IS NULL OR a.occurred_at >= $5)
              AND ($6::timestamptz IS NULL OR a.occurred_at < $6)
              AND ($7::timestamptz IS NULL OR (a.occurred_at, a.id) < ($7, $8))
            ORDER BY a.occurred_at DESC, a.id DESC
            LIMIT $9
            """;

    @Inject
    Authenticator auth;

    @Inject
    Pool pool;

    @Override
    public Uni<ListActivityResponse> listActivity(ListActivityRequest request) {
        return auth.require(Role.VIEWER).chain(caller -> {
            Violations v = new Violations();
            UUID eventId = v.uuid("event_id", request.getEventId(), false);
            String device = v.text("device_identifier", request.getDeviceIdentifier(), 128);
            List<String> types = types(v, request.getTypesList());
            OffsetDateTime from = request.hasFrom() ? time(v, "from", request.getFrom()) : null;
            OffsetDateTime to = request.hasTo() ? time(v, "to", request.getTo()) : null;
            if (from != null && to != null && !from.isBefore(to)) {
                v.add("to", "must be after from");
            }
            int pageSize = PageTokens.pageSize(v.int32("page_size", request.getPageSize()));
            v.throwIfAny();
            String filters = String.join("|", "activity", String.valueOf(eventId), String.valueOf(device),
                    String.join(",", types), String.valueOf(from == null ? null : from.toInstant()),
                    String.valueOf(to == null ? null : to.toInstant()));
            Cursor after = PageTokens.decode("page_token", request.getPageToken(), filters, Cursor.KEY);
            OffsetDateTime afterTime = after == null ? null : after.occurredAt();
            Long afterId = after == null ? null : after.id();
            return pool.preparedQuery(LIST)
                    .execute(Tuple.from(Arrays.asList(caller.orgId(), eventId, device, types.toArray(String[]::new),
                            from, to, afterTime, afterId, pageSize + 1)))
                    .map(rows -> {
                        ListActivityResponse.Builder out = ListActivityResponse.newBuilder();
                        Row last = null;
                        int n = 0;
                        long bytes = TOKEN_ALLOWANCE;
                        for (Row r : rows) {
                            ActivityEntry entry = n < pageSize ? entry(r) : null;
                            long size = entry == null ? 0
                                    : CodedOutputStream.computeMessageSize(ListActivityResponse.ENTRIES_FIELD_NUMBER, entry);
                            // the page ends at page_size rows, or before the entry that would pass the byte budget
                            // (never before the first: one entry always fits a gRPC message)
                            if (entry == null || (n > 0 && bytes + size > MAX_RESPONSE_BYTES)) {
                                out.setNextPageToken(PageTokens.encode(filters, Cursor.KEY, Cursor.of(last)));
                                break;
                            }
                            out.addEntries(entry);
                            bytes += size;
                            last = r;
                            n++;
                        }
                        return out.build();
                    });
        });
    }

    /** Every command that touched a miner, per device or per event, newest first (D37). Role: VIEWER. */
    @Override
    public Uni<ListCommandHistoryResponse> listCommandHistory(ListCommandHistoryRequest request) {
        return auth.require(Role.VIEWER).chain(caller -> {
            Violations v = new Violations();
            String identifier = v.text("device_identifier", request.getDeviceIdentifier(), 128);
            UUID deviceId = v.uuid("device_id", request.getDeviceId(), false);
            UUID eventId = v.uuid("event_id", request.getEventId(), false);
            if (!request.getDeviceIdentifier().isEmpty() && !request.getDeviceId().isEmpty()) {
                v.add("device_id", "set device_identifier or device_id, not both");
            }
            if (request.getDeviceIdentifier().isEmpty() && request.getDeviceId().isEmpty()
                    && request.getEventId().isEmpty()) {
                v.add("device_identifier", "one of device_identifier, device_id or event_id is required");
            }
            OffsetDateTime from = request.hasFrom() ? time(v, "from", request.getFrom()) : null;
            OffsetDateTime to = request.hasTo() ? time(v, "to", request.getTo()) : null;
            if (from != null && to != null && !from.isBefore(to)) {
                v.add("to", "must be after from");
            }
            int pageSize = PageTokens.pageSize(v.int32("page_size", request.getPageSize()));
            v.throwIfAny();
            return CommandHistory.list(pool, new CommandHistory.Query(caller.orgId(), identifier, deviceId, eventId,
                            from, to, pageSize, request.getPageToken()))
                    .map(page -> {
                        ListCommandHistoryResponse.Builder out = ListCommandHistoryResponse.newBuilder()
                                .setNextPageToken(page.nextPageToken());
                        page.rows().forEach(r -> out.addEntries(historyEntry(r)));
                        return out.build();
                    });
        });
    }

    private static CommandHistoryEntry historyEntry(Row r) {
        boolean curtailment = "c".equals(r.getString("src"));
        CommandHistoryEntry.Builder e = CommandHistoryEntry.newBuilder()
                .setEntryId(r.getString("src") + "-" + r.getString("entry"))
                .setSource(curtailment ? CommandSource.COMMAND_SOURCE_CURTAILMENT : CommandSource.COMMAND_SOURCE_OPERATOR)
                .setOccurredAt(ProtoTime.of(r.getOffsetDateTime("at")))
                .setDeviceId(r.getUUID("device_id").toString())
                .setDeviceIdentifier(r.getString("identifier"))
                .setAction(r.getString("action"))
                .setActorType(EventMapping.actor(r.getString("actor_type")))
                .setActorId(r.getString("actor_id"))
                .setAttempt(r.getInteger("attempt"))
                .setOutcome(r.getString("outcome"));
        OffsetDateTime sent = r.getOffsetDateTime("sent_at");
        if (sent != null) {
            e.setSentAt(ProtoTime.of(sent));
        }
        OffsetDateTime finished = r.getOffsetDateTime("finished_at");
        if (finished != null) {
            e.setFinishedAt(ProtoTime.of(finished));
        }
        UUID event = r.getUUID("event_id");
        if (event != null) {
            e.setEventId(event.toString())
                    .setEventCreatorType(EventMapping.actor(r.getString("source_actor_type")))
                    .setEventCreatorId(r.getString("source_actor_id"))
                    .setEventCreatedByUserId(r.getUUID("created_by_user_id").toString());
            if (r.getString("event_reason") != null) {
                e.setEventReason(r.getString("event_reason"));
            }
        }
        Integer code = r.getInteger("reply_code");
        if (code != null) {
            e.setReplyCode(code);
        }
        setIfPresent(r.getString("refusal_reason"), e::setRefusalReason);
        setIfPresent(r.getString("detail"), e::setDetail);
        setIfPresent(r.getString("replica"), e::setReplica);
        setIfPresent(r.getString("reason"), e::setReason);
        return e.build();
    }

    private static void setIfPresent(String value, java.util.function.Consumer<String> setter) {
        if (value != null) {
            setter.accept(value);
        }
    }

    private static List<String> types(Violations v, List<String> raw) {
        if (raw.size() > MAX_TYPES) {
            v.add("types", "at most " + MAX_TYPES + " types (got " + raw.size() + ")");
            return List.of();
        }
        TreeSet<String> unique = new TreeSet<>();
        for (int i = 0; i < raw.size(); i++) {
            if (!TYPE.matcher(raw.get(i)).matches()) {
                v.add("types[" + i + "]", "must be an activity type such as curtailment_started");
            } else {
                unique.add(raw.get(i));
            }
        }
        return new ArrayList<>(unique);
    }

    private static OffsetDateTime time(Violations v, String field, com.google.protobuf.Timestamp t) {
        if (t.getNanos() < 0 || t.getNanos() > 999_999_999 || t.getSeconds() < -62_135_596_800L
                || t.getSeconds() > 253_402_300_799L) {
            v.add(field, "must be a valid timestamp");
            return null;
        }
        return ProtoTime.instant(t).atOffset(ZoneOffset.UTC);
    }

    /** Where a page ends: the row's exact time (microseconds, PostgreSQL's precision) and id. */
    private record Cursor(OffsetDateTime occurredAt, long id) {

        static final PageKey<Cursor> KEY = PageKey.pair("t", PageKey.EPOCH_MICROS, Cursor::occurredAt,
                "i", PageKey.LONG, Cursor::id, Cursor::new);

        static Cursor of(Row r) {
            return new Cursor(r.getOffsetDateTime("occurred_at"), r.getLong("id"));
        }
    }

    private static ActivityEntry entry(Row r) {
        ActivityEntry.Builder e = ActivityEntry.newBuilder()
                .setActivityId(Long.toString(r.getLong("id")))
                .setOccurredAt(ProtoTime.of(r.getOffsetDateTime("occurred_at")))
                .setType(r.getString("type"))
                .setActorType(EventMapping.actor(r.getString("actor_type")))
                .setActorId(r.getString("actor_id"))
                .setMetadata(struct(r.getValue("metadata")));
        UUID event = r.getUUID("event_id");
        if (event != null) {
            e.setEventId(event.toString());
        }
        UUID device = r.getUUID("device_id");
        if (device != null) {
            e.setDeviceId(device.toString());
        }
        return e.build();
    }

    /** JSONB object → google.protobuf.Struct through protobuf's own JSON mapping. */
    static Struct struct(Object jsonb) {
        Struct.Builder s = Struct.newBuilder();
        if (jsonb instanceof JsonObject o) {
            try {
                JsonFormat.parser().merge(o.encode(), s);
            } catch (InvalidProtocolBufferException e) {
                throw new IllegalStateException("activity metadata is not a JSON object", e);
            }
        }
        return s.build();
    }
}
