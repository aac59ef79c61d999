package fleet.cli;

import java.io.Console;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.UnaryOperator;

/**
 * Where fleetctl finds a secret (an API token, a database password) without it ever being typed on the command line,
 * in this order: a file ({@code --token-file}), the environment, an interactive prompt without echo (only when a
 * terminal is attached). A flag that carries the secret itself still works, first of all, but prints a warning:
 * its value is visible to every user of the machine in the process list and stays in the shell's history.
 */
final class Secrets {

    /** The environment; tests replace it (the JVM's own cannot be changed). */
    static UnaryOperator<String> environment = System::getenv;

    private Secrets() {
    }

    /** What the secret is called and where each source of it is. */
    record Source(String what, String flag, String flagValue, Path file, String fileFlag, String... envNames) {
    }

    /** The secret, or null when no source holds one. */
    static String resolve(Source s, PrintWriter err, boolean prompt) {
        if (s.flagValue() != null) {
            err.println("warning: " + s.flag() + " puts the " + s.what() + " in the process list and the shell history;"
                    + " use " + (s.fileFlag() == null ? "" : s.fileFlag() + ", ") + String.join(" or ", s.envNames())
                    + (prompt ? " or the interactive prompt" : "") + " instead");
            err.flush();
            return s.flagValue();
        }
        if (s.file() != null) {
            return readFile(s.file(), s.fileFlag());
        }
        for (String name : s.envNames()) {
            String v = environment.apply(name);
            if (v != null && !v.isBlank()) {
                return v.strip();
            }
        }
        Console console = System.console();
        if (prompt && console != null) {
            char[] typed = console.readPassword("%s: ", s.what());
            return typed == null || typed.length == 0 ? null : new String(typed).strip();
        }
        return null;
    }

    /** The file's first line, trimmed; an unreadable or empty file is a usage error. */
    static String readFile(Path file, String flag) {
        try {
            String content = Files.readString(file, StandardCharsets.UTF_8).strip();
            String first = content.lines().findFirst().orElse("").strip();
            if (first.isEmpty()) {
                throw new IllegalArgumentException(flag + " " + file + " is empty");
            }
            return first;
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + flag + " " + file + ": " + e.getMessage());
        }
    }
}
