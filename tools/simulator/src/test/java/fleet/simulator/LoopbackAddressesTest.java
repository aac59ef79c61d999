package fleet.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class LoopbackAddressesTest {

    @Test
    void consecutiveAddressesCarryIntoTheNextOctet() {
        long first = LoopbackAddresses.parse("127.1.0.1");

        assertThat(LoopbackAddresses.hostOf(first, 0)).isEqualTo("127.1.0.1");
        assertThat(LoopbackAddresses.hostOf(first, 254)).isEqualTo("127.1.0.255");
        assertThat(LoopbackAddresses.hostOf(first, 255)).isEqualTo("127.1.1.0");
        assertThat(LoopbackAddresses.hostOf(first, 9_999)).isEqualTo("127.1.39.16");
    }

    @Test
    void indexOfIsTheInverseWithinTheFleet() {
        long first = LoopbackAddresses.parse("127.1.0.1");

        assertThat(LoopbackAddresses.indexOf(first, 10_000, "127.1.39.16")).isEqualTo(9_999);
        assertThat(LoopbackAddresses.indexOf(first, 10_000, "127.1.39.17")).isEqualTo(-1);
        assertThat(LoopbackAddresses.indexOf(first, 10_000, "127.1.0.0")).isEqualTo(-1);
        assertThat(LoopbackAddresses.indexOf(first, 10_000, "not-an-ip")).isEqualTo(-1);
    }

    @Test
    void onlyLoopbackAddressesThatFitAreAccepted() {
        assertThatThrownBy(() -> LoopbackAddresses.parse("10.0.0.1")).hasMessageContaining("loopback");
        assertThatThrownBy(() -> LoopbackAddresses.parse("127.1.0")).hasMessageContaining("IPv4");
        assertThatThrownBy(() -> LoopbackAddresses.hostOf(LoopbackAddresses.parse("127.255.255.250"), 10))
                .hasMessageContaining("outside 127.0.0.0/8");
    }
}
