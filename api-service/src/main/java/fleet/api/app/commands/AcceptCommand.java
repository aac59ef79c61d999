package fleet.api.app.commands;

import com.google.rpc.Code;
import fleet.api.app.ActivityLog;
import fleet.api.app.commands.CommandTargets.TargetDevice;
import fleet.api.auth.Caller;
import fleet.api.error.ApiErrors;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Accepts an operator command (SPEC §7.4) in ONE transaction: resolve the selector → curtailment preflight filter →
 * one {@code operator_command} row per device in one {@code unnest} insert → one {@code operator_command_accepted}
 * activity row → {@code NOTIFY operator_command_work}.
 *
 * <ul>
 *   <li>Any selected device held by a live curtailment target blocks the whole request: FAILED_PRECONDITION
 *       {@code DEVICES_IN_ACTIVE_CURTAILMENT}, nothing queued. The filter runs before any insert, so that
 *       transaction writes only the {@code command_blocked_by_curtailment} audit row and commits it; the error is
 *       raised after the commit.</li>
 *   <li>Devices whose driver lacks the capability are recorded in the batch as UNSUPPORTED (terminal at once, never
 *       sent); the others are QUEUED. When no device supports the command the request fails FAILED_PRECONDITION
 *       {@code COMMAND_UNSUPPORTED} and writes nothing.</li>
 *   <li>The actor comes from the caller's credentials only. The reconciler's own CURTAIL / UNCURTAIL (actor
 *       {@code curtailment}) never pass through here and are never {@code operator_command} rows.</li>
 * </ul>
 * A curtailment that starts after this transaction commits is caught by the executor's re-check at execution time.
 */
@ApplicationScoped
public class AcceptCommand {

    public static final String NOTIFY_CHANNEL = fleet.persistence.Channels.OPERATOR_COMMAND_WORK;
    public static final String BLOCKED_REASON = "DEVICES_IN_ACTIVE_CURTAILMENT";
    public static final String UNSUPPORTED_REASON = "COMMAND_UNSUPPORTED";
    /** Bounds of the identifier lists in error details: they travel in gRPC trailers (8 KiB by default). */
    static final int DETAIL_MAX_CHARS = 1_000;
    static final int DETAIL_MAX_ITEMS = 100;
    /** Bound of the identifier lists kept in activity metadata. */
    static final int ACTIVITY_MAX_ITEMS = 1_000;

    private static final String INSERT = """
            INSERT INTO operator_command (org_id, batch_id, device_id, command_type, params, state, actor_type, actor_id,
                                          reason, last_error, finished_at)
            SELECT $1, $2, u.device_id, $3, $4::jsonb, u.state, $5, $6, $7, u.last_error,
                   CASE WHEN u.state = 'UNSUPPORTED' THEN now() END
            FROM unnest($8::uuid[], $9::text[], $10::text[]) WITH ORDINALITY AS u(device_id, state, last_error, ord)
            ORDER BY u.ord
            RETURNING id, device_id, state, attempts, last_error, created_at, finished_at
            """;

    @Inject
    Pool pool;

    /** What the transaction decided: a batch, or the blocked devices (the error is raised after the commit). */
    private record Decision(CommandBatchView batch, List<TargetDevice> blocked, int devices) {
    }

    public Uni<CommandBatchView> accept(Caller caller, CommandRequest request) {
        return pool.withTransaction(tx -> CommandTargets.resolve(tx, caller.orgId(), request.scope())
                        .chain(devices -> decide(tx, caller, request, devices)))
                .map(decision -> {
                    if (decision.blocked() != null) {
                        throw blockedError(decision.blocked(), decision.devices());
                    }
                    return decision.batch();
                });
    }

    private Uni<Decision> decide(SqlConnection tx, Caller caller, CommandRequest request, List<TargetDevice> devices) {
        if (devices.isEmpty()) {
            throw ApiErrors.domain(Code.FAILED_PRECONDITION, "NO_DEVICES_IN_SCOPE",
                    "the selector resolves to no device", Map.of());
        }
        List<TargetDevice> blocked = devices.stream().filter(d -> d.liveEventId() != null).toList();
        if (!blocked.isEmpty()) {
            return ActivityLog.record(tx, caller, "command_blocked_by_curtailment", singleEvent(blocked),
                            blocked.size() == 1 ? blocked.get(0).id() : null, blockedActivity(request, blocked, devices.size()))
                    .replaceWith(new Decision(null, blocked, devices.size()));
        }
        CommandKind kind = request.kind();
        List<TargetDevice> unsupported = devices.stream().filter(d -> !kind.supportedBy(d.capabilities())).toList();
        if (unsupported.size() == devices.size()) {
            throw unsupportedError(kind, unsupported);
        }
        UUID batchId = UUID.randomUUID();
        int n = devices.size();
        UUID[] ids = new UUID[n];
        String[] states = new String[n];
        String[] errors = new String[n];
        Map<UUID, String> identifiers = new HashMap<>();
        for (int i = 0; i < n; i++) {
            TargetDevice d = devices.get(i);
            boolean supported = kind.supportedBy(d.capabilities());
            ids[i] = d.id();
            states[i] = supported ? "QUEUED" : "UNSUPPORTED";
            errors[i] = supported ? null : kind.unsupportedReason(d.driver());
            identifiers.put(d.id(), d.identifier());
        }
        Tuple params = Tuple.from(Arrays.asList(caller.orgId(), batchId, kind.dbName(), request.params(),
                caller.actorType(), caller.actorId(), request.reason(), ids, states, errors));
        return tx.preparedQuery(INSERT).execute(params)
                .map(rows -> {
                    List<CommandView> commands = new ArrayList<>(rows.size());
                    for (Row r : rows) {
                        UUID device = r.getUUID("device_id");
                        commands.add(new CommandView(r.getUUID("id"), device, identifiers.get(device), kind,
                                r.getString("state"), r.getInteger("attempts"), r.getString("last_error"),
                                r.getOffsetDateTime("created_at"), r.getOffsetDateTime("finished_at")));
                    }
                    return new CommandBatchView(batchId, kind, caller.actorType(), caller.actorId(),
                            commands.get(0).createdAt(), commands);
                })
                .call(batch -> ActivityLog.record(tx, caller, "operator_command_accepted", null,
                        n == 1 ? devices.get(0).id() : null,
                        acceptedActivity(request, batchId, n, n - unsupported.size(), unsupported)))
                .call(batch -> tx.preparedQuery("SELECT pg_notify($1, $2)")
                        .execute(Tuple.of(NOTIFY_CHANNEL, batchId.toString())))
                .map(batch -> new Decision(batch, null, n));
    }

    private static UUID singleEvent(List<TargetDevice> blocked) {
        Set<UUID> events = new LinkedHashSet<>();
        blocked.forEach(d -> events.add(d.liveEventId()));
        return events.size() == 1 ? events.iterator().next() : null;
    }

    private static JsonObject blockedActivity(CommandRequest request, List<TargetDevice> blocked, int devices) {
        Map<UUID, JsonArray> byEvent = new LinkedHashMap<>();
        int listed = 0;
        for (TargetDevice d : blocked) {
            if (listed++ == ACTIVITY_MAX_ITEMS) {
                break;
            }
            byEvent.computeIfAbsent(d.liveEventId(), e -> new JsonArray()).add(d.identifier());
        }
        JsonObject events = new JsonObject();
        byEvent.forEach((event, identifiers) -> events.put(event.toString(), identifiers));
        return base(request)
                .put("stage", "accept")
                .put("devices", devices)
                .put("blocked", blocked.size())
                .put("blocked_identifiers_by_event", events)
                .put("blocked_identifiers_truncated", blocked.size() > ACTIVITY_MAX_ITEMS);
    }

    private static JsonObject acceptedActivity(CommandRequest request, UUID batchId, int devices, int queued,
            List<TargetDevice> unsupported) {
        JsonArray unsupportedIds = new JsonArray();
        unsupported.stream().limit(ACTIVITY_MAX_ITEMS).forEach(d -> unsupportedIds.add(d.identifier()));
        return base(request)
                .put("batch_id", batchId.toString())
                .put("devices", devices)
                .put("queued", queued)
                .put("unsupported", unsupported.size())
                .put("unsupported_identifiers", unsupportedIds);
    }

    private static JsonObject base(CommandRequest request) {
        JsonObject selector = new JsonObject().put("kind", request.scope().kind().wireName());
        if (!request.scope().ids().isEmpty()) {
            JsonArray ids = new JsonArray();
            request.scope().ids().forEach(id -> ids.add(id.toString()));
            selector.put("ids", ids);
        } else {
            selector.put("identifiers", request.scope().identifiers().size());
        }
        JsonObject m = new JsonObject().put("command", request.kind().dbName()).put("selector", selector)
                .put("params", request.params());
        if (request.reason() != null) {
            m.put("reason", request.reason());
        }
        return m;
    }

    /** FAILED_PRECONDITION "N of M devices are part of an active curtailment event", blocked identifiers in details. */
    static io.grpc.StatusRuntimeException blockedError(List<TargetDevice> blocked, int devices) {
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("blocked_count", Integer.toString(blocked.size()));
        metadata.put("device_count", Integer.toString(devices));
        List<String> listed = bounded(blocked.stream().map(TargetDevice::identifier).toList());
        metadata.put("blocked_identifiers", String.join(",", listed));
        metadata.put("blocked_listed", Integer.toString(listed.size()));
        Map<UUID, List<String>> byEvent = new LinkedHashMap<>();
        for (int i = 0; i < listed.size(); i++) {
            byEvent.computeIfAbsent(blocked.get(i).liveEventId(), e -> new ArrayList<>()).add(listed.get(i));
        }
        Set<UUID> events = new LinkedHashSet<>();
        blocked.forEach(d -> events.add(d.liveEventId()));
        metadata.put("event_ids", String.join(",", events.stream().limit(20).map(UUID::toString).toList()));
        byEvent.forEach((event, ids) -> {
            if (metadata.size() < 40) {
                metadata.put("event." + event, String.join(",", ids));
            }
        });
        return ApiErrors.domain(Code.FAILED_PRECONDITION, BLOCKED_REASON,
                blocked.size() + " of " + devices + " devices are part of an active curtailment event", metadata);
    }

    static io.grpc.StatusRuntimeException unsupportedError(CommandKind kind, List<TargetDevice> unsupported) {
        Set<String> drivers = new LinkedHashSet<>();
        unsupported.forEach(d -> drivers.add(d.driver()));
        List<String> listed = bounded(unsupported.stream().map(TargetDevice::identifier).toList());
        String why = String.join("; ", drivers.stream().map(kind::unsupportedReason).toList());
        return ApiErrors.domain(Code.FAILED_PRECONDITION, UNSUPPORTED_REASON,
                "no selected device supports " + kind.dbName() + " (" + why + ")",
                Map.of("command", kind.dbName(),
                        "unsupported_count", Integer.toString(unsupported.size()),
                        "unsupported_identifiers", String.join(",", listed),
                        "unsupported_listed", Integer.toString(listed.size())));
    }

    /** The longest prefix of {@code all} within the detail bounds. */
    static List<String> bounded(List<String> all) {
        List<String> out = new ArrayList<>();
        int chars = 0;
        for (String s : all) {
            if (out.size() == DETAIL_MAX_ITEMS || chars + s.length() + 1 > DETAIL_MAX_CHARS) {
                break;
            }
            out.add(s);
            chars += s.length() + 1;
        }
        return out;
    }
}
