-- Fleet curtailment schema, SPEC §5.
-- Conventions:
--  * every row carries org_id; child rows reference parents by (org_id, id) so a row can never point at
--    another organization's row;
--  * every state/enum column and every bound of the API is also a CHECK here, so a bug in any service
--    cannot store a value the API would refuse;
--  * event and target states are smallints carrying the wire numbers of the v1 contract (§6.2/§6.3).

CREATE TABLE organization (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    name        text NOT NULL UNIQUE CHECK (length(btrim(name)) BETWEEN 1 AND 128),
    created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE curtailment_org_config (
    org_id                        uuid PRIMARY KEY REFERENCES organization (id) ON DELETE CASCADE,
    default_max_duration_sec      integer NOT NULL DEFAULT 14400 CHECK (default_max_duration_sec BETWEEN 1 AND 604800),
    candidate_min_power_w         integer NOT NULL DEFAULT 1500 CHECK (candidate_min_power_w BETWEEN 1 AND 10000000),
    telemetry_freshness_sec       integer NOT NULL DEFAULT 180 CHECK (telemetry_freshness_sec BETWEEN 1 AND 86400),
    curtail_confirm_timeout_sec   integer NOT NULL DEFAULT 30 CHECK (curtail_confirm_timeout_sec BETWEEN 1 AND 3600),
    restore_confirm_timeout_sec   integer NOT NULL DEFAULT 120 CHECK (restore_confirm_timeout_sec BETWEEN 1 AND 3600),
    curtail_retry_budget          integer NOT NULL DEFAULT 5 CHECK (curtail_retry_budget BETWEEN 1 AND 100),
    restore_retry_budget          integer NOT NULL DEFAULT 10 CHECK (restore_retry_budget BETWEEN 1 AND 100),
    updated_at                    timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE app_user (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    org_id      uuid NOT NULL REFERENCES organization (id) ON DELETE CASCADE,
    email       text NOT NULL CHECK (length(btrim(email)) BETWEEN 1 AND 254),
    role        text NOT NULL CHECK (role IN ('ADMIN', 'OPERATOR', 'VIEWER')),
    disabled    boolean NOT NULL DEFAULT false,
    created_at  timestamptz NOT NULL DEFAULT now(),
    UNIQUE (org_id, id),
    UNIQUE (org_id, email)
);

-- API keys: fk_<key_id>_<secret>; only SHA-256(secret) is stored.
CREATE TABLE api_key (
    key_id         text PRIMARY KEY CHECK (key_id ~ '^[a-z0-9]{12,32}$'),
    org_id         uuid NOT NULL,
    user_id        uuid NOT NULL,
    role           text NOT NULL CHECK (role IN ('ADMIN', 'OPERATOR', 'VIEWER')),
    actor_type     text NOT NULL DEFAULT 'api_key' CHECK (actor_type IN ('api_key', 'automation')),
    name           text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 128),
    secret_sha256  bytea NOT NULL CHECK (length(secret_sha256) = 32),
    created_at     timestamptz NOT NULL DEFAULT now(),
    revoked_at     timestamptz,
    last_used_at   timestamptz,
    FOREIGN KEY (org_id, user_id) REFERENCES app_user (org_id, id) ON DELETE CASCADE
);
CREATE INDEX api_key_org ON api_key (org_id);

CREATE TABLE site (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    org_id      uuid NOT NULL REFERENCES organization (id) ON DELETE CASCADE,
    name        text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 128),
    created_at  timestamptz NOT NULL DEFAULT now(),
    UNIQUE (org_id, id),
    UNIQUE (org_id, name)
);

CREATE TABLE building (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    org_id      uuid NOT NULL,
    site_id     uuid NOT NULL,
    name        text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 128),
    created_at  timestamptz NOT NULL DEFAULT now(),
    UNIQUE (org_id, id),
    UNIQUE (org_id, site_id, id),
    UNIQUE (site_id, name),
    FOREIGN KEY (org_id, site_id) REFERENCES site (org_id, id) ON DELETE CASCADE
);

CREATE TABLE rack (
    id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    org_id       uuid NOT NULL,
    building_id  uuid NOT NULL,
    name         text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 128),
    created_at   timestamptz NOT NULL DEFAULT now(),
    UNIQUE (org_id, id),
    UNIQUE (org_id, building_id, id),
    UNIQUE (building_id, name),
    FOREIGN KEY (org_id, building_id) REFERENCES building (org_id, id) ON DELETE CASCADE
);

CREATE TABLE device_group (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    org_id      uuid NOT NULL REFERENCES organization (id) ON DELETE CASCADE,
    name        text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 128),
    created_at  timestamptz NOT NULL DEFAULT now(),
    UNIQUE (org_id, id),
    UNIQUE (org_id, name)
);

CREATE TABLE device (
    id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    org_id        uuid NOT NULL REFERENCES organization (id) ON DELETE CASCADE,
    identifier    text NOT NULL CHECK (identifier ~ '^[A-Za-z0-9._:-]{1,128}$'),
    host          text NOT NULL CHECK (length(host) BETWEEN 1 AND 253),
    port          integer NOT NULL CHECK (port BETWEEN 1 AND 65535),
    driver        text NOT NULL CHECK (driver IN ('luxos', 'cgminer')),
    model         text CHECK (model IS NULL OR length(model) <= 128),
    site_id       uuid,
    building_id   uuid,
    rack_id       uuid,
    maintenance   boolean NOT NULL DEFAULT false,
    -- capability flags of the driver (SPEC §7.1), refined by firmware detection
    capabilities  text[] NOT NULL DEFAULT '{}'
                  CHECK (capabilities <@ ARRAY['curtail_full', 'curtail_efficiency', 'power_target',
                                               'power_reported', 'reboot', 'mining_start_stop']::text[]),
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    UNIQUE (org_id, id),
    UNIQUE (org_id, identifier),
    CHECK (building_id IS NULL OR site_id IS NOT NULL),
    CHECK (rack_id IS NULL OR building_id IS NOT NULL),
    FOREIGN KEY (org_id, site_id) REFERENCES site (org_id, id),
    -- a building must belong to the device's site, a rack to its building
    FOREIGN KEY (org_id, site_id, building_id) REFERENCES building (org_id, site_id, id),
    FOREIGN KEY (org_id, building_id, rack_id) REFERENCES rack (org_id, building_id, id)
);
CREATE INDEX device_org_site ON device (org_id, site_id) WHERE site_id IS NOT NULL;
CREATE INDEX device_org_building ON device (org_id, building_id) WHERE building_id IS NOT NULL;
CREATE INDEX device_org_rack ON device (org_id, rack_id) WHERE rack_id IS NOT NULL;

CREATE TABLE device_group_member (
    org_id     uuid NOT NULL,
    group_id   uuid NOT NULL,
    device_id  uuid NOT NULL,
    PRIMARY KEY (group_id, device_id),
    FOREIGN KEY (org_id, group_id) REFERENCES device_group (org_id, id) ON DELETE CASCADE,
    FOREIGN KEY (org_id, device_id) REFERENCES device (org_id, id) ON DELETE CASCADE
);
CREATE INDEX device_group_member_device ON device_group_member (device_id);

-- One row per device: the latest poll. History is exported as metrics, not kept here.
CREATE TABLE device_telemetry_latest (
    device_id             uuid PRIMARY KEY REFERENCES device (id) ON DELETE CASCADE,
    org_id                uuid NOT NULL,
    sampled_at            timestamptz NOT NULL,
    status                text NOT NULL CHECK (status IN ('MINING', 'SLEEPING', 'UNREACHABLE', 'AUTH_FAILED',
                                                         'UPDATING', 'REBOOTING', 'NO_POOL', 'STOPPED',
                                                         'STARTING', 'ERROR')),
    power_w               double precision CHECK (power_w IS NULL OR power_w >= 0),
    power_source          text NOT NULL DEFAULT 'NONE'
                          CHECK (power_source IN ('MEASURED_PSU', 'FIRMWARE_ESTIMATE', 'NAMEPLATE_ESTIMATE', 'NONE')),
    hashrate_ths          double precision CHECK (hashrate_ths IS NULL OR hashrate_ths >= 0),
    efficiency_j_per_th   double precision CHECK (efficiency_j_per_th IS NULL OR efficiency_j_per_th > 0),
    firmware              text,
    model                 text,
    last_error            text,
    consecutive_failures  integer NOT NULL DEFAULT 0 CHECK (consecutive_failures >= 0),
    last_success_at       timestamptz,
    FOREIGN KEY (org_id, device_id) REFERENCES device (org_id, id) ON DELETE CASCADE
);

CREATE TABLE curtailment_event (
    id                          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    org_id                      uuid NOT NULL REFERENCES organization (id) ON DELETE CASCADE,
    -- 1 PENDING, 2 ACTIVE, 3 RESTORING, 4 COMPLETED, 5 COMPLETED_WITH_FAILURES, 6 CANCELLED, 7 FAILED
    state                       smallint NOT NULL CHECK (state BETWEEN 1 AND 7),
    mode                        smallint NOT NULL CHECK (mode IN (1, 2)),   -- FIXED_KW, FULL_FLEET
    level                       smallint NOT NULL CHECK (level = 2),        -- FULL (EFFICIENCY reserved)
    priority                    smallint NOT NULL CHECK (priority IN (1, 2)),
    reason                      text NOT NULL CHECK (length(btrim(reason)) >= 1 AND length(reason) <= 256),
    scope                       jsonb NOT NULL,
    target_kw                   double precision,
    tolerance_kw                double precision,
    max_duration_sec            integer CHECK (max_duration_sec IS NULL OR max_duration_sec BETWEEN 1 AND 604800),
    allow_unbounded             boolean NOT NULL DEFAULT false,
    min_curtailed_duration_sec  integer NOT NULL DEFAULT 0 CHECK (min_curtailed_duration_sec BETWEEN 0 AND 604800),
    restore_batch_size          integer NOT NULL DEFAULT 0 CHECK (restore_batch_size BETWEEN 0 AND 10000),
    restore_batch_interval_sec  integer NOT NULL DEFAULT 0 CHECK (restore_batch_interval_sec BETWEEN 0 AND 3600),
    curtail_batch_size          integer NOT NULL DEFAULT 0 CHECK (curtail_batch_size BETWEEN 0 AND 10000),
    curtail_batch_interval_sec  integer NOT NULL DEFAULT 0 CHECK (curtail_batch_interval_sec BETWEEN 0 AND 3600),
    post_event_cooldown_sec     integer NOT NULL DEFAULT 0 CHECK (post_event_cooldown_sec BETWEEN 0 AND 86400),
    include_maintenance         boolean NOT NULL DEFAULT false,
    candidate_min_power_w       integer NOT NULL CHECK (candidate_min_power_w BETWEEN 1 AND 10000000),
    idempotency_key             text CHECK (idempotency_key IS NULL OR length(idempotency_key) BETWEEN 1 AND 256),
    external_source             text CHECK (external_source IS NULL OR length(external_source) BETWEEN 1 AND 256),
    external_reference          text CHECK (external_reference IS NULL OR length(external_reference) BETWEEN 1 AND 256),
    request_fingerprint         text NOT NULL,
    source_actor_type           text NOT NULL CHECK (source_actor_type IN ('user', 'api_key', 'automation', 'scheduler')),
    source_actor_id             text NOT NULL CHECK (length(source_actor_id) BETWEEN 1 AND 128),
    created_by_user_id          uuid NOT NULL,
    estimated_reduction_kw      double precision NOT NULL DEFAULT 0 CHECK (estimated_reduction_kw >= 0),
    target_count                integer NOT NULL DEFAULT 0 CHECK (target_count >= 0),
    created_at                  timestamptz NOT NULL DEFAULT now(),
    updated_at                  timestamptz NOT NULL DEFAULT now(),
    first_dispatched_at         timestamptz,
    started_at                  timestamptz,
    restore_started_at          timestamptz,
    restore_initiated_by        text CHECK (restore_initiated_by IS NULL OR restore_initiated_by IN
                                            ('user', 'api_key', 'automation', 'scheduler', 'system')),
    next_wave_at                timestamptz,
    current_wave                integer NOT NULL DEFAULT 0 CHECK (current_wave >= 0),
    last_curtail_batch_at       timestamptz,
    ended_at                    timestamptz,
    end_reason                  text CHECK (end_reason IS NULL OR length(end_reason) <= 256),
    -- fencing token (SPEC §6.1): bumped on every claim; every reconciler write is conditional on it
    lease_epoch                 bigint NOT NULL DEFAULT 0 CHECK (lease_epoch >= 0),
    lease_owner                 text,
    lease_claimed_at            timestamptz,
    UNIQUE (org_id, id),
    FOREIGN KEY (org_id, created_by_user_id) REFERENCES app_user (org_id, id),
    CHECK ((mode = 1 AND target_kw > 0 AND target_kw <= 10000000 AND tolerance_kw >= 0 AND tolerance_kw < target_kw)
        OR (mode = 2 AND target_kw IS NULL AND tolerance_kw IS NULL)),
    CHECK (NOT allow_unbounded OR max_duration_sec IS NULL),
    CHECK (allow_unbounded OR max_duration_sec IS NOT NULL),
    CHECK (curtail_batch_interval_sec = 0 OR curtail_batch_size > 0),
    CHECK ((external_source IS NULL) = (external_reference IS NULL)),
    CHECK ((state IN (4, 5, 6, 7)) = (ended_at IS NOT NULL))
);
-- Idempotency handles are unique per org among non-terminal events (keys are reusable afterwards).
CREATE UNIQUE INDEX curtailment_event_idempotency_live ON curtailment_event (org_id, idempotency_key)
    WHERE idempotency_key IS NOT NULL AND state IN (1, 2, 3);
CREATE UNIQUE INDEX curtailment_event_external_ref_live ON curtailment_event (org_id, external_source, external_reference)
    WHERE external_source IS NOT NULL AND state IN (1, 2, 3);
CREATE INDEX curtailment_event_org_created ON curtailment_event (org_id, created_at DESC, id DESC);
CREATE INDEX curtailment_event_live ON curtailment_event (state) WHERE state IN (1, 2, 3);

CREATE TABLE curtailment_target (
    id                       bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    event_id                 uuid NOT NULL,
    org_id                   uuid NOT NULL,
    device_id                uuid NOT NULL,
    -- 1 PENDING 2 DISPATCHED 3 CONFIRMED 4 DRIFTED 5 RESOLVED 6 RELEASED 7 RESTORE_FAILED
    -- 8 DISPATCHING 9 UNAVAILABLE 10 CURTAIL_FAILED
    state                    smallint NOT NULL CHECK (state BETWEEN 1 AND 10),
    desired_state            smallint NOT NULL CHECK (desired_state IN (1, 2)),  -- CURTAILED, ACTIVE
    rank                     integer NOT NULL CHECK (rank >= 1),
    baseline_power_w         double precision CHECK (baseline_power_w IS NULL OR baseline_power_w > 0),
    baseline_hashrate_ths    double precision CHECK (baseline_hashrate_ths IS NULL OR baseline_hashrate_ths >= 0),
    pre_curtail_snapshot     jsonb,
    retry_count              integer NOT NULL DEFAULT 0 CHECK (retry_count >= 0),
    last_error               text,
    next_attempt_at          timestamptz,
    command_sent_at          timestamptz,
    wave                     integer NOT NULL DEFAULT 0 CHECK (wave >= 0),
    last_observed_at         timestamptz,
    last_power_w             double precision,
    last_hashrate_ths        double precision,
    curtail_dispatched_at    timestamptz,
    curtail_completed_at     timestamptz,
    curtail_retries          integer NOT NULL DEFAULT 0 CHECK (curtail_retries >= 0),
    curtail_failures         integer NOT NULL DEFAULT 0 CHECK (curtail_failures >= 0),
    curtail_last_error       text,
    restore_dispatched_at    timestamptz,
    restore_completed_at     timestamptz,
    restore_retries          integer NOT NULL DEFAULT 0 CHECK (restore_retries >= 0),
    restore_failures         integer NOT NULL DEFAULT 0 CHECK (restore_failures >= 0),
    restore_last_error       text,
    resolved_at              timestamptz,
    updated_at               timestamptz NOT NULL DEFAULT now(),
    UNIQUE (event_id, device_id),
    FOREIGN KEY (org_id, event_id) REFERENCES curtailment_event (org_id, id) ON DELETE CASCADE,
    FOREIGN KEY (org_id, device_id) REFERENCES device (org_id, id)
);
-- A device has at most one live target (SPEC §5): RESOLVED, RELEASED and RESTORE_FAILED free it.
CREATE UNIQUE INDEX curtailment_target_one_live_per_device ON curtailment_target (device_id)
    WHERE state NOT IN (5, 6, 7);
CREATE INDEX curtailment_target_event_state ON curtailment_target (event_id, state);
CREATE INDEX curtailment_target_device_resolved ON curtailment_target (device_id, resolved_at DESC)
    WHERE resolved_at IS NOT NULL;

CREATE TABLE operator_command (
    id                  uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    seq                 bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
    org_id              uuid NOT NULL,
    batch_id            uuid NOT NULL,
    device_id           uuid NOT NULL,
    command_type        text NOT NULL CHECK (command_type IN ('REBOOT', 'SET_POWER_TARGET', 'START_MINING', 'STOP_MINING')),
    params              jsonb NOT NULL DEFAULT '{}'::jsonb,
    state               text NOT NULL CHECK (state IN ('QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED',
                                                        'BLOCKED_BY_CURTAILMENT', 'UNSUPPORTED', 'RETRY_WAIT')),
    actor_type          text NOT NULL CHECK (actor_type IN ('user', 'api_key', 'automation', 'scheduler')),
    actor_id            text NOT NULL,
    reason              text CHECK (reason IS NULL OR length(reason) <= 256),
    attempts            integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    max_attempts        integer NOT NULL DEFAULT 5 CHECK (max_attempts BETWEEN 1 AND 100),
    next_attempt_at     timestamptz NOT NULL DEFAULT now(),
    last_error          text,
    created_at          timestamptz NOT NULL DEFAULT now(),
    started_at          timestamptz,
    finished_at         timestamptz,
    FOREIGN KEY (org_id, device_id) REFERENCES device (org_id, id) ON DELETE CASCADE
);
CREATE INDEX operator_command_open ON operator_command (next_attempt_at, seq)
    WHERE state IN ('QUEUED', 'RETRY_WAIT', 'RUNNING');
CREATE INDEX operator_command_batch ON operator_command (org_id, batch_id);

CREATE TABLE activity_log (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    org_id       uuid NOT NULL REFERENCES organization (id) ON DELETE CASCADE,
    occurred_at  timestamptz NOT NULL DEFAULT now(),
    type         text NOT NULL CHECK (type ~ '^[a-z][a-z0-9_]{2,63}$'),
    actor_type   text NOT NULL CHECK (actor_type IN ('user', 'api_key', 'automation', 'scheduler', 'system', 'curtailment')),
    actor_id     text NOT NULL,
    event_id     uuid,
    device_id    uuid,
    metadata     jsonb NOT NULL DEFAULT '{}'::jsonb
);
CREATE INDEX activity_log_org_time ON activity_log (org_id, occurred_at DESC, id DESC);
CREATE INDEX activity_log_event ON activity_log (event_id) WHERE event_id IS NOT NULL;
CREATE INDEX activity_log_device ON activity_log (device_id) WHERE device_id IS NOT NULL;

-- Reconciler replicas' heartbeats: live replicas = last_seen within the liveness window (DB time).
CREATE TABLE reconciler_member (
    id             text PRIMARY KEY CHECK (length(id) BETWEEN 1 AND 128),
    started_at     timestamptz NOT NULL DEFAULT now(),
    last_seen      timestamptz NOT NULL DEFAULT now(),
    owned_events   integer NOT NULL DEFAULT 0 CHECK (owned_events >= 0),
    owned_shards   integer NOT NULL DEFAULT 0 CHECK (owned_shards >= 0),
    tick_ms        integer NOT NULL DEFAULT 0 CHECK (tick_ms >= 0),
    host           text
);
