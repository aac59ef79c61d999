-- The audit trail of what touched a miner (D37). Expand-only (D9): a new table and indexes; nothing existing changes
-- meaning, so a reconciler of the previous release keeps working (it simply writes no log rows).
--
-- curtailment_command_log: one row per CURTAIL / RESTORE (uncurtail) command the reconciler sent to a miner and got an
-- answer to (or gave up waiting for), written by the same statement that records the outcome on the target, inside
-- the event's fenced transaction: a fenced (stale epoch) owner records nothing. The event's creator is copied from
-- the event, so a row answers "who asked for this" on its own.
--
-- Retention: rows are kept. An event over N miners writes at least 2N rows (one curtail, one restore each), plus one
-- per retry. Nothing prunes them automatically; an operator may delete old rows by time
-- (DELETE FROM curtailment_command_log WHERE sent_at < now() - interval '…'), which the BRIN index serves cheaply.
CREATE TABLE curtailment_command_log (
    id                  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    org_id              uuid NOT NULL,
    event_id            uuid NOT NULL,
    device_id           uuid NOT NULL,
    action              text NOT NULL CHECK (action IN ('CURTAIL', 'RESTORE')),
    -- the attempt within the target's phase budget: retry_count + 1 when the command was sent (1 = first attempt)
    attempt             integer NOT NULL CHECK (attempt >= 1),
    -- fleet.driver.CommandOutcome.Kind
    outcome             text NOT NULL CHECK (outcome IN ('ACCEPTED', 'ALREADY_IN_STATE', 'REFUSED', 'BUSY', 'UNREACHABLE',
                                                         'TIMEOUT', 'PROTOCOL_ERROR')),
    refusal_reason      text CHECK (refusal_reason IN ('UNSUPPORTED', 'AUTH', 'ACCESS_DENIED', 'REJECTED')),
    -- the firmware's STATUS Code (LuxOS 335 "Curtailment command sent", cgminer 45 "Access denied" …), when it replied
    reply_code          integer,
    -- the firmware's message or the failure (bounded)
    detail              text CHECK (detail IS NULL OR length(detail) <= 512),
    -- the event's creator, copied from curtailment_event
    source_actor_type   text NOT NULL CHECK (source_actor_type IN ('user', 'api_key', 'automation', 'scheduler')),
    source_actor_id     text NOT NULL CHECK (length(source_actor_id) BETWEEN 1 AND 128),
    created_by_user_id  uuid NOT NULL,
    -- the reconciler replica that sent the command
    replica             text NOT NULL CHECK (length(replica) BETWEEN 1 AND 128),
    sent_at             timestamptz NOT NULL,
    finished_at         timestamptz NOT NULL,
    CHECK ((outcome = 'REFUSED') = (refusal_reason IS NOT NULL)),
    CHECK (finished_at >= sent_at),
    FOREIGN KEY (org_id, event_id) REFERENCES curtailment_event (org_id, id) ON DELETE CASCADE,
    FOREIGN KEY (org_id, device_id) REFERENCES device (org_id, id) ON DELETE CASCADE
);
-- A device's history, newest first (ListCommandHistory by device, ListActivity by device).
CREATE INDEX curtailment_command_log_device_time ON curtailment_command_log (org_id, device_id, sent_at DESC, id DESC);
-- An event's commands, newest first (ListCommandHistory by event).
CREATE INDEX curtailment_command_log_event_time ON curtailment_command_log (event_id, sent_at DESC, id DESC);
-- Pruning by age.
CREATE INDEX curtailment_command_log_sent_brin ON curtailment_command_log USING brin (sent_at);

-- A device's operator commands, newest first, merged with the log above by ListCommandHistory.
CREATE INDEX operator_command_device_time ON operator_command (org_id, device_id, created_at DESC, seq DESC);
