/**
 * The schedule processor (SPEC §7.6): runs each window of a schedule exactly once, through the operator-command queue.
 *
 * <p>Invariants:
 * <ul>
 *   <li><b>Claims are row locks in the transaction that does the work</b> ({@code FOR … SKIP LOCKED}): the schedule row
 *       for a window's start, the occurrence row for its end, the pending-revert rows for a deferred revert. There is no
 *       session lease: a replica that dies mid-step loses its transaction, and with it the claim and every row it
 *       wrote, so nothing needs fencing and the next replica to tick does the step.</li>
 *   <li><b>A window starts at most once.</b> The start inserts its {@code schedule_occurrence} row
 *       ({@code UNIQUE (schedule_id, window_start)}) in the same transaction as its commands; a window is started only
 *       while it is in progress, so a replica restarting mid-window starts it late, and one restarting after it ended
 *       does not replay it.</li>
 *   <li><b>A started window is reverted exactly once</b>: the guarded transition {@code revert_state PENDING → DONE}
 *       commits with the revert commands. The revert goes to the devices the start put into the scheduled mode, with the
 *       revert copied into the occurrence when it started.</li>
 *   <li><b>Curtailment wins.</b> A device held by a live curtailment target gets no command: at the start it is skipped
 *       and recorded (one {@code schedule_skipped_due_to_curtailment} row per window and phase); at the end it gets a
 *       {@code schedule_pending_revert} row, sent once the device is free, also when the executor blocked a queued
 *       revert at execution time.</li>
 *   <li><b>Order per device.</b> Reverts (due and deferred) are queued before the next window's action: a window does
 *       not start while an earlier one of its schedule awaits its revert, and a start first sends the schedule's
 *       releasable deferred reverts (waiting for rows another replica is sending).</li>
 *   <li><b>Time.</b> Which window is due comes from the injected clock and the schedule's zone
 *       ({@link fleet.domain.schedule}); instants stored on rows ({@code started_at}, {@code reverted_at},
 *       {@code done_at}) are the database's {@code now()}.</li>
 *   <li><b>Never dies.</b> Each step is isolated: a failure is logged and counted
 *       ({@code fleet.schedules.steps{outcome=error}}) and retried on the next tick.</li>
 * </ul>
 */
package fleet.reconciler.schedules;
