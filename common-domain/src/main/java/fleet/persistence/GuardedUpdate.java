package fleet.persistence;

import fleet.domain.WireEnum;
import fleet.domain.state.DesiredState;
import fleet.domain.state.EventState;
import fleet.domain.state.TargetState;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One statement that writes {@code state} of {@code curtailment_event} or {@code curtailment_target}, declared with
 * the moves it makes, so the SQL cannot drift from the transition tables ({@link EventState#canMoveTo},
 * {@link TargetState#canMoveTo(TargetState, DesiredState)}).
 *
 * <p>Building one checks every declared move against the table and refuses an illegal one with an
 * {@link IllegalStateException}: a statement held in a {@code static final} field therefore fails its class's
 * initialisation, and the service cannot start with it. A move to the same state is not a transition and is always
 * allowed (a write that keeps the state, e.g. the re-send of an orphaned DISPATCHING row).
 *
 * <p>The SQL template is rendered by {@link StateSql#render} after these placeholders, which tie the text to the
 * declaration:
 * <ul>
 *   <li>{@code {from}} (required): the guard over every declared from-state, with its operator — {@code = 8},
 *       {@code IN (1, 4, 8, 9)} or {@code NOT IN (5, 6, 7)}; written {@code WHERE … AND state {from}};</li>
 *   <li>{@code {to}}: the single declared to-state; {@code {to.NAME}}: one of several (in a {@code CASE}). Every
 *       declared to-state must be written by one of them, unless the statement takes its to-state as a parameter
 *       ({@link Builder#toStateAsParameter}), whose value then comes from {@link #bind};</li>
 *   <li>{@code {phase}} (target statements of one phase, required there): the {@code desired_state} the rows carry
 *       after the write.</li>
 * </ul>
 * Each service's {@code StateSqlConsistencyTest} finds every instance with {@link StateSqlAudit}.
 */
public final class GuardedUpdate<S extends Enum<S> & WireEnum> {

    /** The table whose {@code state} the statement writes. */
    public enum Table {
        CURTAILMENT_EVENT, CURTAILMENT_TARGET;

        @Override
        public String toString() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** One declared move. {@code newRow}: the row was inserted in {@code from} by the same transaction. */
    public record Move<S>(S from, S to, boolean newRow) {
        @Override
        public String toString() {
            return from + " → " + to + (newRow ? " (row inserted by the same transaction)" : "");
        }
    }

    private static final Pattern PLACEHOLDER = Pattern.compile("\\{(from|to|phase)(?:\\.([A-Z_]+))?\\}");

    private final String name;
    private final Table table;
    private final Class<S> type;
    private final DesiredState phase;
    private final List<Move<S>> moves;
    private final Set<S> from;
    private final Set<S> to;
    private final boolean toStateAsParameter;
    private final String sql;

    private GuardedUpdate(Builder<S> b, String template) {
        this.name = b.name;
        this.table = b.table;
        this.type = b.type;
        this.phase = b.phase;
        this.moves = List.copyOf(b.moves);
        this.toStateAsParameter = b.toStateAsParameter;
        if (moves.isEmpty()) {
            throw new IllegalStateException("guarded update '" + name + "' declares no move");
        }
        Set<S> f = EnumSet.noneOf(type);
        Set<S> t = EnumSet.noneOf(type);
        for (Move<S> m : moves) {
            f.add(m.from());
            t.add(m.to());
        }
        this.from = Collections.unmodifiableSet(f);
        this.to = Collections.unmodifiableSet(t);
        List<String> illegal = illegalMoves();
        if (!illegal.isEmpty()) {
            throw new IllegalStateException("guarded update '" + name + "' on " + table + " makes moves the "
                    + type.getSimpleName() + " table does not allow" + (phase == null ? "" : " in phase " + phase)
                    + ": " + String.join(", ", illegal));
        }
        this.sql = render(template);
    }

    /** A statement writing {@code curtailment_event.state}. */
    public static Builder<EventState> event(String name) {
        return new Builder<>(name, Table.CURTAILMENT_EVENT, EventState.class, null);
    }

    /**
     * A statement writing {@code curtailment_target.state} of rows in {@code phase}: the {@code desired_state} they
     * carry after the write (the statement writes or guards it with {@code {phase}}).
     */
    public static Builder<TargetState> target(String name, DesiredState phase) {
        return new Builder<>(name, Table.CURTAILMENT_TARGET, TargetState.class, phase);
    }

    /** A statement writing {@code curtailment_target.state} of rows in either phase: each move must be legal in both. */
    public static Builder<TargetState> targetInEitherPhase(String name) {
        return new Builder<>(name, Table.CURTAILMENT_TARGET, TargetState.class, null);
    }

    /** Declares a guarded update; {@link #sql(String)} builds it. */
    public static final class Builder<S extends Enum<S> & WireEnum> {
        private final String name;
        private final Table table;
        private final Class<S> type;
        private final DesiredState phase;
        private final List<Move<S>> moves = new ArrayList<>();
        private boolean toStateAsParameter;

        private Builder(String name, Table table, Class<S> type, DesiredState phase) {
            this.name = name;
            this.table = table;
            this.type = type;
            this.phase = phase;
        }

        public Builder<S> move(S from, S to) {
            moves.add(new Move<>(from, to, false));
            return this;
        }

        /** One move from each of {@code from} to {@code to}. */
        public Builder<S> move(Set<S> from, S to) {
            for (S f : EnumSet.copyOf(from)) {
                move(f, to);
            }
            return this;
        }

        /**
         * The row was inserted in {@code insertedAs} by this same transaction and leaves it before the commit: to
         * everyone else the row is created in {@code to}, so both must be states a row may be created in
         * ({@link EventState#canBeCreatedIn}).
         */
        public Builder<S> moveOfNewRow(S insertedAs, S to) {
            moves.add(new Move<>(insertedAs, to, true));
            return this;
        }

        /** The to-state is a statement parameter, bound from {@link GuardedUpdate#bind}. */
        public Builder<S> toStateAsParameter() {
            this.toStateAsParameter = true;
            return this;
        }

        /** Checks the moves against the table and renders the template (see the class comment). */
        public GuardedUpdate<S> sql(String template) {
            return new GuardedUpdate<>(this, template);
        }
    }

    /** Every declared move the transition table refuses, described; empty when all are legal. */
    public List<String> illegalMoves() {
        List<String> illegal = new ArrayList<>();
        for (Move<S> m : moves) {
            if (!allowed(m)) {
                illegal.add(m.toString());
            }
        }
        return illegal;
    }

    private boolean allowed(Move<S> m) {
        if (m.newRow()) {
            return m.from() instanceof EventState inserted && m.to() instanceof EventState created
                    && inserted.canBeCreatedIn() && created.canBeCreatedIn();
        }
        if (m.from() == m.to()) {
            return true;
        }
        if (m.from() instanceof EventState f) {
            return f.canMoveTo((EventState) m.to());
        }
        TargetState f = (TargetState) m.from();
        TargetState t = (TargetState) m.to();
        if (phase != null) {
            return f.canMoveTo(t, phase);
        }
        return f.canMoveTo(t, DesiredState.CURTAILED) && f.canMoveTo(t, DesiredState.ACTIVE);
    }

    private String render(String template) {
        Matcher m = PLACEHOLDER.matcher(template);
        StringBuilder out = new StringBuilder();
        boolean guarded = false;
        boolean phaseWritten = false;
        Set<S> written = new LinkedHashSet<>();
        while (m.find()) {
            String value;
            switch (m.group(1)) {
                case "from" -> {
                    require(m.group(2) == null, m.group());
                    guarded = true;
                    value = StateSql.guard(from, type);
                }
                case "to" -> {
                    S state;
                    if (m.group(2) == null) {
                        require(to.size() == 1, m.group() + " with several to-states " + to + ": write {to.NAME}");
                        state = to.iterator().next();
                    } else {
                        state = to.stream().filter(s -> s.name().equals(m.group(2))).findFirst().orElse(null);
                        require(state != null, m.group() + " is not a declared to-state " + to);
                    }
                    written.add(state);
                    value = Integer.toString(state.wire());
                }
                default -> {
                    require(m.group(2) == null && phase != null, m.group() + " in a statement without a phase");
                    phaseWritten = true;
                    value = Integer.toString(phase.wire());
                }
            }
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        require(guarded, "no {from} guard");
        require(phase == null || phaseWritten, "no {phase}: a statement of one phase writes or guards desired_state");
        if (!toStateAsParameter) {
            Set<S> missing = EnumSet.copyOf(to);
            missing.removeAll(written);
            require(missing.isEmpty(), "declared to-states " + missing + " are never written");
        }
        return StateSql.render(out.toString());
    }

    private void require(boolean ok, String problem) {
        if (!ok) {
            throw new IllegalStateException("guarded update '" + name + "': " + problem);
        }
    }

    /**
     * The wire number to bind for a statement whose to-state is a parameter; refuses a move that was not declared
     * (a caller bug: the move is not one the statement may make).
     */
    public short bind(S from, S to) {
        if (!toStateAsParameter) {
            throw new IllegalStateException("guarded update '" + name + "' writes its to-states itself");
        }
        if (moves.stream().noneMatch(m -> m.from() == from && m.to() == to && !m.newRow())) {
            throw new IllegalStateException("guarded update '" + name + "' does not move " + from + " → " + to);
        }
        return (short) to.wire();
    }

    /** The rendered statement, ready to prepare. */
    public String sql() {
        return sql;
    }

    public String name() {
        return name;
    }

    public Table table() {
        return table;
    }

    /** The {@code desired_state} of the rows after the write; null for events and either-phase target statements. */
    public DesiredState phase() {
        return phase;
    }

    public List<Move<S>> moves() {
        return moves;
    }

    /** The states the statement's guard admits. */
    public Set<S> from() {
        return from;
    }

    /** The states the statement may write. */
    public Set<S> to() {
        return to;
    }

    @Override
    public String toString() {
        return "GuardedUpdate[" + name + " on " + table + (phase == null ? "" : " (" + phase + ")") + ": " + moves + "]";
    }
}
