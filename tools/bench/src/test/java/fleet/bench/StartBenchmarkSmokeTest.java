package fleet.bench;

import static org.assertj.core.api.Assertions.assertThat;

import fleet.testsupport.TestDatabase;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The benchmark's code path end to end at a tiny size (200 devices, 1 warm-up + 2 runs): api-service child process,
 * registration over gRPC, telemetry, Preview, Start, release, the COPY floor, the table. Asserts that it completes
 * and that every figure is present — never a timing. The packaged api-service is required, not optional: this module
 * depends on it (pom only) so the reactor packages it first; a build of this module alone needs {@code -am}.
 */
class StartBenchmarkSmokeTest {

    @Test
    void runsTheWholeBenchmarkOnATinyFleet() throws Exception {
        Path app = Path.of("../../api-service/target/quarkus-app").toAbsolutePath().normalize();
        assertThat(app.resolve("quarkus-run.jar")).as("the packaged api-service (build with -am from the repository root)")
                .isRegularFile();
        TestDatabase pg = TestDatabase.get();
        Path log = Files.createTempFile("bench-smoke-api-service-", ".log");
        var options = new StartBenchmark.Options(List.of(200), 2, 1, pg.host(), pg.port(), pg.user(), pg.password(),
                "fleet_bench_smoke", List.of(), List.of(), false, app, "256m", List.of(), log);
        ByteArrayOutputStream progress = new ByteArrayOutputStream();

        StartBenchmark.Report report = new StartBenchmark(options, new PrintStream(progress, true, StandardCharsets.UTF_8))
                .run();

        assertThat(report.sizes()).hasSize(1);
        StartBenchmark.SizeResult r = report.sizes().get(0);
        assertThat(r.devices()).isEqualTo(200);
        assertThat(r.preview().ms()).hasSize(2).allMatch(ms -> ms > 0);
        assertThat(r.start().ms()).hasSize(2).allMatch(ms -> ms > 0);
        assertThat(r.copy().ms()).hasSize(2).allMatch(ms -> ms > 0);
        assertThat(r.startPeakRssKb()).isPositive();
        assertThat(StartBenchmark.table(report)).contains("Start/COPY").contains("200");
        Files.deleteIfExists(log);
    }
}
