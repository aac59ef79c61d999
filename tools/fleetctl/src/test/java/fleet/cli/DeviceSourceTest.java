package fleet.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import fleet.curtailment.v1.DeviceRegistration;
import java.io.StringReader;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The device sources of {@code devices register}. */
class DeviceSourceTest {

    @Test
    void csvColumnsMapToRegistrationFieldsInAnyOrder() throws Exception {
        List<DeviceRegistration> devices = DeviceSource.csv(new StringReader("""
                host,identifier,driver,port,group_ids
                10.0.0.5,rack1-01,luxos,4028,g1;g2
                10.0.0.6,rack1-02,cgminer,4029,
                """));

        assertThat(devices).containsExactly(
                DeviceRegistration.newBuilder().setIdentifier("rack1-01").setHost("10.0.0.5").setPort(4028)
                        .setDriver("luxos").addGroupIds("g1").addGroupIds("g2").build(),
                DeviceRegistration.newBuilder().setIdentifier("rack1-02").setHost("10.0.0.6").setPort(4029)
                        .setDriver("cgminer").build());
    }

    @Test
    void csvRefusesUnknownColumnsAndBadPorts() {
        assertThatThrownBy(() -> DeviceSource.csv(new StringReader("identifier,ip\na,1.2.3.4\n")))
                .hasMessageContaining("unknown CSV column 'ip'");
        assertThatThrownBy(() -> DeviceSource.csv(new StringReader("identifier,port\na,x\n")))
                .hasMessageContaining("line 2: port 'x'");
    }

    @Test
    void jsonIsAnArrayOrARegisterDevicesRequest() throws Exception {
        DeviceRegistration expected = DeviceRegistration.newBuilder().setIdentifier("a").setHost("h").setPort(4028)
                .setDriver("luxos").setRackId("r").build();

        assertThat(DeviceSource.json("[{\"identifier\":\"a\",\"host\":\"h\",\"port\":4028,\"driver\":\"luxos\","
                + "\"rack_id\":\"r\"}]")).containsExactly(expected);
        assertThat(DeviceSource.json("{\"devices\":[{\"identifier\":\"a\",\"host\":\"h\",\"port\":4028,"
                + "\"driver\":\"luxos\",\"rackId\":\"r\"}]}")).containsExactly(expected);
    }

    @Test
    void aSimulatedFleetFollowsTheSimulatorsAddressing() {
        List<DeviceRegistration> fleet = DeviceSource.simulated(3, "127.1.255.255", "sim-", 4028, "luxos", null);

        assertThat(fleet).extracting(DeviceRegistration::getIdentifier).containsExactly("sim-00001", "sim-00002", "sim-00003");
        assertThat(fleet).extracting(DeviceRegistration::getHost).containsExactly("127.1.255.255", "127.2.0.0", "127.2.0.1");
        assertThatThrownBy(() -> DeviceSource.simulated(1, "10.0.0.1", "sim-", 4028, "luxos", null))
                .hasMessageContaining("loopback");
        assertThatThrownBy(() -> DeviceSource.simulated(2, "127.255.255.254", "sim-", 4028, "luxos", null))
                .hasMessageContaining("outside 127.0.0.0/8");
    }
}
