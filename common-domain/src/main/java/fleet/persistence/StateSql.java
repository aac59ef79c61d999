package fleet.persistence;

import fleet.domain.WireEnum;
import fleet.domain.state.DesiredState;
import fleet.domain.state.EventState;
import fleet.domain.state.TargetState;
import java.util.Arrays;
import java.util.Collection;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * State numbers in SQL text come from the enums. A statement is written with state names, and {@link #render}
 * replaces each name with its wire number once, when the statement's constant is built:
 * <ul>
 *   <li>{@code {TargetState.DISPATCHING}} → {@code 8};</li>
 *   <li>{@code {TargetState.PENDING, DRIFTED, UNAVAILABLE}} → {@code (1, 4, 9)}, a list for {@code IN}, in wire
 *       order;</li>
 *   <li>{@code {EventState.LIVE}}, {@code {EventState.TERMINAL}}, {@code {TargetState.LIVE}},
 *       {@code {TargetState.TERMINAL}} → the named set as a list, e.g. {@code (5, 6, 7)}.</li>
 * </ul>
 * The vocabularies are {@link EventState}, {@link TargetState} and {@link DesiredState}. An unknown name, or a
 * {@link GuardedUpdate} placeholder ({@code {from}}, {@code {to}}, {@code {phase}}) outside a guarded update, fails
 * when the constant is built, i.e. when its class initialises. The rendered text is an ordinary prepared statement.
 */
public final class StateSql {

    private static final Pattern TOKEN = Pattern.compile("\\{(\\w+State)\\.([A-Z_]+(?:\\s*,\\s*[A-Z_]+)*)\\}");

    /** What is left of a malformed state token or a guarded-update placeholder after rendering. */
    static final Pattern LEFTOVER = Pattern.compile("\\{\\s*(?:\\w*State\\b[^}]*|(?:from|to|phase)(?:\\.\\w+)?)\\s*\\}");

    private record Vocabulary(List<? extends WireEnum> constants, Map<String, Set<? extends WireEnum>> sets) {
    }

    private static final Map<String, Vocabulary> VOCABULARIES = Map.of(
            "EventState", new Vocabulary(List.of(EventState.values()),
                    Map.of("LIVE", EventState.LIVE, "TERMINAL", EventState.TERMINAL)),
            "TargetState", new Vocabulary(List.of(TargetState.values()),
                    Map.of("LIVE", TargetState.LIVE, "TERMINAL", TargetState.TERMINAL)),
            "DesiredState", new Vocabulary(List.of(DesiredState.values()), Map.of()));

    private StateSql() {
    }

    /** The template with every state name replaced by its wire number (see the class comment). */
    public static String render(String template) {
        Matcher m = TOKEN.matcher(template);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(out, Matcher.quoteReplacement(token(m.group(1), m.group(2), m.group())));
        }
        m.appendTail(out);
        String sql = out.toString();
        Matcher leftover = LEFTOVER.matcher(sql);
        if (leftover.find()) {
            throw new IllegalArgumentException("unknown state token " + leftover.group() + " in SQL: " + sql);
        }
        return sql;
    }

    private static String token(String type, String names, String token) {
        Vocabulary v = VOCABULARIES.get(type);
        if (v == null) {
            throw new IllegalArgumentException("unknown state vocabulary in " + token + "; known: " + VOCABULARIES.keySet());
        }
        List<String> list = Arrays.stream(names.split(",")).map(String::strip).toList();
        Set<WireEnum> states = new LinkedHashSet<>();
        boolean single = list.size() == 1;
        for (String name : list) {
            WireEnum constant = v.constants().stream().filter(c -> ((Enum<?>) c).name().equals(name)).findFirst()
                    .orElse(null);
            if (constant != null) {
                states.add(constant);
            } else if (v.sets().containsKey(name)) {
                states.addAll(v.sets().get(name));
                single = false;
            } else {
                throw new IllegalArgumentException("unknown state " + type + "." + name + " in " + token);
            }
        }
        return single ? Integer.toString(states.iterator().next().wire()) : list(states);
    }

    /** {@code (1, 2, 3)}: the states' wire numbers in ascending order, for {@code IN}. */
    public static String list(Collection<? extends WireEnum> states) {
        if (states.isEmpty()) {
            throw new IllegalArgumentException("an empty state list");
        }
        return states.stream().map(WireEnum::wire).sorted().distinct().map(String::valueOf)
                .collect(Collectors.joining(", ", "(", ")"));
    }

    /**
     * The guard for a column in {@code states}, with the operator: {@code = 8}, {@code IN (1, 4, 8, 9)}, or
     * {@code NOT IN (5, 6, 7)} when the complement within the enum is the shorter list (the form the partial
     * indexes use).
     */
    static <S extends Enum<S> & WireEnum> String guard(Set<S> states, Class<S> type) {
        if (states.isEmpty()) {
            throw new IllegalArgumentException("an empty state guard");
        }
        if (states.size() == 1) {
            return "= " + states.iterator().next().wire();
        }
        EnumSet<S> complement = EnumSet.complementOf(EnumSet.copyOf(states));
        if (!complement.isEmpty() && complement.size() < states.size()) {
            return "NOT IN " + list(complement);
        }
        return "IN " + list(states);
    }
}
