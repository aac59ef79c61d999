package fleet.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Secrets off the command line: the bearer token from $FLEET_TOKEN or --token-file reaches the server with no
 * warning; --token still works but warns on stderr; an empty or missing source is a usage error (exit 2) before any
 * call. Against a scripted gRPC server that records the authorization header.
 */
class SecretsCommandTest {

    private static final String EVENT = "6f1c1b8e-3c1a-4a53-9d7e-2b9b0a1e4c11";

    private FakeApi api;

    @TempDir
    Path dir;

    record Run(int exitCode, String out, String err) {
    }

    @BeforeEach
    void start() throws Exception {
        api = new FakeApi();
    }

    @AfterEach
    void stop() {
        api.close();
        Secrets.environment = System::getenv;
    }

    private Run run(Map<String, String> env, String... args) {
        Secrets.environment = env::get;
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = FleetCtl.configure(new CommandLine(new FleetCtl()));
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int code = cli.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void theTokenFromTheEnvironmentIsSentWithoutAWarning() {
        Run r = run(Map.of("FLEET_TOKEN", "fk_from_env\n"), "curtail", "get", EVENT, "--server", api.address());

        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(api.authorizations).containsExactly("Bearer fk_from_env");
        assertThat(r.err()).doesNotContain("warning");
    }

    @Test
    void theTokenFileWinsOverTheEnvironmentAndOnlyItsFirstLineCounts() throws Exception {
        Path file = Files.writeString(dir.resolve("token"), "fk_from_file\n# a comment that is not sent\n");

        Run r = run(Map.of("FLEET_TOKEN", "fk_from_env"), "curtail", "get", EVENT, "--server", api.address(),
                "--token-file", file.toString());

        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(api.authorizations).containsExactly("Bearer fk_from_file");
        assertThat(r.err()).doesNotContain("warning");
    }

    @Test
    void aTokenOnTheCommandLineWorksButWarnsThatItIsVisible() {
        Run r = run(Map.of("FLEET_TOKEN", "fk_from_env"), "curtail", "get", EVENT, "--server", api.address(),
                "--token", "fk_on_the_command_line");

        assertThat(r.exitCode()).isZero();
        assertThat(api.authorizations).containsExactly("Bearer fk_on_the_command_line");
        assertThat(r.err()).contains("warning: --token puts the API token in the process list and the shell history",
                "--token-file", "FLEET_TOKEN").doesNotContain("fk_on_the_command_line");
    }

    @Test
    void anEmptyOrMissingSourceIsAUsageErrorBeforeAnyCall() throws Exception {
        Path empty = Files.writeString(dir.resolve("empty"), "\n");

        Run emptyFile = run(Map.of(), "curtail", "get", EVENT, "--server", api.address(), "--token-file", empty.toString());
        Run missingFile = run(Map.of(), "curtail", "get", EVENT, "--server", api.address(), "--token-file",
                dir.resolve("nope").toString());
        Run nothing = run(Map.of(), "curtail", "get", EVENT, "--server", api.address());

        assertThat(emptyFile.exitCode()).isEqualTo(2);
        assertThat(emptyFile.err()).contains("is empty");
        assertThat(missingFile.exitCode()).isEqualTo(2);
        assertThat(missingFile.err()).contains("cannot read --token-file");
        assertThat(nothing.exitCode()).isEqualTo(2);
        assertThat(nothing.err()).contains("no credentials", "FLEET_TOKEN", "--token-file");
        assertThat(api.requests).isEmpty();
    }
}
