package fleet.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import fleet.domain.state.DesiredState;
import fleet.domain.state.EventState;
import fleet.domain.state.TargetState;
import java.util.Set;
import org.junit.jupiter.api.Test;

class GuardedUpdateTest {

    @Test
    void anIllegalEventMoveIsRefusedWhenTheStatementIsBuilt() {
        assertThatThrownBy(() -> GuardedUpdate.event("complete-active")
                .move(EventState.ACTIVE, EventState.COMPLETED)
                .sql("UPDATE curtailment_event SET state = {to} WHERE id = $1 AND state {from}"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("'complete-active'")
                .hasMessageContaining("ACTIVE → COMPLETED");
    }

    @Test
    void anIllegalTargetMoveIsRefusedInItsPhase() {
        // CONFIRMED → RESOLVED skips the restore reset; legal in neither phase
        assertThatThrownBy(() -> GuardedUpdate.target("resolve-confirmed", DesiredState.ACTIVE)
                .move(TargetState.CONFIRMED, TargetState.RESOLVED)
                .sql("UPDATE curtailment_target SET state = {to} WHERE desired_state = {phase} AND state {from}"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("CONFIRMED → RESOLVED")
                .hasMessageContaining("phase ACTIVE");
        // DISPATCHING → UNAVAILABLE is a curtail- and restore-phase move, PENDING → RESOLVED only a restore one
        assertThat(GuardedUpdate.target("unreachable", DesiredState.CURTAILED)
                .move(TargetState.DISPATCHING, TargetState.UNAVAILABLE)
                .sql("UPDATE curtailment_target SET state = {to} WHERE desired_state = {phase} AND state {from}").sql())
                .isEqualTo("UPDATE curtailment_target SET state = 9 WHERE desired_state = 1 AND state = 8");
        assertThatThrownBy(() -> GuardedUpdate.target("resolve-pending", DesiredState.CURTAILED)
                .move(TargetState.PENDING, TargetState.RESOLVED)
                .sql("UPDATE curtailment_target SET state = {to} WHERE desired_state = {phase} AND state {from}"))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("PENDING → RESOLVED");
    }

    @Test
    void anEitherPhaseMoveMustBeLegalInBothPhases() {
        assertThat(GuardedUpdate.targetInEitherPhase("release")
                .move(TargetState.LIVE, TargetState.RELEASED)
                .sql("UPDATE curtailment_target SET state = {to} WHERE state {from}").sql())
                .isEqualTo("UPDATE curtailment_target SET state = 6 WHERE state NOT IN (5, 6, 7)");
        assertThatThrownBy(() -> GuardedUpdate.targetInEitherPhase("resolve")
                .move(TargetState.DISPATCHED, TargetState.RESOLVED)
                .sql("UPDATE curtailment_target SET state = {to} WHERE state {from}"))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("DISPATCHED → RESOLVED");
    }

    @Test
    void everyIllegalMoveIsNamed() {
        assertThatThrownBy(() -> GuardedUpdate.event("revive")
                .move(EventState.TERMINAL, EventState.PENDING)
                .sql("UPDATE curtailment_event SET state = {to} WHERE state {from}"))
                .hasMessageContaining("COMPLETED → PENDING").hasMessageContaining("COMPLETED_WITH_FAILURES → PENDING")
                .hasMessageContaining("CANCELLED → PENDING").hasMessageContaining("FAILED → PENDING");
    }

    @Test
    void aMoveToTheSameStateIsAWriteNotATransition() {
        GuardedUpdate<TargetState> resend = GuardedUpdate.target("prewrite", DesiredState.CURTAILED)
                .move(Set.of(TargetState.PENDING, TargetState.DISPATCHING), TargetState.DISPATCHING)
                .sql("UPDATE curtailment_target SET state = {to} WHERE desired_state = {phase} AND state {from}");
        assertThat(resend.sql()).isEqualTo("UPDATE curtailment_target SET state = 8 WHERE desired_state = 1 AND state IN (1, 8)");
        assertThat(resend.illegalMoves()).isEmpty();
    }

    @Test
    void theGuardUsesTheShorterListLikeThePartialIndexes() {
        assertThat(cancel(Set.of(EventState.RESTORING))).isEqualTo("SET state = 6 WHERE state = 3");
        assertThat(cancel(EventState.LIVE)).isEqualTo("SET state = 6 WHERE state IN (1, 2, 3)");
        assertThat(GuardedUpdate.targetInEitherPhase("fail").move(TargetState.LIVE, TargetState.RESTORE_FAILED)
                .sql("SET state = {to} WHERE state {from}").sql()).isEqualTo("SET state = 7 WHERE state NOT IN (5, 6, 7)");
    }

    private static String cancel(Set<EventState> from) {
        return GuardedUpdate.event("cancel").move(from, EventState.CANCELLED).sql("SET state = {to} WHERE state {from}").sql();
    }

    @Test
    void severalToStatesAreWrittenByName() {
        GuardedUpdate<EventState> complete = GuardedUpdate.event("complete")
                .move(EventState.RESTORING, EventState.COMPLETED)
                .move(EventState.RESTORING, EventState.COMPLETED_WITH_FAILURES)
                .sql("SET state = CASE WHEN x THEN {to.COMPLETED_WITH_FAILURES} ELSE {to.COMPLETED} END"
                        + " WHERE state {from} AND NOT EXISTS (SELECT 1 WHERE s NOT IN {TargetState.TERMINAL})");
        assertThat(complete.sql()).isEqualTo("SET state = CASE WHEN x THEN 5 ELSE 4 END WHERE state = 3"
                + " AND NOT EXISTS (SELECT 1 WHERE s NOT IN (5, 6, 7))");
        assertThat(complete.from()).containsExactly(EventState.RESTORING);
        assertThat(complete.to()).containsExactly(EventState.COMPLETED, EventState.COMPLETED_WITH_FAILURES);
    }

    @Test
    void theTemplateMustMatchTheDeclaration() {
        var twoTargets = GuardedUpdate.event("x").move(EventState.RESTORING, EventState.COMPLETED)
                .move(EventState.RESTORING, EventState.CANCELLED);
        assertThatThrownBy(() -> twoTargets.sql("SET state = {to} WHERE state {from}"))
                .hasMessageContaining("several to-states");
        assertThatThrownBy(() -> twoTargets.sql("SET state = {to.COMPLETED} WHERE state {from}"))
                .hasMessageContaining("[CANCELLED] are never written");
        assertThatThrownBy(() -> twoTargets.sql("SET state = {to.FAILED} WHERE state {from}"))
                .hasMessageContaining("{to.FAILED} is not a declared to-state");
        assertThatThrownBy(() -> GuardedUpdate.event("unguarded").move(EventState.PENDING, EventState.ACTIVE)
                .sql("UPDATE curtailment_event SET state = {to} WHERE id = $1"))
                .hasMessageContaining("no {from} guard");
        assertThatThrownBy(() -> GuardedUpdate.target("no-phase", DesiredState.ACTIVE)
                .move(TargetState.PENDING, TargetState.DISPATCHING)
                .sql("UPDATE curtailment_target SET state = {to} WHERE state {from}"))
                .hasMessageContaining("no {phase}");
        assertThatThrownBy(() -> GuardedUpdate.event("phase").move(EventState.PENDING, EventState.ACTIVE)
                .sql("SET state = {to}, x = {phase} WHERE state {from}"))
                .hasMessageContaining("without a phase");
        assertThatThrownBy(() -> GuardedUpdate.event("nothing").sql("SET state = 1 WHERE state {from}"))
                .hasMessageContaining("declares no move");
    }

    @Test
    void aBoundToStateMustBeADeclaredMove() {
        GuardedUpdate<EventState> end = GuardedUpdate.event("end")
                .move(EventState.LIVE, EventState.CANCELLED)
                .move(Set.of(EventState.PENDING, EventState.RESTORING), EventState.FAILED)
                .toStateAsParameter()
                .sql("UPDATE curtailment_event SET state = $2 WHERE id = $1 AND state {from}");
        assertThat(end.sql()).isEqualTo("UPDATE curtailment_event SET state = $2 WHERE id = $1 AND state IN (1, 2, 3)");
        assertThat(end.bind(EventState.ACTIVE, EventState.CANCELLED)).isEqualTo((short) 6);
        assertThat(end.bind(EventState.RESTORING, EventState.FAILED)).isEqualTo((short) 7);
        assertThatThrownBy(() -> end.bind(EventState.ACTIVE, EventState.FAILED))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("does not move ACTIVE → FAILED");
        GuardedUpdate<EventState> written = GuardedUpdate.event("w").move(EventState.PENDING, EventState.ACTIVE)
                .sql("SET state = {to} WHERE state {from}");
        assertThatThrownBy(() -> written.bind(EventState.PENDING, EventState.ACTIVE))
                .hasMessageContaining("writes its to-states itself");
    }

    @Test
    void aRowInsertedByTheSameTransactionEndsInAStateItCouldBeCreatedIn() {
        assertThat(GuardedUpdate.event("start-empty").moveOfNewRow(EventState.PENDING, EventState.COMPLETED)
                .sql("SET state = {to} WHERE state {from}").sql()).isEqualTo("SET state = 4 WHERE state = 1");
        assertThatThrownBy(() -> GuardedUpdate.event("start-cancelled").moveOfNewRow(EventState.PENDING, EventState.CANCELLED)
                .sql("SET state = {to} WHERE state {from}"))
                .hasMessageContaining("PENDING → CANCELLED (row inserted by the same transaction)");
        assertThatThrownBy(() -> GuardedUpdate.target("new-target", DesiredState.CURTAILED)
                .moveOfNewRow(TargetState.PENDING, TargetState.CONFIRMED)
                .sql("SET state = {to}, desired_state = {phase} WHERE state {from}"))
                .isInstanceOf(IllegalStateException.class);
    }
}
