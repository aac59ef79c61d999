package fleet.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Benchmarks of SPEC §10, run as {@code java -jar tools/bench/target/bench.jar start --sizes 1000,10000,100000}.
 * See tools/bench/README.md.
 */
@Command(name = "bench", mixinStandardHelpOptions = true, subcommands = StartBench.Start.class,
        description = "Fleet curtailment benchmarks (SPEC §10).")
public final class StartBench implements Runnable {

    public static void main(String[] args) {
        System.exit(new CommandLine(new StartBench()).execute(args));
    }

    @Override
    public void run() {
        CommandLine.usage(this, System.out);
    }

    @Command(name = "start", mixinStandardHelpOptions = true,
            description = "PreviewCurtailmentPlan and StartCurtailment latency (FULL_FLEET, whole org) per fleet size,"
                    + " against the bare COPY of the same target rows, and the api-service's peak resident memory.")
    static final class Start implements Callable<Integer> {

        @Option(names = "--sizes", split = ",", defaultValue = "1000,10000,100000",
                description = "Fleet sizes, one organization each (default: ${DEFAULT-VALUE}).")
        List<Integer> sizes;

        @Option(names = "--runs", description = "Measured repetitions per size (default: 7 below 100 000 devices, 5 from"
                + " 100 000).")
        Integer runs;

        @Option(names = "--warmups", description = "Unmeasured repetitions before them (default: 2 below 100 000"
                + " devices, 1 from 100 000).")
        Integer warmups;

        @Option(names = "--db-host", defaultValue = "${env:DB_HOST:-127.0.0.1}", description = "PostgreSQL host"
                + " (default: $DB_HOST or ${DEFAULT-VALUE}).")
        String dbHost;

        @Option(names = "--db-port", defaultValue = "${env:DB_PORT:-5432}", description = "PostgreSQL port.")
        int dbPort;

        @Option(names = "--db-user", defaultValue = "${env:DB_USER:-postgres}", description = "PostgreSQL user.")
        String dbUser;

        @Option(names = "--db-password", defaultValue = "${env:DB_PASSWORD:-}", description = "PostgreSQL password.")
        String dbPassword;

        @Option(names = "--db-name", defaultValue = "fleet_bench", description = "Database the bench creates and drops"
                + " (default: ${DEFAULT-VALUE}); never a database in use.")
        String dbName;

        @Option(names = "--db-setting", description = "name=value set as a default of the bench database before the"
                + " api-service connects (repeatable; diagnostics, e.g. log_min_duration_statement=0 or"
                + " session_preload_libraries=auto_explain with auto_explain.log_min_duration=0).")
        List<String> dbSettings = new ArrayList<>();

        @Option(names = "--experiment-sql", description = "SQL run on the bench database after the api-service migrated"
                + " it and before measuring (repeatable), to measure a schema change before proposing it, e.g."
                + " \"CREATE INDEX ON curtailment_target (event_id, rank, id)\". Flagged in the table.")
        List<String> experimentSql = new ArrayList<>();

        @Option(names = "--keep-db", description = "Leave the database behind for inspection.")
        boolean keepDb;

        @Option(names = "--api-app", description = "The api-service's quarkus-app directory (default:"
                + " api-service/target/quarkus-app under the working directory or a parent).")
        Path apiApp;

        @Option(names = "--api-heap", defaultValue = "256m", description = "The api-service's -Xmx (default:"
                + " ${DEFAULT-VALUE}, a third of the 768 Mi container limit, as api-service/src/main/docker sets it).")
        String apiHeap;

        @Option(names = "--api-jvm-arg", description = "Extra JVM argument for the api-service (repeatable), e.g."
                + " -XX:StartFlightRecording=filename=/tmp/api.jfr.")
        List<String> apiJvmArgs = new ArrayList<>();

        @Option(names = "--api-log", description = "Where the api-service's output goes (default: a temporary file).")
        Path apiLog;

        @Override
        public Integer call() throws Exception {
            Path app = apiApp != null ? apiApp : findApiApp();
            Path log = apiLog != null ? apiLog : Files.createTempFile("bench-api-service-", ".log");
            StartBenchmark.Options options = new StartBenchmark.Options(sizes, runs, warmups, dbHost, dbPort, dbUser,
                    dbPassword, dbName, dbSettings, experimentSql, keepDb, app, apiHeap, apiJvmArgs, log);
            StartBenchmark.Report report = new StartBenchmark(options, System.out).run();
            System.out.print(StartBenchmark.table(report));
            return 0;
        }

        private static Path findApiApp() {
            Path dir = Path.of("").toAbsolutePath();
            while (dir != null) {
                Path candidate = dir.resolve("api-service/target/quarkus-app");
                if (Files.isRegularFile(candidate.resolve("quarkus-run.jar"))) {
                    return candidate;
                }
                dir = dir.getParent();
            }
            throw new CommandLine.ParameterException(new CommandLine(new Start()), "api-service/target/quarkus-app not"
                    + " found from the working directory: build it (mvn -B -DskipTests install) or pass --api-app");
        }
    }
}
