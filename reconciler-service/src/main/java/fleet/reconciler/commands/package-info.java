/**
 * The operator-command executor (SPEC §7.4): runs the commands the api-service queued in {@code operator_command}.
 *
 * <p>Invariants:
 * <ul>
 *   <li><b>No advisory locks.</b> A command is claimed by one set-based {@code UPDATE … WHERE id IN (SELECT … FOR
 *       UPDATE SKIP LOCKED)}: two replicas never claim the same row, and a claim is a committed state (RUNNING, with
 *       {@code attempts} bumped as the claim token and {@code next_attempt_at} pushed to the visibility deadline), not a
 *       session. A replica that dies mid-command leaves a RUNNING row that becomes due again when the visibility
 *       timeout passes and is re-run (commands are idempotent at the miner); a late result of the abandoned attempt
 *       fails its token guard ({@code state = 'RUNNING' AND attempts = token}) and changes nothing.</li>
 *   <li><b>Per-device order.</b> Only the oldest unfinished command of a device (by {@code seq}) is eligible, and
 *       none while another command of the device is RUNNING; a RETRY_WAIT command therefore holds back the device's
 *       later commands until it ends. One device never runs two commands at once, across all replicas.</li>
 *   <li><b>Curtailment filter at execution.</b> The claim statement itself re-checks for a live curtailment target:
 *       such a command ends BLOCKED_BY_CURTAILMENT (with a {@code command_blocked_by_curtailment} activity row in the
 *       same statement) and its miner never sees it.</li>
 *   <li><b>Outcomes.</b> ACCEPTED / ALREADY_IN_STATE → SUCCEEDED; REFUSED → FAILED (UNSUPPORTED when the firmware
 *       lacks the verb), never retried; BUSY, UNREACHABLE, TIMEOUT, PROTOCOL_ERROR → RETRY_WAIT with exponential
 *       backoff in {@code next_attempt_at}, FAILED once {@code max_attempts} attempts were made.</li>
 *   <li><b>Set-based.</b> Claims and result writes are a constant number of statements per round, whatever the number
 *       of commands; exactly one {@code operator_command_finished} activity row is written per batch, when its last
 *       command ends (finishers serialise on a transaction-scoped advisory lock on the batch).</li>
 *   <li><b>Wake-ups.</b> A dedicated session (a Vert.x {@code PgSubscriber}, never the lease connection) LISTENs on
 *       {@code operator_command_work} and is re-opened one poll interval after it is lost; the 1 s poll is the safety
 *       net. Times compared across processes are the database's {@code now()}.</li>
 *   <li><b>Never dies.</b> A failed claim or result write is logged and retried on the next tick; results that could
 *       not be written are kept and re-sent.</li>
 * </ul>
 */
package fleet.reconciler.commands;
