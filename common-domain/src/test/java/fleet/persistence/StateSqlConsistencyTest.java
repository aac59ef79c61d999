package fleet.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import fleet.persistence.curtailment.StopEvent;
import org.junit.jupiter.api.Test;

/**
 * The SQL shared by both services (common-domain's own classes: {@link StopEvent}, {@code EndEvent}) names every state through the
 * enums, and each of its state writes is a registered {@link GuardedUpdate}, like each service's own SQL.
 */
class StateSqlConsistencyTest {

    @Test
    void sharedSqlNamesStatesThroughTheEnumsAndRegistersItsStateWrites() {
        StateSqlAudit.Report report = StateSqlAudit.scanModuleOf(StopEvent.class);
        assertThat(report.violations()).isEmpty();
        assertThat(report.guardedUpdates()).extracting(GuardedUpdate::name)
                .containsExactlyInAnyOrder("stop", "stop-reset-targets", "admin-end", "admin-fail-targets", "release-targets");
        assertThat(report.guardedUpdates()).allSatisfy(u -> assertThat(u.illegalMoves()).as(u.toString()).isEmpty());
    }
}
