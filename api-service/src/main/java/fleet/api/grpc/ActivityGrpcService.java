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
import fleet.curtailment.v1.ActivityEntry;
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
 * device, types and a time range, paged per AIP-158 with tokens bound to the filters. Role: VIEWER.
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
              AND ($3::text IS NULL OR a.device_id IN (SELECT d.id FROM device d WHERE d.org_id = $1 AND d.identifier = $3))
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
