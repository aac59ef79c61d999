package fleet.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The audit each service runs over its classes reports what it promises to (fixtures in {@code auditfixture}). */
class StateSqlAuditTest {

    private static final String FIXTURES = "fleet.persistence.auditfixture.";

    private static StateSqlAudit.Report fixtures;

    @BeforeAll
    static void scanFixtures() throws URISyntaxException {
        Path testClasses = Path.of(StateSqlAuditTest.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        fixtures = StateSqlAudit.scan(testClasses, "fleet/persistence/auditfixture/");
    }

    private static List<String> violationsOf(String fixture) {
        return fixtures.violations().stream().filter(v -> v.startsWith(FIXTURES + fixture + ":")).toList();
    }

    @Test
    void aRegisteredIllegalTransitionIsReported() {
        assertThat(violationsOf("IllegalMoveFixture")).singleElement().asString()
                .contains("fails to initialise")
                .contains("'resolve-confirmed'")
                .contains("CONFIRMED → RESOLVED");
    }

    @Test
    void handWrittenStateNumbersAreReported() {
        assertThat(violationsOf("HandWrittenFixture")).containsExactlyInAnyOrder(
                FIXTURES + "HandWrittenFixture: hand-written state literal 'state IN (1, 2, 3)' (write a StateSql token)",
                FIXTURES + "HandWrittenFixture: hand-written state literal 'desired_state = 2' (write a StateSql token)",
                FIXTURES + "HandWrittenFixture: hand-written state literal 't.state NOT IN (5, 6, 7)' (write a StateSql token)",
                FIXTURES + "HandWrittenFixture: hand-written state literal 'THEN 5' in a state CASE",
                FIXTURES + "HandWrittenFixture: hand-written state literal 'ELSE 1' in a state CASE",
                FIXTURES + "HandWrittenFixture: UPDATE curtailment_target writes state outside a GuardedUpdate");
    }

    @Test
    void aStateWriteOutsideAGuardedUpdateIsReported() {
        assertThat(violationsOf("UnguardedWriteFixture")).containsExactly(
                FIXTURES + "UnguardedWriteFixture: UPDATE curtailment_event writes state outside a GuardedUpdate");
    }

    @Test
    void cleanStateSqlIsNotReportedAndItsGuardedUpdatesAreFound() {
        assertThat(violationsOf("CleanFixture")).isEmpty();
        assertThat(fixtures.violations()).hasSize(8);
        assertThat(fixtures.guardedUpdates()).extracting(GuardedUpdate::name).containsExactly("fixture-activate");
        assertThat(fixtures.classes()).isEqualTo(4);
    }

    @Test
    void recognisesStateComparisonsButNotOtherColumnsOrParameters() {
        assertThat(StateSqlAudit.check("C", "SELECT 1 WHERE e.state <> 2 OR state >= 4 OR x.desired_state=1"
                + " OR state BETWEEN 1 AND 7 OR state NOT BETWEEN 4 AND 7")).hasSize(5);
        assertThat(StateSqlAudit.check("C", """
                SELECT 1 FROM t WHERE t.state = $2 AND state = ANY($3) AND revert_state = 'PENDING'
                  AND start_state IN ('QUEUED') AND consecutive_failures = 0 AND estate = 3 AND t.state = u.state
                  AND CASE WHEN u.ok THEN 0 ELSE 1 END = 1
                """)).isEmpty();
    }

    @Test
    void recognisesStateWritesInEveryShape() {
        assertThat(StateSqlAudit.check("C", "WITH x AS (UPDATE curtailment_target t SET state = $2 WHERE id = $1"
                + " RETURNING 1) SELECT 1")).hasSize(1);
        assertThat(StateSqlAudit.check("C", "UPDATE curtailment_event AS e SET updated_at = now(),\n  state = $2"))
                .hasSize(1);
        assertThat(StateSqlAudit.check("C", "UPDATE curtailment_event SET reason = coalesce($2, reason),"
                + " max_duration_sec = CASE WHEN $3 IS NULL THEN 1 ELSE $3 END WHERE id = $1 AND state = $4")).isEmpty();
        assertThat(StateSqlAudit.check("C", "UPDATE curtailment_target t SET last_power_w = u.p FROM unnest($1) AS"
                + " u(id, p, state) WHERE t.id = u.id")).isEmpty();
        assertThat(StateSqlAudit.check("C", "UPDATE curtailment_event SET state_changed_at = now() WHERE id = $1"))
                .isEmpty();
    }

    @Test
    void commonDomainItselfIsClean() {
        StateSqlAudit.Report main = StateSqlAudit.scanModuleOf(StateSql.class);
        assertThat(main.violations()).isEmpty();
        assertThat(main.classes()).isGreaterThan(50);
    }
}
