package fleet.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import fleet.domain.WireEnum;
import fleet.domain.state.DesiredState;
import fleet.domain.state.EventState;
import fleet.domain.state.TargetState;
import fleet.testsupport.TestDatabase;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The state numbers the migrations hold (CHECK constraints, partial-index predicates) are the enums' (the SQL in the
 * services is built from the enums; the migrations cannot be). Each predicate over {@code state} or
 * {@code desired_state} is read from the migrated catalog and evaluated by PostgreSQL for every number from -1 to 32;
 * the numbers it admits must be exactly the expected enum values.
 */
class StateSchemaTest {

    private static final Pattern STATE_COLUMN = Pattern.compile("\\b(state|desired_state)\\b");

    /** Each partial index over a state column, and the states it must cover. */
    private static final Map<String, Collection<? extends WireEnum>> INDEXES = Map.of(
            "curtailment_event_live", EventState.LIVE,
            "curtailment_event_idempotency_live", EventState.LIVE,
            "curtailment_event_external_ref_live", EventState.LIVE,
            "curtailment_target_one_live_per_device", TargetState.LIVE);

    private record Predicate(String table, String name, String expression, boolean check) {
    }

    private static Connection c;

    @BeforeAll
    static void migrate() throws SQLException {
        c = TestDatabase.get().migrate().connect();
    }

    @AfterAll
    static void close() throws SQLException {
        c.close();
    }

    @Test
    void everyStateCheckAndPartialIndexAdmitsExactlyTheEnumValues() throws SQLException {
        List<String> seen = new ArrayList<>();
        for (Predicate p : statePredicates()) {
            seen.add(p.name());
            String column = column(p);
            Set<Integer> domain = wires(column.equals("desired_state") ? List.of(DesiredState.values())
                    : p.table().equals("curtailment_event") ? List.of(EventState.values())
                    : List.of(TargetState.values()));
            if (!p.check()) {
                // within the values the range CHECK admits
                assertThat(INDEXES).as("expected states of partial index %s (%s)", p.name(), p.expression())
                        .containsKey(p.name());
                assertThat(admitted(p, column, "NULL", domain)).as("%s: %s", p.name(), p.expression())
                        .isEqualTo(wires(INDEXES.get(p.name())));
            } else if (p.expression().contains("ended_at")) {
                assertThat(p.table()).isEqualTo("curtailment_event");
                assertThat(admitted(p, column, "now()", domain)).as("%s with ended_at: %s", p.name(), p.expression())
                        .isEqualTo(wires(EventState.TERMINAL));
                assertThat(admitted(p, column, "NULL", domain)).as("%s without ended_at: %s", p.name(), p.expression())
                        .isEqualTo(wires(EventState.LIVE));
            } else {
                // the range CHECK itself: exactly the enum's values
                assertThat(admitted(p, column, "NULL", null)).as("%s: %s", p.name(), p.expression()).isEqualTo(domain);
            }
        }
        assertThat(seen).as("the state predicates found").containsAll(INDEXES.keySet())
                .contains("curtailment_event_state_check", "curtailment_target_state_check",
                        "curtailment_target_desired_state_check")
                .hasSize(INDEXES.size() + 4); // + the ended_at CHECK
    }

    private static List<Predicate> statePredicates() throws SQLException {
        List<Predicate> found = new ArrayList<>();
        try (var st = c.createStatement(); var rs = st.executeQuery("""
                SELECT conrelid::regclass::text, conname::text, pg_get_expr(conbin, conrelid), true
                FROM pg_constraint WHERE contype = 'c'
                  AND conrelid IN ('curtailment_event'::regclass, 'curtailment_target'::regclass)
                UNION ALL
                SELECT indrelid::regclass::text, indexrelid::regclass::text, pg_get_expr(indpred, indrelid), false
                FROM pg_index WHERE indpred IS NOT NULL
                  AND indrelid IN ('curtailment_event'::regclass, 'curtailment_target'::regclass)
                """)) {
            while (rs.next()) {
                if (STATE_COLUMN.matcher(rs.getString(3)).find()) {
                    found.add(new Predicate(rs.getString(1), rs.getString(2), rs.getString(3), rs.getBoolean(4)));
                }
            }
        }
        return found;
    }

    private static String column(Predicate p) {
        Set<String> columns = STATE_COLUMN.matcher(p.expression()).results().map(m -> m.group(1))
                .collect(Collectors.toSet());
        assertThat(columns).as("%s reads one state column: %s", p.name(), p.expression()).hasSize(1);
        return columns.iterator().next();
    }

    /**
     * The numbers (of {@code within}, if given) for which PostgreSQL finds the predicate satisfied, the other columns
     * it reads being set (a CHECK is satisfied unless false, an index predicate only when true).
     */
    private static Set<Integer> admitted(Predicate p, String column, String endedAt, Set<Integer> within)
            throws SQLException {
        String sql = """
                SELECT v FROM generate_series(-1, 32) v,
                     LATERAL (SELECT v::smallint AS %s, %s::timestamptz AS ended_at, 'key'::text AS idempotency_key,
                                     'source'::text AS external_source, 'ref'::text AS external_reference) r
                WHERE (%s) %s
                ORDER BY v
                """.formatted(column, endedAt, p.expression(), p.check() ? "IS NOT FALSE" : "");
        Set<Integer> admitted = new TreeSet<>();
        try (var st = c.createStatement(); var rs = st.executeQuery(sql)) {
            while (rs.next()) {
                admitted.add(rs.getInt(1));
            }
        }
        if (within != null) {
            admitted.retainAll(within);
        }
        return admitted;
    }

    private static Set<Integer> wires(Collection<? extends WireEnum> states) {
        return states.stream().map(WireEnum::wire).collect(Collectors.toCollection(TreeSet::new));
    }
}
