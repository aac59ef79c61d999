-- Schedules (SPEC §7.6): recurring operator commands that respect curtailment. Expand-only (D9): nothing existing
-- changes meaning, so a reconciler of the previous release keeps working.
--
-- Model:
--  * schedule: the definition (selector, action, window in a time zone, revert, priority). Deleting is a soft delete
--    (deleted_at): a window in progress still gets its revert, and the audit trail keeps pointing at a row.
--  * schedule_occurrence: one row per window that was started, inserted by the schedule processor in the same
--    transaction that queues the window's action; UNIQUE (schedule_id, window_start) means a window starts at most once,
--    whichever replica and however often it restarts. The revert is a guarded transition PENDING → DONE | NOT_NEEDED.
--    The action and revert are copied from the schedule, so changing the schedule never changes a started window.
--  * schedule_pending_revert: a revert a device did not get because a live curtailment held it (at the window's end,
--    or when the command executor blocked the revert command at execution); sent once the device is free again.
--
-- Bounds mirror fleet.domain.schedule.ScheduleBounds and the API contract (schedules.proto).

CREATE TABLE schedule (
    id                  uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    org_id              uuid NOT NULL REFERENCES organization (id) ON DELETE CASCADE,
    name                text NOT NULL CHECK (length(btrim(name)) >= 1 AND length(name) <= 128),
    -- the device selector in the api-service's ScopeSpec JSON form:
    --   {"kind": "device_identifiers", "identifiers": ["a", ...]} or {"kind": "site_ids", "ids": ["<uuid>", ...]}
    --   (likewise building_ids, rack_ids, group_ids); resolved each time an action runs
    selector            jsonb NOT NULL CHECK (jsonb_typeof(selector) = 'object' AND selector ->> 'kind' IN
                            ('device_identifiers', 'site_ids', 'building_ids', 'rack_ids', 'group_ids')),
    action_type         text NOT NULL CHECK (action_type IN ('SET_POWER_TARGET', 'STOP_MINING', 'START_MINING')),
    action_power_w      integer CHECK (action_power_w BETWEEN 100 AND 20000),
    revert_type         text NOT NULL CHECK (revert_type IN ('SET_POWER_TARGET', 'STOP_MINING', 'START_MINING')),
    revert_power_w      integer CHECK (revert_power_w BETWEEN 100 AND 20000),
    -- an IANA zone id, validated by the API against the JVM's zone database
    time_zone           text NOT NULL CHECK (time_zone ~ '^[A-Za-z][A-Za-z0-9_+/-]{0,63}$'),
    window_kind         text NOT NULL CHECK (window_kind IN ('DAILY', 'CRON')),
    -- DAILY: local start and end (minute precision; end < start = ends the next day) and the days it starts on, as
    -- a bit mask (bit 0 = Monday … bit 6 = Sunday, ISO order)
    start_time          time,
    end_time            time,
    days_mask           smallint,
    -- CRON: a five-field Unix expression for the start, and the window's length in seconds
    cron_expression     text,
    duration_sec        integer,
    priority            integer NOT NULL CHECK (priority BETWEEN 0 AND 1000),
    enabled             boolean NOT NULL DEFAULT true,
    created_by_user_id  uuid NOT NULL,
    created_actor_type  text NOT NULL CHECK (created_actor_type IN ('user', 'api_key', 'automation')),
    created_actor_id    text NOT NULL CHECK (length(created_actor_id) BETWEEN 1 AND 128),
    -- bumped by every update; an occurrence records the version it started with
    version             bigint NOT NULL DEFAULT 1 CHECK (version >= 1),
    created_at          timestamptz NOT NULL DEFAULT now(),
    updated_at          timestamptz NOT NULL DEFAULT now(),
    deleted_at          timestamptz,
    UNIQUE (org_id, id),
    FOREIGN KEY (org_id, created_by_user_id) REFERENCES app_user (org_id, id),
    CHECK ((action_type = 'SET_POWER_TARGET') = (action_power_w IS NOT NULL)),
    CHECK ((revert_type = 'SET_POWER_TARGET') = (revert_power_w IS NOT NULL)),
    CHECK ((window_kind = 'DAILY'
                AND start_time IS NOT NULL AND end_time IS NOT NULL AND start_time <> end_time
                AND extract(second FROM start_time) = 0 AND extract(second FROM end_time) = 0
                AND days_mask BETWEEN 1 AND 127
                AND cron_expression IS NULL AND duration_sec IS NULL)
        OR (window_kind = 'CRON'
                AND cron_expression IS NOT NULL AND length(btrim(cron_expression)) >= 1 AND length(cron_expression) <= 128
                AND duration_sec BETWEEN 60 AND 604800
                AND start_time IS NULL AND end_time IS NULL AND days_mask IS NULL)),
    -- a deleted schedule never starts a window again
    CHECK (deleted_at IS NULL OR NOT enabled)
);
-- names are unique among an organization's schedules that are not deleted (a deleted name can be reused)
CREATE UNIQUE INDEX schedule_org_name_live ON schedule (org_id, name) WHERE deleted_at IS NULL;
-- the processor's scan and the API's conflict check
CREATE INDEX schedule_enabled ON schedule (org_id, priority) WHERE enabled AND deleted_at IS NULL;

CREATE TABLE schedule_occurrence (
    id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    org_id            uuid NOT NULL,
    schedule_id       uuid NOT NULL,
    schedule_version  bigint NOT NULL CHECK (schedule_version >= 1),
    window_start      timestamptz NOT NULL,
    window_end        timestamptz NOT NULL,
    -- what the window started with (copied from the schedule)
    action_type       text NOT NULL CHECK (action_type IN ('SET_POWER_TARGET', 'STOP_MINING', 'START_MINING')),
    action_power_w    integer CHECK (action_power_w BETWEEN 100 AND 20000),
    revert_type       text NOT NULL CHECK (revert_type IN ('SET_POWER_TARGET', 'STOP_MINING', 'START_MINING')),
    revert_power_w    integer CHECK (revert_power_w BETWEEN 100 AND 20000),
    -- QUEUED: the action was queued for at least one device (devices lacking the capability are recorded as
    -- UNSUPPORTED commands); SKIPPED: every selected device was held by a live curtailment; NO_DEVICES: the selector
    -- resolved to no device
    start_state       text NOT NULL CHECK (start_state IN ('QUEUED', 'SKIPPED', 'NO_DEVICES')),
    start_batch_id    uuid,
    start_queued      integer NOT NULL DEFAULT 0 CHECK (start_queued >= 0),
    start_unsupported integer NOT NULL DEFAULT 0 CHECK (start_unsupported >= 0),
    start_skipped     integer NOT NULL DEFAULT 0 CHECK (start_skipped >= 0),
    started_at        timestamptz NOT NULL DEFAULT now(),
    -- PENDING until the window's end has been handled; DONE: the revert was queued and/or deferred per device;
    -- NOT_NEEDED: no device received the action
    revert_state      text NOT NULL CHECK (revert_state IN ('PENDING', 'DONE', 'NOT_NEEDED')),
    revert_batch_id   uuid,
    revert_queued     integer NOT NULL DEFAULT 0 CHECK (revert_queued >= 0),
    revert_deferred   integer NOT NULL DEFAULT 0 CHECK (revert_deferred >= 0),
    reverted_at       timestamptz,
    -- the replica that last wrote the row (diagnostics only: claims are row locks)
    last_writer       text CHECK (last_writer IS NULL OR length(last_writer) <= 128),
    UNIQUE (org_id, id),
    UNIQUE (schedule_id, window_start),
    FOREIGN KEY (org_id, schedule_id) REFERENCES schedule (org_id, id) ON DELETE CASCADE,
    CHECK (window_end > window_start),
    CHECK ((action_type = 'SET_POWER_TARGET') = (action_power_w IS NOT NULL)),
    CHECK ((revert_type = 'SET_POWER_TARGET') = (revert_power_w IS NOT NULL)),
    CHECK ((start_state = 'QUEUED') = (start_batch_id IS NOT NULL)),
    CHECK ((revert_state = 'PENDING') = (reverted_at IS NULL))
);
-- windows whose end still has to be handled
CREATE INDEX schedule_occurrence_open ON schedule_occurrence (window_end) WHERE revert_state = 'PENDING';

CREATE TABLE schedule_pending_revert (
    id                  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    org_id              uuid NOT NULL,
    schedule_id         uuid NOT NULL,
    occurrence_id       bigint NOT NULL,
    device_id           uuid NOT NULL,
    -- the curtailment event that held the device (NULL when it had already ended when the block was noticed)
    blocking_event_id   uuid,
    -- set when the executor blocked one of our revert commands at execution time (BLOCKED_BY_CURTAILMENT)
    blocked_command_id  uuid UNIQUE,
    created_at          timestamptz NOT NULL DEFAULT now(),
    -- when the revert was queued (in batch command_batch_id)
    done_at             timestamptz,
    command_batch_id    uuid,
    FOREIGN KEY (org_id, schedule_id) REFERENCES schedule (org_id, id) ON DELETE CASCADE,
    FOREIGN KEY (org_id, occurrence_id) REFERENCES schedule_occurrence (org_id, id) ON DELETE CASCADE,
    FOREIGN KEY (org_id, device_id) REFERENCES device (org_id, id) ON DELETE CASCADE,
    FOREIGN KEY (org_id, blocking_event_id) REFERENCES curtailment_event (org_id, id) ON DELETE SET NULL (blocking_event_id),
    CHECK ((done_at IS NULL) = (command_batch_id IS NULL))
);
-- one open pending revert per device and window
CREATE UNIQUE INDEX schedule_pending_revert_open ON schedule_pending_revert (occurrence_id, device_id)
    WHERE done_at IS NULL;
CREATE INDEX schedule_pending_revert_device_open ON schedule_pending_revert (device_id) WHERE done_at IS NULL;
CREATE INDEX schedule_pending_revert_schedule_open ON schedule_pending_revert (schedule_id) WHERE done_at IS NULL;

-- The processor looks for its revert commands that the executor blocked at execution (a curtailment began between
-- queueing and execution): a small partial index over operator_command for that.
CREATE INDEX operator_command_scheduler_blocked ON operator_command (finished_at)
    WHERE actor_type = 'scheduler' AND state = 'BLOCKED_BY_CURTAILMENT';
