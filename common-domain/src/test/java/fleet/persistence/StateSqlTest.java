package fleet.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class StateSqlTest {

    @Test
    void aStateNameBecomesItsWireNumber() {
        assertThat(StateSql.render("WHERE t.state = {TargetState.DISPATCHING} AND t.desired_state = {DesiredState.ACTIVE}"
                + " AND e.state = {EventState.RESTORING}"))
                .isEqualTo("WHERE t.state = 8 AND t.desired_state = 2 AND e.state = 3");
    }

    @Test
    void severalNamesBecomeAnInListInWireOrder() {
        assertThat(StateSql.render("state IN {TargetState.UNAVAILABLE, PENDING, DRIFTED}")).isEqualTo("state IN (1, 4, 9)");
        assertThat(StateSql.render("state IN {TargetState.PENDING,\n  DISPATCHING}")).isEqualTo("state IN (1, 8)");
    }

    @Test
    void namedSetsBecomeLists() {
        assertThat(StateSql.render("{EventState.LIVE} {EventState.TERMINAL}")).isEqualTo("(1, 2, 3) (4, 5, 6, 7)");
        assertThat(StateSql.render("{TargetState.TERMINAL}")).isEqualTo("(5, 6, 7)");
        assertThat(StateSql.render("{TargetState.LIVE}")).isEqualTo("(1, 2, 3, 4, 8, 9, 10)");
    }

    @Test
    void everythingElseIsLeftAlone() {
        String sql = "SELECT '{}'::jsonb, c.params #>> '{schedule,phase}', x FROM t WHERE (%s) AND y = $1::int[]";
        assertThat(StateSql.render(sql)).isEqualTo(sql);
    }

    @Test
    void anUnknownNameFailsWhenTheStatementIsBuilt() {
        assertThatThrownBy(() -> StateSql.render("state = {TargetState.ASLEEP}"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("TargetState.ASLEEP");
        assertThatThrownBy(() -> StateSql.render("state = {TargetState.PENDING, ASLEEP}"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("TargetState.ASLEEP");
        assertThatThrownBy(() -> StateSql.render("state = {CommandState.QUEUED}"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("CommandState");
        assertThatThrownBy(() -> StateSql.render("state = {TargetState.pending}"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unknown state token");
    }

    @Test
    void guardedUpdatePlaceholdersAreRefusedOutsideAGuardedUpdate() {
        assertThatThrownBy(() -> StateSql.render("UPDATE curtailment_event SET state = {to} WHERE state {from}"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("{from}");
        assertThatThrownBy(() -> StateSql.render("SET desired_state = {phase}"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("{phase}");
    }
}
