package fleet.driver.cgminer;

import static fleet.driver.testsupport.ScriptedMinerServer.fixture;
import static org.assertj.core.api.Assertions.assertThat;

import fleet.domain.CurtailmentLevel;
import fleet.driver.CommandOutcome.Kind;
import fleet.driver.DeviceEndpoint;
import fleet.driver.DriverSettings;
import fleet.driver.MinerState;
import fleet.driver.PreCurtailSnapshot;
import fleet.driver.RefusalReason;
import fleet.driver.TelemetrySample;
import fleet.driver.testsupport.MutableClock;
import fleet.driver.testsupport.ScriptedMinerServer;
import fleet.driver.transport.CgminerClient;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class CgminerDriverTest {

    private static final Duration AWAIT = Duration.ofSeconds(5);

    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-27T10:00:00Z"));
    private Vertx vertx;
    private ScriptedMinerServer server;
    private CgminerClient client;
    private CgminerDriver driver;
    private DeviceEndpoint miner;

    @BeforeEach
    void setUp() {
        vertx = Vertx.vertx();
        server = ScriptedMinerServer.start(vertx, "127.88.3.1", r -> switch (r.path("command").asText()) {
            case "summary" -> fixture("cgminer/summary_bmminer.json");
            case "pools" -> fixture("cgminer/pools_alive.json");
            case "version" -> fixture("cgminer/version_bmminer.json");
            default -> fixture("cgminer/multi_rejected.json");
        });
        client = new CgminerClient(vertx, clock, DriverSettings.defaults());
        driver = new CgminerDriver(client, clock);
        miner = server.endpoint(CgminerDriver.NAME);
    }

    @AfterEach
    void tearDown() {
        client.close();
        server.close();
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }

    @Test
    void readsTelemetryFromFirmwareThatRejectsMultiCommands() {
        TelemetrySample sample = driver.readTelemetry(miner).await().atMost(AWAIT);
        assertThat(sample.state()).isEqualTo(MinerState.MINING);
        assertThat(sample.firmware()).startsWith("BMMiner");
        assertThat(sample.powerW()).isNull();
        assertThat(server.commands()).containsExactly("summary+pools+version", "summary", "pools", "version");
    }

    @Test
    void everyCommandIsRefusedAsUnsupportedWithoutTouchingTheMiner() {
        assertThat(driver.curtail(miner, CurtailmentLevel.FULL, PreCurtailSnapshot.unknown()).await().atMost(AWAIT))
                .satisfies(o -> {
                    assertThat(o.kind()).isEqualTo(Kind.REFUSED);
                    assertThat(o.reason()).isEqualTo(RefusalReason.UNSUPPORTED);
                });
        assertThat(driver.uncurtail(miner, PreCurtailSnapshot.unknown()).await().atMost(AWAIT).reason())
                .isEqualTo(RefusalReason.UNSUPPORTED);
        assertThat(driver.reboot(miner).await().atMost(AWAIT).reason()).isEqualTo(RefusalReason.UNSUPPORTED);
        assertThat(driver.setPowerTarget(miner, 3000).await().atMost(AWAIT).reason()).isEqualTo(RefusalReason.UNSUPPORTED);
        assertThat(server.requests()).isEmpty();
    }

    @Test
    void capabilitiesAreTelemetryOnly() {
        assertThat(driver.capabilities(miner).await().atMost(AWAIT).flags()).isEmpty();
        assertThat(server.commands()).containsExactly("version");
    }
}
