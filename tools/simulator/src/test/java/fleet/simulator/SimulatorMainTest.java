package fleet.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class SimulatorMainTest {

    private static SimulatorConfig parse(String... args) {
        SimulatorMain main = new SimulatorMain();
        new CommandLine(main).parseArgs(args);
        return main.toConfig();
    }

    @Test
    void optionsMapOntoTheConfiguration() {
        SimulatorConfig config = parse("--miners", "10000", "--first-address", "127.1.0.1", "--port", "4028",
                "--time-scale", "10", "--control-port", "4080", "--seed", "7", "--fault", "stuck_hashing:0.01",
                "--fault", "offline:0-9", "--wake-profile", "stock", "--session-timeout", "30");

        assertThat(config.miners()).isEqualTo(10_000);
        assertThat(config.timeScale()).isEqualTo(10.0);
        assertThat(config.controlPort()).hasValue(4080);
        assertThat(config.seed()).isEqualTo(7);
        assertThat(config.faults()).hasSize(2);
        assertThat(config.faults().get(0).selection().resolve(10_000)).hasSize(100);
        assertThat(config.wakeProfile()).isEqualTo(WakeProfile.STOCK);
        assertThat(config.sessionIdleTimeout()).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void defaultsServeAHundredMinersWithAControlSurface() {
        SimulatorConfig config = parse();

        assertThat(config.miners()).isEqualTo(100);
        assertThat(config.firstAddress()).isEqualTo("127.1.0.1");
        assertThat(config.port()).isEqualTo(4028);
        assertThat(config.controlPort()).hasValue(4080);
        assertThat(config.timeScale()).isEqualTo(1.0);
    }

    @Test
    void negativeControlPortDisablesTheControlSurface() {
        assertThat(parse("--control-port", "-1").controlPort()).isEmpty();
    }
}
