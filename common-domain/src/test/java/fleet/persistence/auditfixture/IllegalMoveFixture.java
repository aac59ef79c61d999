package fleet.persistence.auditfixture;

import fleet.domain.state.DesiredState;
import fleet.domain.state.TargetState;
import fleet.persistence.GuardedUpdate;

/** A registered illegal transition: CONFIRMED → RESOLVED skips the restore reset. Audited by StateSqlAuditTest. */
final class IllegalMoveFixture {

    static final GuardedUpdate<TargetState> RESOLVE_CONFIRMED = GuardedUpdate.target("resolve-confirmed", DesiredState.ACTIVE)
            .move(TargetState.CONFIRMED, TargetState.RESOLVED)
            .sql("""
                    UPDATE curtailment_target SET state = {to}, resolved_at = now()
                    WHERE event_id = $1 AND desired_state = {phase} AND state {from}
                    """);

    private IllegalMoveFixture() {
    }
}
