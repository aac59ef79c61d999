package fleet.api;

import static org.assertj.core.api.Assertions.assertThat;

import fleet.api.app.AdminRecovery;
import fleet.domain.state.DesiredState;
import fleet.domain.state.EventState;
import fleet.domain.state.TargetState;
import fleet.persistence.GuardedUpdate;
import fleet.persistence.StateSqlAudit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every state the api-service's SQL names comes from the enums, and every statement that writes a state is a
 * {@link GuardedUpdate} whose moves the transition tables allow (each was checked when its class initialised; the
 * audit loads every class that builds state SQL). See {@code StateSqlAuditTest} in common-domain for what the audit
 * reports.
 */
class StateSqlConsistencyTest {

    private static StateSqlAudit.Report report;

    @BeforeAll
    static void audit() {
        report = StateSqlAudit.scanModuleOf(AdminRecovery.class);
    }

    @Test
    void noStateSqlDriftsFromTheEnums() {
        assertThat(report.violations()).isEmpty();
        assertThat(report.sqlStrings()).as("the audit read the module's SQL").isGreaterThan(30);
    }

    @Test
    void everyGuardedStateWriteIsRegistered() {
        assertThat(report.guardedUpdates()).extracting(GuardedUpdate::name).containsExactlyInAnyOrder(
                "start-empty");
    }

    @Test
    void everyRegisteredMoveIsAnEdgeOfItsTable() {
        for (GuardedUpdate<?> u : report.guardedUpdates()) {
            assertThat(u.illegalMoves()).as(u.toString()).isEmpty();
            for (GuardedUpdate.Move<?> m : u.moves()) {
                if (m.from() == m.to()) {
                    continue;
                }
                if (m.newRow()) {
                    assertThat(((EventState) m.from()).canBeCreatedIn() && ((EventState) m.to()).canBeCreatedIn())
                            .as(u.name() + ": " + m).isTrue();
                } else if (m.from() instanceof EventState f) {
                    assertThat(f.canMoveTo((EventState) m.to())).as(u.name() + ": " + m).isTrue();
                } else if (u.phase() != null) {
                    assertThat(((TargetState) m.from()).canMoveTo((TargetState) m.to(), u.phase()))
                            .as(u.name() + ": " + m).isTrue();
                } else {
                    TargetState from = (TargetState) m.from();
                    assertThat(from.canMoveTo((TargetState) m.to(), DesiredState.CURTAILED)
                            && from.canMoveTo((TargetState) m.to(), DesiredState.ACTIVE))
                            .as(u.name() + " (either phase): " + m).isTrue();
                }
            }
        }
    }
}
