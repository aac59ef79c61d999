package fleet.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The one-command demo, short variant (SPEC §8, issue 6): 200 miners with fast ramps, every process real, run to
 * completion as part of the test command; its summary is printed.
 */
class DemoTest {

    @Test
    void theShortDemoRunsToCompletionAndPrintsItsSummary() {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        PrintStream tee = new PrintStream(new OutputStream() {
            @Override
            public void write(int b) {
                buffer.write(b);
                System.out.write(b);
            }
        }, true, StandardCharsets.UTF_8);
        Demo demo = new Demo(tee);
        int exit = new CommandLine(demo).execute("--miners", "200", "--time-scale", "20", "--first-address", "127.90.0.1",
                "--restore-batch", "80", "--restore-interval", "1", "--poll-interval", "2s", "--work-dir", "target/demo");
        tee.flush();
        String output = buffer.toString(StandardCharsets.UTF_8);
        assertThat(exit).as(output).isZero();
        assertThat(output).contains("==> Summary").contains("final state                 CURTAILMENT_EVENT_STATE_COMPLETED");
        // D37: one miner's audit trail, sleep and wake-up with the firmware's reply, and the fleetctl command for it
        assertThat(output).contains("==> Audit: what touched sim-")
                .containsPattern("CURTAIL +ACCEPTED \\(335\\) attempt 1, event [0-9a-f-]{36} \\(\"demo: price spike\", started by api_key ")
                .containsPattern("RESTORE +ACCEPTED \\(335\\) attempt 1")
                .contains("fleetctl devices history sim-");
        Demo.Summary s = demo.summary();
        assertThat(s.shedKwConfirmed()).isGreaterThanOrEqualTo(s.targetKw() * 0.98);
        assertThat(s.shedKwTrue()).isGreaterThan(s.targetKw() * 0.9);
    }
}
