package fleet.api.app.schedules;

import com.google.protobuf.FieldMask;
import fleet.api.app.ActivityLog;
import fleet.api.app.SessionConnection;
import fleet.api.app.UniqueViolation;
import fleet.api.app.commands.CommandTargets;
import fleet.api.auth.Caller;
import fleet.api.error.ApiErrors;
import fleet.api.error.Violations;
import fleet.api.paging.PageKey;
import fleet.api.paging.PageTokens;
import fleet.curtailment.v1.Schedule;
import fleet.persistence.scope.ScopeJson;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.SqlConnection;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.hibernate.reactive.mutiny.Mutiny;

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
    private static final String ORG_LOCK = "SELECT now() FROM pg_advisory_xact_lock(hashtext('fleet.schedule'),"
            + " hashtext(CAST(?1 AS text)))";

    /** Windows of the schedule still awaiting their revert (reported by the delete's activity row). */
    private static final String OPEN_WINDOWS = "SELECT count(*) FROM schedule_occurrence WHERE schedule_id = ?1"
            + " AND revert_state = 'PENDING'";

    @Inject
    ScheduleRepository schedules;

    @Inject
    Clock clock;

    public Instant now() {
        return clock.instant();
    }

    public Uni<ScheduleView> create(Caller caller, ScheduleSpec spec) {
        return Panache.withTransaction(() -> Panache.getSession().chain(session -> lock(session, caller.orgId())
                        .call(() -> checkDevicesAndConflicts(session, caller.orgId(), null, spec))
                        .chain(now -> schedules.persistAndFlush(ScheduleEntity.create(caller, spec, now)))
                        .map(ScheduleEntity::view)
                        .call(view -> ActivityLog.record(session, caller, "schedule_created", null, null,
                                summary(view).put("selector", ScopeJson.encode(spec.selector()))))))
                .onFailure().transform(e -> duplicateName(e, spec.name()));
    }

    public Uni<ScheduleView> get(Caller caller, UUID id) {
        return Panache.withSession(() -> schedules.findInOrg(caller.orgId(), id))
                .map(entity -> {
                    if (entity == null) {
                        throw ApiErrors.notFound("schedule", List.of(id.toString()));
                    }
                    return entity.view();
                });
    }

    /** One page, ordered by name, and the next page's token ("" at the end). */
    public record Page(List<ScheduleView> schedules, String nextPageToken) {
    }

    public Uni<Page> list(Caller caller, Boolean enabled, int requestedSize, String pageToken) {
        int size = PageTokens.pageSize(requestedSize);
        String filters = "schedules|" + enabled;
        String after = PageTokens.decode("page_token", pageToken, filters, PageKey.TEXT);
        return Panache.withSession(() -> schedules.pageByName(caller.orgId(), enabled, after, size + 1))
                .map(rows -> {
                    List<ScheduleView> out = new ArrayList<>();
                    String next = "";
                    for (ScheduleEntity r : rows) {
                        if (out.size() == size) {
                            next = PageTokens.encode(filters, PageKey.TEXT, out.get(out.size() - 1).spec().name());
                            break;
                        }
                        out.add(r.view());
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
        return Panache.withTransaction(() -> Panache.getSession().chain(session -> lock(session, caller.orgId())
                        .chain(dbNow -> schedules.findInOrgForUpdate(caller.orgId(), id)
                                .chain(entity -> redefine(session, caller, id, entity, patch, paths, now, dbNow)))))
                .onFailure().transform(e -> duplicateName(e, patch.getName()));
    }

    /** The update inside its transaction: merge, validate like a Create, check, write, and its activity row. */
    private Uni<ScheduleView> redefine(Mutiny.Session session, Caller caller, UUID id, ScheduleEntity entity,
            Schedule patch, List<String> paths, Instant now, OffsetDateTime dbNow) {
        if (entity == null) {
            throw ApiErrors.notFound("schedule", List.of(id.toString()));
        }
        ScheduleView before = entity.view();
        Schedule merged = merge(ScheduleProtos.definition(before.spec()), patch, paths);
        Violations v = new Violations();
        ScheduleSpec spec = ScheduleProtos.spec(v, "schedule", merged, true, now);
        v.throwIfAny();
        return checkDevicesAndConflicts(session, caller.orgId(), id, spec)
                .chain(() -> {
                    entity.define(spec, dbNow);
                    return session.flush();
                })
                .map(flushed -> entity.view())
                .call(after -> ActivityLog.record(session, caller, "schedule_updated", null, null,
                        summary(after).put("fields", new JsonArray(new ArrayList<>(paths)))
                                .put("before", definitionJson(before.spec()))
                                .put("after", definitionJson(after.spec()))));
    }

    /** A soft delete (see {@link ScheduleEntity}): a window in progress still gets its revert. */
    public Uni<Void> delete(Caller caller, UUID id) {
        return Panache.withTransaction(() -> Panache.getSession().chain(session -> lock(session, caller.orgId())
                .chain(dbNow -> schedules.findInOrg(caller.orgId(), id).chain(entity -> {
                    if (entity == null) {
                        throw ApiErrors.notFound("schedule", List.of(id.toString()));
                    }
                    entity.delete(dbNow);
                    return session.flush()
                            .chain(() -> session.createNativeQuery(OPEN_WINDOWS, Long.class).setParameter(1, id)
                                    .getSingleResult())
                            .chain(open -> ActivityLog.record(session, caller, "schedule_deleted", null, null,
                                    new JsonObject().put("schedule_id", id.toString()).put("name", entity.getName())
                                            .put("open_windows", open)));
                }))));
    }

    // ---- helpers --------------------------------------------------------------------------------------------

    /** Takes the organization's schedule lock; the database time of the transaction ({@code now()}). */
    private static Uni<OffsetDateTime> lock(Mutiny.Session session, UUID org) {
        return session.createNativeQuery(ORG_LOCK, OffsetDateTime.class).setParameter(1, org.toString()).getSingleResult();
    }

    /**
     * Unknown identifiers / topology ids → NOT_FOUND; more than 10 000 devices → RESOURCE_EXHAUSTED; then conflicts.
     * Set-based reads of devices and the other schedules, on the session's connection: inside its transaction, after
     * the organization's lock.
     */
    private Uni<Void> checkDevicesAndConflicts(Mutiny.Session session, UUID org, UUID self, ScheduleSpec spec) {
        SqlConnection tx = SessionConnection.of(session);
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
        if (UniqueViolation.in(e, "schedule_org_name_live")) {
            return ApiErrors.nameTaken("schedule", name);
        }
        return e;
    }
}
