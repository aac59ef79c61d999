-- Operator commands (SPEC §7.4): what the executor needs for per-device ordering, claims and batch completion,
-- and the bounds of the API as CHECKs. Expand-only (D9): a reconciler of the previous release keeps working.

-- Which replica last claimed the command (diagnostics; claims themselves are SKIP LOCKED row locks).
ALTER TABLE operator_command ADD COLUMN claimed_by text CHECK (claimed_by IS NULL OR length(claimed_by) <= 128);

-- A command is finished exactly when it is in a terminal state.
ALTER TABLE operator_command ADD CONSTRAINT operator_command_finished_iff_terminal
    CHECK ((state IN ('SUCCEEDED', 'FAILED', 'BLOCKED_BY_CURTAILMENT', 'UNSUPPORTED')) = (finished_at IS NOT NULL));

-- SetPowerTarget carries its wattage within the API's bounds (100..20 000 W).
ALTER TABLE operator_command ADD CONSTRAINT operator_command_power_target
    CHECK (command_type <> 'SET_POWER_TARGET'
           OR CASE WHEN jsonb_typeof(params -> 'power_target_w') = 'number'
                   THEN (params ->> 'power_target_w')::numeric BETWEEN 100 AND 20000
                   ELSE false END);

-- Per-device ordering: "is there an older unfinished command of this device?" and "is one running?".
CREATE INDEX operator_command_device_open ON operator_command (device_id, seq)
    WHERE state IN ('QUEUED', 'RETRY_WAIT', 'RUNNING');

-- Batch completion: "does this batch still have an open command?" without scanning the whole batch.
CREATE INDEX operator_command_batch_open ON operator_command (batch_id)
    WHERE state IN ('QUEUED', 'RETRY_WAIT', 'RUNNING');

-- ListActivity filtered by type, newest first.
CREATE INDEX activity_log_org_type_time ON activity_log (org_id, type, occurred_at DESC, id DESC);
