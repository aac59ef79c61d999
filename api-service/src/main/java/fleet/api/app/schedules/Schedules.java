package fleet.api.app.schedules;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.google.protobuf.FieldMask;
import fleet.api.app.ActivityLog;
import fleet.api.app.commands.CommandTargets;
import fleet.api.auth.Caller;
import fleet.api.error.ApiErrors;
import fleet.api.error.Violations;
import fleet.api.paging.PageTokens;
import fleet.curtailment.v1.Schedule;
import fleet.persistence.scope.ScopeJson;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import io.vertx.pgclient.PgException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * The schedule use cases (issue 9). Every mutation is ONE transaction: the organization's schedule lock → validation
 * against the database (devices exist, conflicts) → the write → one activity row ({@code schedule_created},
 * {@code schedule_updated}, {@code schedule_deleted}). A failed request writes nothing.
 */
@ApplicationScoped
public class Schedules {

    /** Update mask paths, in the contract's order. */
    public static final List<String> MASK_PATHS = List.of("name", "selector", "action", "window", "revert", "priority",
            "enabled");

    /**
     * Serialises schedule mutations per organization (conflict detection reads the other schedules, so two concurrent
     * creates must not both pass). Transaction-scoped, two-int key space: never collides with the reconciler's bigint
     * lease keys.
     */
    private static final String ORG_LOCK = "SELECT pg_advisory_xact_lock(hashtext('fleet.schedule'), hashtext($1::text))";

    @Inject
    Pool pool;

    @Inject
    Clock clock;

    public Instant now() {
        return clock.instant();
    }

    public Uni<ScheduleView> create(Caller caller, ScheduleSpec spec) {
        List<Object> params = new ArrayList<>();
        params.add(caller.orgId());
        params.addAll(ScheduleRows.definitionParams(spec));
        params.addAll(Arrays.asList(caller.userId(), caller.actorType(), caller.actorId()));
        String sql = "INSERT INTO schedule (org_id, " + ScheduleRows.DEFINITION_COLUMNS
                + ", created_by_user_id, created_actor_type, created_actor_id) VALUES (" + placeholders(params.size())
                + ") RETURNING " + ScheduleRows.COLUMNS;
        return pool.withTransaction(tx -> lock(tx, caller.orgId())
                        .chain(() -> checkDevicesAndConflicts(tx, caller.orgId(), null, spec))
                        .chain(() -> tx.preparedQuery(sql).execute(Tuple.from(params)))
                        .map(rows -> ScheduleRows.view(rows.iterator().next()))
                        .call(view -> ActivityLog.record(tx, caller, "schedule_created", null, null,
                                summary(view).put("selector", ScopeJson.encode(spec.selector())))))
                .onFailure(PgException.class).transform(e -> duplicateName(e, spec.name()));
    }

    public Uni<ScheduleView> get(Caller caller, UUID id) {
        return pool.preparedQuery("SELECT " + ScheduleRows.COLUMNS + " FROM schedule"
                        + " WHERE org_id = $1 AND id = $2 AND deleted_at IS NULL")
                .execute(Tuple.of(caller.orgId(), id))
                .map(rows -> {
                    if (rows.size() == 0) {
                        throw ApiErrors.notFound("schedule", List.of(id.toString()));
                    }
                    return ScheduleRows.view(rows.iterator().next());
                });
    }

    /** One page, ordered by name, and the next page's token ("" at the end). */
    public record Page(List<ScheduleView> schedules, String nextPageToken) {
    }

    public Uni<Page> list(Caller caller, Boolean enabled, int requestedSize, String pageToken) {
        int size = PageTokens.pageSize(requestedSize);
        String filters = "schedules|" + enabled;
        JsonNode after = PageTokens.decode("page_token", pageToken, filters);
        return pool.preparedQuery("SELECT " + ScheduleRows.COLUMNS + " FROM schedule WHERE org_id = $1 AND deleted_at IS NULL"
                        + " AND ($2::boolean IS NULL OR enabled = $2) AND ($3::text IS NULL OR name > $3) ORDER BY name LIMIT $4")
                .execute(Tuple.from(Arrays.asList(caller.orgId(), enabled, after == null ? null : after.asText(), size + 1)))
                .map(rows -> {
                    List<ScheduleView> out = new ArrayList<>();
                    String next = "";
                    for (Row r : rows) {
                        if (out.size() == size) {
                            next = PageTokens.encode(filters,
                                    JsonNodeFactory.instance.textNode(out.get(out.size() - 1).spec().name()));
                            break;
                        }
                        out.add(ScheduleRows.view(r));
                    }
                    return new Page(out, next);
                });
    }

    /** Validates the mask before any read; the merged schedule is validated like a Create. */
    public static List<String> maskPaths(Violations v, FieldMask mask, boolean present) {
        if (!present || mask.getPathsCount() == 0) {
            v.add("update_mask", "is required: name the fields to change (" + String.join(", ", MASK_PATHS) + ", or *)");
            return List.of();
        }
        Set<String> paths = new LinkedHashSet<>();
        for (int i = 0; i < mask.getPathsCount(); i++) {
            String p = mask.getPaths(i);
            if ("*".equals(p)) {
                paths.addAll(MASK_PATHS);
            } else if (MASK_PATHS.contains(p)) {
                paths.add(p);
            } else {
                v.add("update_mask.paths[" + i + "]", "unknown or read-only field '" + p + "'; updatable: "
                        + String.join(", ", MASK_PATHS));
            }
        }
        return List.copyOf(paths);
    }

    public Uni<ScheduleView> update(Caller caller, UUID id, Schedule patch, List<String> paths) {
        Instant now = clock.instant();
        return pool.withTransaction(tx -> lock(tx, caller.orgId())
                        .chain(() -> tx.preparedQuery("SELECT " + ScheduleRows.COLUMNS + " FROM schedule"
                                        + " WHERE org_id = $1 AND id = $2 AND deleted_at IS NULL FOR UPDATE")
                                .execute(Tuple.of(caller.orgId(), id)))
                        .chain(rows -> {
                            if (rows.size() == 0) {
                                throw ApiErrors.notFound("schedule", List.of(id.toString()));
                            }
                            ScheduleView before = ScheduleRows.view(rows.iterator().next());
                            Schedule merged = merge(ScheduleProtos.definition(before.spec()), patch, paths);
                            Violations v = new Violations();
                            ScheduleSpec spec = ScheduleProtos.spec(v, "schedule", merged, true, now);
                            v.throwIfAny();
                            List<Object> params = new ArrayList<>();
                            params.add(caller.orgId());
                            params.add(id);
                            params.addAll(ScheduleRows.definitionParams(spec));
                            String sql = "UPDATE schedule SET (" + ScheduleRows.DEFINITION_COLUMNS + ") = ("
                                    + placeholders(3, params.size()) + "), version = version + 1, updated_at = now()"
                                    + " WHERE org_id = $1 AND id = $2 RETURNING " + ScheduleRows.COLUMNS;
                            return checkDevicesAndConflicts(tx, caller.orgId(), id, spec)
                                    .chain(() -> tx.preparedQuery(sql).execute(Tuple.from(params)))
                                    .map(updated -> ScheduleRows.view(updated.iterator().next()))
                                    .call(after -> ActivityLog.record(tx, caller, "schedule_updated", null, null,
                                            summary(after).put("fields", new JsonArray(new ArrayList<>(paths)))
                                                    .put("before", definitionJson(before.spec()))
                                                    .put("after", definitionJson(after.spec()))));
                        }))
                .onFailure(PgException.class).transform(e -> duplicateName(e, patch.getName()));
    }

    public Uni<Void> delete(Caller caller, UUID id) {
        return pool.withTransaction(tx -> lock(tx, caller.orgId())
                .chain(() -> tx.preparedQuery("UPDATE schedule SET deleted_at = now(), enabled = false, updated_at = now(),"
                                + " version = version + 1 WHERE org_id = $1 AND id = $2 AND deleted_at IS NULL"
                                + " RETURNING name, (SELECT count(*) FROM schedule_occurrence o WHERE o.schedule_id = $2"
                                + " AND o.revert_state = 'PENDING') AS open_windows")
                        .execute(Tuple.of(caller.orgId(), id)))
                .chain(rows -> {
                    if (rows.size() == 0) {
                        throw ApiErrors.notFound("schedule", List.of(id.toString()));
                    }
                    Row r = rows.iterator().next();
                    return ActivityLog.record(tx, caller, "schedule_deleted", null, null, new JsonObject()
                            .put("schedule_id", id.toString()).put("name", r.getString("name"))
                            .put("open_windows", r.getLong("open_windows")));
                }));
    }

    // ---- helpers --------------------------------------------------------------------------------------------

    private static Uni<Void> lock(SqlConnection tx, UUID org) {
        return tx.preparedQuery(ORG_LOCK).execute(Tuple.of(org.toString())).replaceWithVoid();
    }

    /** Unknown identifiers / topology ids → NOT_FOUND; more than 10 000 devices → RESOURCE_EXHAUSTED; then conflicts. */
    private Uni<Void> checkDevicesAndConflicts(SqlConnection tx, UUID org, UUID self, ScheduleSpec spec) {
        return CommandTargets.resolve(tx, org, spec.selector())
                .chain(devices -> ScheduleConflicts.check(tx, org, self, spec,
                        devices.stream().map(CommandTargets.TargetDevice::id).toArray(UUID[]::new), clock.instant()));
    }

    private static Schedule merge(Schedule.Builder base, Schedule patch, List<String> paths) {
        for (String p : paths) {
            switch (p) {
                case "name" -> base.setName(patch.getName());
                case "selector" -> {
                    if (patch.hasSelector()) {
                        base.setSelector(patch.getSelector());
                    } else {
                        base.clearSelector();
                    }
                }
                case "action" -> {
                    if (patch.hasAction()) {
                        base.setAction(patch.getAction());
                    } else {
                        base.clearAction();
                    }
                }
                case "window" -> {
                    if (patch.hasWindow()) {
                        base.setWindow(patch.getWindow());
                    } else {
                        base.clearWindow();
                    }
                }
                case "revert" -> {
                    if (patch.hasRevert()) {
                        base.setRevert(patch.getRevert());
                    } else {
                        base.clearRevert();
                    }
                }
                case "priority" -> base.setPriority(patch.getPriority());
                case "enabled" -> base.setEnabled(patch.hasEnabled() && patch.getEnabled());
                default -> throw new IllegalStateException("unvalidated mask path " + p);
            }
        }
        return base.build();
    }

    private static JsonObject summary(ScheduleView view) {
        return new JsonObject().put("schedule_id", view.id().toString()).put("name", view.spec().name())
                .put("priority", view.spec().priority()).put("enabled", view.spec().enabled())
                .put("version", view.version());
    }

    private static JsonObject definitionJson(ScheduleSpec s) {
        JsonObject window = new JsonObject().put("time_zone", s.zone().getId());
        if (s.window() instanceof fleet.domain.schedule.DailyWindow d) {
            JsonArray days = new JsonArray();
            java.util.EnumSet.copyOf(d.days()).forEach(day -> days.add(day.name()));
            window.put("start_time", d.start().toString()).put("end_time", d.end().toString()).put("days", days);
        } else if (s.window() instanceof fleet.domain.schedule.CronWindow c) {
            window.put("start_cron", c.expression()).put("duration_seconds", c.duration().toSeconds());
        }
        return new JsonObject().put("name", s.name()).put("selector", ScopeJson.encode(s.selector()))
                .put("action", action(s.action())).put("revert", action(s.revert())).put("window", window)
                .put("priority", s.priority()).put("enabled", s.enabled());
    }

    private static JsonObject action(fleet.domain.schedule.ScheduleAction a) {
        JsonObject o = new JsonObject().put("type", a.type().dbName());
        if (a.powerTargetW() != null) {
            o.put("power_target_w", a.powerTargetW());
        }
        return o;
    }

    private static Throwable duplicateName(Throwable e, String name) {
        if (e instanceof PgException pg && "23505".equals(pg.getSqlState())
                && String.valueOf(pg.getConstraint()).equals("schedule_org_name_live")) {
            return ApiErrors.alreadyExists("NAME_TAKEN", "a schedule named '" + name + "' already exists",
                    Map.of("resource", "schedule", "name", String.valueOf(name)));
        }
        return e;
    }

    private static String placeholders(int count) {
        return placeholders(1, count);
    }

    /** "$from, …, $to". */
    private static String placeholders(int from, int to) {
        StringBuilder b = new StringBuilder();
        for (int i = from; i <= to; i++) {
            b.append(i == from ? "" : ", ").append('$').append(i);
        }
        return b.toString();
    }
}
