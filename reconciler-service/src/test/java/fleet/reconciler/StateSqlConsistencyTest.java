package fleet.reconciler;

import static org.assertj.core.api.Assertions.assertThat;

import fleet.domain.state.DesiredState;
import fleet.domain.state.EventState;
import fleet.domain.state.TargetState;
import fleet.persistence.GuardedUpdate;
import fleet.persistence.StateSqlAudit;
import fleet.reconciler.step.EventTransitions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every state the reconciler's SQL names comes from the enums, and every statement that writes a state is a
 * {@link GuardedUpdate} whose moves the transition tables allow (each was checked when its class initialised; the
 * audit loads every class that builds state SQL). See {@code StateSqlAuditTest} in common-domain for what the audit
 * reports.
 */
class StateSqlConsistencyTest {

    private static StateSqlAudit.Report report;

    @BeforeAll
    static void audit() {
        report = StateSqlAudit.scanModuleOf(EventTransitions.class);
    }

    @Test
    void noStateSqlDriftsFromTheEnums() {
        assertThat(report.violations()).isEmpty();
        assertThat(report.sqlStrings()).as("the audit read the module's SQL").isGreaterThan(30);
    }

    @Test
    void everyGuardedStateWriteIsRegistered() {
        assertThat(report.guardedUpdates()).extracting(GuardedUpdate::name).containsExactlyInAnyOrder(
                "activate", "begin-restore", "restore-reset", "complete",
                "curtail-prewrite", "curtail-outcomes", "curtail-expire", "curtail-confirm", "drift",
                "restore-prewrite", "restore-outcomes", "restore-expire", "restore-confirm");
    }

    @Test
    void everyRegisteredMoveIsAnEdgeOfItsTable() {
        for (GuardedUpdate<?> u : report.guardedUpdates()) {
            assertThat(u.illegalMoves()).as(u.toString()).isEmpty();
            if (u.table() == GuardedUpdate.Table.CURTAILMENT_TARGET) {
                assertThat(u.phase()).as(u.name() + ": the reconciler's target writes belong to one phase")
                        .isIn(DesiredState.CURTAILED, DesiredState.ACTIVE);
            }
            for (GuardedUpdate.Move<?> m : u.moves()) {
                if (m.from() == m.to()) {
                    continue;
                }
                assertThat(m.from() instanceof EventState f ? f.canMoveTo((EventState) m.to())
                        : ((TargetState) m.from()).canMoveTo((TargetState) m.to(), u.phase()))
                        .as(u.name() + ": " + m).isTrue();
            }
        }
    }
}
