package fleet.api.app.schedules;

import fleet.persistence.scope.ScopeJson;
import fleet.api.auth.Caller;
import fleet.domain.schedule.ActionType;
import fleet.domain.schedule.CronWindow;
import fleet.domain.schedule.DailyWindow;
import fleet.domain.schedule.ScheduleAction;
import fleet.domain.schedule.WindowColumns;
import io.vertx.core.json.JsonObject;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.UUID;
import org.hibernate.annotations.Generated;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.annotations.SQLRestriction;
import org.hibernate.type.SqlTypes;

/**
 * A schedule definition ({@code schedule}, V3__schedules.sql), mapped column for column; the table's CHECK constraints
 * stay the authority on what may be stored.
 *
 * <ul>
 *   <li>{@code version} is the {@link Version}: Hibernate bumps it with every UPDATE that changes the definition (and
 *       checks it in the WHERE clause), which is what the schedule processor's parsed-window cache and
 *       {@code schedule_occurrence.schedule_version} rely on.</li>
 *   <li>Deleting is a soft delete, an update like any other ({@link #delete}: deleted_at, disabled, version bumped):
 *       a window in progress still gets its revert and the audit trail keeps pointing at a row. {@link SQLRestriction}
 *       keeps deleted rows out of every entity query; nothing here ever removes a row.</li>
 *   <li>{@code created_at} is the column default, read back after the insert. {@code updated_at} is set by every
 *       mutation to the database time of its transaction (read with the organization's lock), so an update always
 *       writes the row and bumps the version, as the SQL it replaced did. (Hibernate Reactive 3.2 cannot read back a
 *       value the database generates on UPDATE: it takes the RETURNING column for an identifier.)</li>
 * </ul>
 */
@Entity
@Table(name = "schedule")
@SQLRestriction("deleted_at IS NULL")
public class ScheduleEntity {

    @Id
    @GeneratedValue(strategy = GenerationType.UUID)
    private UUID id;

    @Column(name = "org_id", nullable = false, updatable = false)
    private UUID orgId;

    @Column(nullable = false)
    private String name;

    /**
     * {@link ScopeJson#encode} as JSON text in the {@code jsonb} column (the schema checks its {@code kind}). Text, not
     * a Vert.x {@link JsonObject}: Hibernate's JSON mapping hands a JsonObject to Jackson, which writes it as a bean
     * ({@code {"map": …, "empty": false}}), while a String passes through as the document itself.
     */
    @JdbcTypeCode(SqlTypes.JSON)
    @Column(nullable = false)
    private String selector;

    @Column(name = "action_type", nullable = false)
    private String actionType;

    @Column(name = "action_power_w")
    private Integer actionPowerW;

    @Column(name = "revert_type", nullable = false)
    private String revertType;

    @Column(name = "revert_power_w")
    private Integer revertPowerW;

    @Column(name = "time_zone", nullable = false)
    private String timeZone;

    @Column(name = "window_kind", nullable = false)
    private String windowKind;

    @Column(name = "start_time")
    private LocalTime startTime;

    @Column(name = "end_time")
    private LocalTime endTime;

    @Column(name = "days_mask")
    private Short daysMask;

    @Column(name = "cron_expression")
    private String cronExpression;

    @Column(name = "duration_sec")
    private Integer durationSec;

    @Column(nullable = false)
    private int priority;

    @Column(nullable = false)
    private boolean enabled;

    @Column(name = "created_by_user_id", nullable = false, updatable = false)
    private UUID createdByUserId;

    @Column(name = "created_actor_type", nullable = false, updatable = false)
    private String createdActorType;

    @Column(name = "created_actor_id", nullable = false, updatable = false)
    private String createdActorId;

    @Version
    @Column(nullable = false)
    private long version;

    @Generated
    @Column(name = "created_at", insertable = false, updatable = false)
    private OffsetDateTime createdAt;

    @Column(name = "updated_at", nullable = false)
    private OffsetDateTime updatedAt;

    @Column(name = "deleted_at")
    private OffsetDateTime deletedAt;

    protected ScheduleEntity() {
    }

    /** A new schedule of the caller's organization, created by the caller at {@code now} (database time). */
    static ScheduleEntity create(Caller caller, ScheduleSpec spec, OffsetDateTime now) {
        ScheduleEntity s = new ScheduleEntity();
        s.orgId = caller.orgId();
        s.createdByUserId = caller.userId();
        s.createdActorType = caller.actorType();
        s.createdActorId = caller.actorId();
        s.version = 1; // the schema's first version (CHECK version >= 1): Hibernate seeds only a null or negative one
        s.define(spec, now);
        return s;
    }

    /** Replaces the definition at {@code now} (database time). */
    void define(ScheduleSpec spec, OffsetDateTime now) {
        updatedAt = now;
        name = spec.name();
        selector = ScopeJson.encode(spec.selector()).encode();
        actionType = spec.action().type().dbName();
        actionPowerW = spec.action().powerTargetW();
        revertType = spec.revert().type().dbName();
        revertPowerW = spec.revert().powerTargetW();
        timeZone = spec.zone().getId();
        if (spec.window() instanceof DailyWindow d) {
            windowKind = WindowColumns.DAILY;
            startTime = d.start();
            endTime = d.end();
            daysMask = WindowColumns.mask(d.days());
            cronExpression = null;
            durationSec = null;
        } else {
            CronWindow c = (CronWindow) spec.window();
            windowKind = WindowColumns.CRON;
            startTime = null;
            endTime = null;
            daysMask = null;
            cronExpression = c.expression();
            durationSec = (int) c.duration().toSeconds();
        }
        priority = spec.priority();
        enabled = spec.enabled();
    }

    /** The soft delete at {@code now} (database time): the schema wants a deleted schedule disabled. */
    void delete(OffsetDateTime now) {
        deletedAt = now;
        updatedAt = now;
        enabled = false;
    }

    ScheduleSpec spec() {
        return new ScheduleSpec(name, ScopeJson.decode(new JsonObject(selector)), action(actionType, actionPowerW),
                action(revertType, revertPowerW), ZoneId.of(timeZone),
                WindowColumns.window(windowKind, startTime, endTime, daysMask == null ? null : daysMask.intValue(),
                        cronExpression, durationSec),
                priority, enabled);
    }

    ScheduleView view() {
        return new ScheduleView(id, spec(), version, createdAt, updatedAt);
    }

    UUID getId() {
        return id;
    }

    String getName() {
        return name;
    }

    private static ScheduleAction action(String type, Integer watts) {
        return new ScheduleAction(ActionType.fromDb(type).orElseThrow(), watts);
    }
}
