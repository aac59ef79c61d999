package fleet.persistence.auditfixture;

import fleet.domain.state.EventState;
import fleet.persistence.GuardedUpdate;
import fleet.persistence.StateSql;

/** State SQL as it should be written: nothing to report. Audited by StateSqlAuditTest. */
final class CleanFixture {

    private static final GuardedUpdate<EventState> ACTIVATE = GuardedUpdate.event("fixture-activate")
            .move(EventState.PENDING, EventState.ACTIVE)
            .sql("UPDATE curtailment_event SET state = {to}, started_at = now() WHERE id = $1 AND state {from}");

    static final String LIVE_EVENTS = StateSql.render("SELECT id FROM curtailment_event WHERE state IN {EventState.LIVE}");

    /** Guarded by a state, but writes no state. */
    static final String OBSERVE = StateSql.render(
            "UPDATE curtailment_target SET last_observed_at = now() WHERE event_id = $1 AND state = {TargetState.DISPATCHED}");

    /** Text states of other tables are not this audit's business (CHECK constraints hold them). */
    static final String COMMANDS = "UPDATE operator_command SET state = 'RUNNING' WHERE state IN ('QUEUED', 'RETRY_WAIT')";
    static final String OCCURRENCES = "SELECT id FROM schedule_occurrence WHERE revert_state = 'PENDING' AND start_state = 'QUEUED'";

    private CleanFixture() {
    }

    static String activate() {
        return ACTIVATE.sql();
    }
}
