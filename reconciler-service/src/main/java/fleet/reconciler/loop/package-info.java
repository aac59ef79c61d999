/**
 * The reconcile loop.
 *
 * <p>Invariants:
 * <ul>
 *   <li>Everything a replica decides runs on one Vert.x context: the safety tick (default 2 s), LISTEN wake-ups,
 *       claims, releases and the scheduling of steps. Miner I/O fans out from there asynchronously.</li>
 *   <li>The loop never dies: a failing tick is logged and retried on the next one; a failing step is logged, counted
 *       ({@code fleet.reconciler.step.outcomes{outcome=error}}) and isolated to its event.</li>
 *   <li>Steps of one event never overlap; a wake-up during a step schedules exactly one more step after it.</li>
 *   <li>Steps are level-based: each re-reads the event and its targets, never trusting what woke it.</li>
 *   <li>Only the lease holder writes, and every write is fenced by the lease epoch
 *       ({@link fleet.reconciler.step.Fencing}); a step that finds itself fenced gives the event up.</li>
 *   <li>On lease-connection loss every owned event is dropped at once and every running step is told to stop
 *       sending (it may still try to write; its writes fail the epoch check once another replica claims).</li>
 * </ul>
 */
package fleet.reconciler.loop;
