package fleet.driver.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import fleet.driver.testsupport.Fixtures;
import java.io.IOException;
import org.junit.jupiter.api.Test;

class LenientJsonTest {

    @Test
    void trailingNulIsTheEndOfTheReplyAndGarbageAfterItIsIgnored() throws IOException {
        JsonNode root = LenientJson.parse(Fixtures.bytes("quirks/trailing_nul_and_garbage.json"));
        assertThat(root.path("SUMMARY").get(0).path("GHS 5s").doubleValue()).isEqualTo(110000.0);
    }

    @Test
    void trailingCommasInObjectsAndArraysAreAccepted() throws IOException {
        JsonNode root = LenientJson.parse(Fixtures.bytes("quirks/trailing_commas.json"));
        assertThat(root.path("POWER").get(0).path("Watts").intValue()).isEqualTo(3215);
        assertThat(root.path("POWER")).hasSize(1);
    }

    @Test
    void bareInfAndNanBecomeNonFiniteNumbersThatCoerceToNull() throws IOException {
        JsonNode summary = LenientJson.parse(Fixtures.bytes("quirks/inf_nan.json")).path("SUMMARY").get(0);
        assertThat(LenientValues.asDouble(summary.get("MHS 5s"))).isNull();
        assertThat(LenientValues.asDouble(summary.get("MHS av"))).isNull();
        assertThat(LenientValues.asDouble(summary.get("Temperature"))).isNull();
        assertThat(LenientValues.asDouble(summary.get("MHS 1m"))).isEqualTo(123456.0);
    }

    @Test
    void objectsWithoutACommaBetweenThemAndAMissingCommaBeforeAKeyAreRepaired() throws IOException {
        JsonNode stats = LenientJson.parse(Fixtures.bytes("quirks/objects_without_comma.json")).path("STATS");
        assertThat(stats).hasSize(2);
        assertThat(stats.get(1).path("chain_power").asText()).isEqualTo("3250 W");
        assertThat(stats.get(1).path("temp0").intValue()).isEqualTo(64);
    }

    @Test
    void aLeadingCommaInAnArrayIsDropped() throws IOException {
        JsonNode root = LenientJson.parse(Fixtures.bytes("quirks/leading_comma_in_array.json"));
        assertThat(root.path("POOLS")).hasSize(1);
        assertThat(root.path("STATUS").get(0).path("Code").intValue()).isEqualTo(7);
    }

    @Test
    void aRawNewlineInsideAStringIsAccepted() throws IOException {
        JsonNode root = LenientJson.parse(Fixtures.bytes("quirks/raw_newline_in_string.json"));
        assertThat(root.path("STATUS").get(0).path("Msg").asText()).isEqualTo("Summary\nwith a raw newline");
    }

    @Test
    void repairsLeaveStringContentAlone() {
        assertThat(LenientJson.repair("{\"a\":\"}{ inf ,] nan\",\"b\":[1,2]}"))
                .isEqualTo("{\"a\":\"}{ inf ,] nan\",\"b\":[1,2]}");
        assertThat(LenientJson.repair("{\"a\":\"x\\\"}{\" \"b\":1}")).isEqualTo("{\"a\":\"x\\\"}{\" ,\"b\":1}");
    }

    @Test
    void aTruncatedReplyIsAnError() {
        assertThatThrownBy(() -> LenientJson.parse(Fixtures.bytes("quirks/truncated.json")))
                .isInstanceOf(IOException.class);
    }

    @Test
    void somethingThatIsNotJsonAtAllIsAnError() {
        assertThatThrownBy(() -> LenientJson.parse(Fixtures.bytes("quirks/not_json.txt")))
                .isInstanceOf(IOException.class);
        assertThatThrownBy(() -> LenientJson.parse(new byte[] {0})).isInstanceOf(IOException.class);
    }
}
