package fleet.persistence;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Audits a module's compiled classes for state SQL that could drift from the transition tables; each service's
 * {@code StateSqlConsistencyTest} runs it over its own classes. It reads the string constants of every class file (the
 * SQL exactly as written, before {@link StateSql} renders it) and reports:
 * <ul>
 *   <li>a class that references {@link GuardedUpdate} or {@link StateSql} and fails to initialise — an illegal move,
 *       an unknown state name, a missing {@code {from}} guard;</li>
 *   <li>a numeric state literal written by hand next to {@code state} or {@code desired_state} (a comparison, an
 *       {@code IN} list, {@code BETWEEN}, or a {@code THEN}/{@code ELSE} arm of {@code state = CASE … END}): state
 *       numbers come from the enums through {@link StateSql} tokens;</li>
 *   <li>an {@code UPDATE curtailment_event|curtailment_target} that assigns {@code state} outside a
 *       {@link GuardedUpdate} (its template has no {@code {from}}).</li>
 * </ul>
 * It also collects every {@link GuardedUpdate} held in a static field: the registry of guarded state writes, each of
 * which was checked against the table when it was built. Positional values of an {@code INSERT} are not recognised;
 * the inserts bind their states from the enums or write tokens.
 */
public final class StateSqlAudit {

    /** What the audit found: the guarded updates, and every violation described with its class. */
    public record Report(List<GuardedUpdate<?>> guardedUpdates, List<String> violations, int classes, int sqlStrings) {
    }

    private static final Pattern SQL = Pattern.compile("(?i)\\b(SELECT|UPDATE|INSERT|DELETE)\\b");
    private static final String COLUMN = "(?<![\\w.])(?:\\w+\\.)?(?:state|desired_state)";
    private static final List<Pattern> LITERALS = List.of(
            Pattern.compile("(?i)" + COLUMN + "\\s*(?:=|<>|!=|<=|>=|<|>)\\s*\\d+"),
            Pattern.compile("(?i)" + COLUMN + "\\s+(?:NOT\\s+)?IN\\s*\\(\\s*\\d[^)]*\\)"),
            Pattern.compile("(?i)" + COLUMN + "\\s+(?:NOT\\s+)?BETWEEN\\s+\\d+"));
    private static final Pattern CASE = Pattern.compile("(?is)" + COLUMN + "\\s*=\\s*CASE\\b(.*?)\\bEND\\b");
    private static final Pattern ARM = Pattern.compile("(?i)\\b(?:THEN|ELSE)\\s+\\d+");
    private static final Pattern UPDATE = Pattern.compile(
            "(?is)\\bUPDATE\\s+(curtailment_event|curtailment_target)\\b(?:\\s+(?:AS\\s+)?(?!SET\\b)(\\w+))?\\s+SET\\b");
    private static final String GUARD = "{from}";

    private StateSqlAudit() {
    }

    /** Audits the classes of the module (directory or jar root) that holds {@code anyClass}. */
    public static Report scanModuleOf(Class<?> anyClass) {
        try {
            return scan(Path.of(anyClass.getProtectionDomain().getCodeSource().getLocation().toURI()), "");
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(e);
        }
    }

    /**
     * Audits every class file under {@code root} (a class output directory) whose path starts with
     * {@code packagePath} (e.g. {@code fleet/api/}; empty = all), loading the classes that use the state SQL builders.
     */
    public static Report scan(Path root, String packagePath) {
        List<Path> files;
        try (Stream<Path> walk = Files.walk(root)) {
            files = walk.filter(p -> p.toString().endsWith(".class"))
                    .filter(p -> root.relativize(p).toString().replace('\\', '/').startsWith(packagePath))
                    .sorted(Comparator.comparing(Path::toString)).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<GuardedUpdate<?>> updates = new ArrayList<>();
        List<String> violations = new ArrayList<>();
        int sqlStrings = 0;
        for (Path file : files) {
            String className = root.relativize(file).toString().replace('\\', '/').replaceAll("\\.class$", "")
                    .replace('/', '.');
            ConstantPool pool;
            try {
                pool = ConstantPool.read(Files.readAllBytes(file));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            for (String s : pool.strings()) {
                if (SQL.matcher(s).find()) {
                    sqlStrings++;
                    violations.addAll(check(className, s));
                }
            }
            if (pool.references(GuardedUpdate.class) || pool.references(StateSql.class)) {
                load(className, updates, violations);
            }
        }
        return new Report(List.copyOf(updates), List.copyOf(violations), files.size(), sqlStrings);
    }

    /** The violations in one SQL string as written in {@code className}. */
    static List<String> check(String className, String sql) {
        List<String> found = new ArrayList<>();
        for (Pattern p : LITERALS) {
            Matcher m = p.matcher(sql);
            while (m.find()) {
                found.add(className + ": hand-written state literal '" + m.group() + "' (write a StateSql token)");
            }
        }
        Matcher c = CASE.matcher(sql);
        while (c.find()) {
            Matcher arm = ARM.matcher(c.group(1));
            while (arm.find()) {
                found.add(className + ": hand-written state literal '" + arm.group() + "' in a state CASE");
            }
        }
        if (!sql.contains(GUARD)) {
            Matcher u = UPDATE.matcher(sql);
            while (u.find()) {
                if (assignsState(sql, u.end(), u.group(2))) {
                    found.add(className + ": UPDATE " + u.group(1) + " writes state outside a GuardedUpdate");
                }
            }
        }
        return found;
    }

    /** Whether the SET clause starting at {@code from} assigns {@code state} (or {@code alias.state}) at top level. */
    private static boolean assignsState(String sql, int from, String alias) {
        int depth = 0;
        int start = from;
        for (int i = from; i <= sql.length(); i++) {
            char ch = i < sql.length() ? sql.charAt(i) : ',';
            if (ch == '(') {
                depth++;
            } else if (ch == ')') {
                depth--;
                if (depth < 0) {
                    return isState(sql.substring(start, i), alias);
                }
            } else if (depth == 0 && (ch == ',' || ch == ';' || startsClauseEnd(sql, i))) {
                if (isState(sql.substring(start, Math.min(i, sql.length())), alias)) {
                    return true;
                }
                if (ch != ',') {
                    return false;
                }
                start = i + 1;
            }
        }
        return false;
    }

    private static boolean startsClauseEnd(String sql, int i) {
        if (i > 0 && Character.isLetterOrDigit(sql.charAt(i - 1))) {
            return false;
        }
        String rest = sql.substring(i, Math.min(sql.length(), i + 10)).toUpperCase(Locale.ROOT);
        return rest.matches("^(WHERE|FROM|RETURNING)\\b.*");
    }

    private static boolean isState(String assignment, String alias) {
        String target = assignment.split("=", 2)[0].strip().toLowerCase(Locale.ROOT);
        return target.equals("state") || (alias != null && target.equals(alias.toLowerCase(Locale.ROOT) + ".state"));
    }

    private static void load(String className, List<GuardedUpdate<?>> updates, List<String> violations) {
        Class<?> type;
        try {
            type = Class.forName(className, true, Thread.currentThread().getContextClassLoader());
        } catch (ExceptionInInitializerError e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            violations.add(className + ": fails to initialise: " + cause.getMessage());
            return;
        } catch (ClassNotFoundException | LinkageError e) {
            violations.add(className + ": cannot be loaded: " + e);
            return;
        }
        for (Field f : type.getDeclaredFields()) {
            if (Modifier.isStatic(f.getModifiers()) && GuardedUpdate.class.isAssignableFrom(f.getType())) {
                try {
                    f.setAccessible(true);
                    GuardedUpdate<?> u = (GuardedUpdate<?>) f.get(null);
                    if (u != null) {
                        updates.add(u);
                    }
                } catch (ReflectiveOperationException | RuntimeException e) {
                    violations.add(className + "." + f.getName() + ": unreadable: " + e);
                }
            }
        }
    }

    /** The string constants and class references of one class file (JVMS §4.4). */
    private record ConstantPool(List<String> strings, List<String> classes) {

        boolean references(Class<?> type) {
            return classes.contains(type.getName().replace('.', '/'));
        }

        static ConstantPool read(byte[] bytes) throws IOException {
            DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes));
            if (in.readInt() != 0xCAFEBABE) {
                throw new IOException("not a class file");
            }
            in.readUnsignedShort();
            in.readUnsignedShort();
            int count = in.readUnsignedShort();
            String[] utf8 = new String[count];
            List<Integer> stringRefs = new ArrayList<>();
            List<Integer> classRefs = new ArrayList<>();
            for (int i = 1; i < count; i++) {
                int tag = in.readUnsignedByte();
                switch (tag) {
                    case 1 -> utf8[i] = in.readUTF();
                    case 7 -> classRefs.add(in.readUnsignedShort());
                    case 8 -> stringRefs.add(in.readUnsignedShort());
                    case 16, 19, 20 -> in.readUnsignedShort();
                    case 15 -> in.skipNBytes(3);
                    case 3, 4, 9, 10, 11, 12, 17, 18 -> in.skipNBytes(4);
                    case 5, 6 -> {
                        in.skipNBytes(8);
                        i++;
                    }
                    default -> throw new IOException("unknown constant pool tag " + tag);
                }
            }
            return new ConstantPool(stringRefs.stream().map(r -> utf8[r]).toList(),
                    classRefs.stream().map(r -> utf8[r]).toList());
        }
    }
}
