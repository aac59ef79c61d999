package fleet.driver.guard;

import static fleet.driver.guard.MinerCircuitBreaker.Decision.ALLOW;
import static fleet.driver.guard.MinerCircuitBreaker.Decision.PROBE;
import static fleet.driver.guard.MinerCircuitBreaker.Decision.REJECT;
import static org.assertj.core.api.Assertions.assertThat;

import fleet.driver.testsupport.MutableClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class MinerCircuitBreakerTest {

    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-27T10:00:00Z"));
    private final MinerCircuitBreaker breaker = new MinerCircuitBreaker(clock, 3, Duration.ofSeconds(30));

    @Test
    void opensAfterKConsecutiveFailuresAndOnlyForThatMiner() {
        breaker.onFailure("a");
        breaker.onFailure("a");
        assertThat(breaker.acquire("a")).isEqualTo(ALLOW);
        breaker.onFailure("a");
        assertThat(breaker.acquire("a")).isEqualTo(REJECT);
        assertThat(breaker.openUntil("a")).isEqualTo(clock.instant().plusSeconds(30));
        assertThat(breaker.acquire("b")).isEqualTo(ALLOW);
    }

    @Test
    void aSuccessInBetweenResetsTheCount() {
        breaker.onFailure("a");
        breaker.onFailure("a");
        breaker.onSuccess("a");
        breaker.onFailure("a");
        breaker.onFailure("a");
        assertThat(breaker.acquire("a")).isEqualTo(ALLOW);
        assertThat(breaker.trackedMiners()).isEqualTo(1);
    }

    @Test
    void afterTheCoolOffExactlyOneProbeGoesThrough() {
        open("a");
        clock.advance(Duration.ofSeconds(30));
        assertThat(breaker.acquire("a")).isEqualTo(PROBE);
        assertThat(breaker.acquire("a")).as("a second caller while the probe runs").isEqualTo(REJECT);
    }

    @Test
    void aSuccessfulProbeClosesTheCircuitAndForgetsTheMiner() {
        open("a");
        clock.advance(Duration.ofSeconds(31));
        assertThat(breaker.acquire("a")).isEqualTo(PROBE);
        breaker.onSuccess("a");
        assertThat(breaker.acquire("a")).isEqualTo(ALLOW);
        assertThat(breaker.trackedMiners()).isZero();
    }

    @Test
    void aFailedProbeReopensForAnotherCoolOff() {
        open("a");
        clock.advance(Duration.ofSeconds(30));
        assertThat(breaker.acquire("a")).isEqualTo(PROBE);
        breaker.onFailure("a");
        assertThat(breaker.acquire("a")).isEqualTo(REJECT);
        clock.advance(Duration.ofSeconds(30));
        assertThat(breaker.acquire("a")).isEqualTo(PROBE);
    }

    @Test
    void aProbeWhoseCallerNeverReportedIsReplacedAfterAnotherCoolOff() {
        open("a");
        clock.advance(Duration.ofSeconds(30));
        assertThat(breaker.acquire("a")).isEqualTo(PROBE);
        clock.advance(Duration.ofSeconds(30));
        assertThat(breaker.acquire("a")).isEqualTo(PROBE);
    }

    private void open(String key) {
        for (int i = 0; i < 3; i++) {
            breaker.onFailure(key);
        }
        assertThat(breaker.acquire(key)).isEqualTo(REJECT);
    }
}
