package fleet.driver.transport;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import fleet.driver.testsupport.Replies;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class LenientValuesTest {

    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    @Test
    void numbersArriveAsStringsWithUnits() {
        CgminerReply reply = Replies.fixture("quirks/numbers_as_strings.json");
        JsonNode power = reply.first("POWER");
        assertThat(LenientValues.asDouble(power.get("Watts"))).isEqualTo(3250.0);
        assertThat(LenientValues.asBoolean(power.get("PSU"))).isTrue();
        assertThat(reply.status().code()).isEqualTo(311);
        assertThat(reply.status().when()).isEqualTo(Instant.ofEpochSecond(1_764_310_000L));
    }

    @Test
    void missingOrMeaninglessValuesStayMissing() {
        assertThat(LenientValues.asDouble(null)).isNull();
        assertThat(LenientValues.asDouble(F.nullNode())).isNull();
        assertThat(LenientValues.asDouble(F.textNode("n/a"))).isNull();
        assertThat(LenientValues.asDouble(F.textNode("inf"))).isNull();
        assertThat(LenientValues.asDouble(F.numberNode(Double.NaN))).isNull();
        assertThat(LenientValues.asDouble(F.booleanNode(true))).isNull();
        assertThat(LenientValues.asBoolean(F.textNode("maybe"))).isNull();
        assertThat(LenientValues.asText(F.textNode("  "))).isNull();
    }

    @Test
    void numericTextForms() {
        assertThat(LenientValues.asDouble(F.textNode(" 1.5e3 W"))).isEqualTo(1500.0);
        assertThat(LenientValues.asDouble(F.textNode("-1"))).isEqualTo(-1.0);
        assertThat(LenientValues.asInteger(F.textNode("1"))).isEqualTo(1);
        assertThat(LenientValues.asBoolean(F.textNode("Y"))).isTrue();
        assertThat(LenientValues.asBoolean(F.numberNode(0))).isFalse();
    }
}
