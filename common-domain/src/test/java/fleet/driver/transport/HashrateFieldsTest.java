package fleet.driver.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import fleet.driver.testsupport.Replies;
import org.junit.jupiter.api.Test;

class HashrateFieldsTest {

    @Test
    void gigahashFieldsAreNormalisedToHashesPerSecond() {
        var summary = Replies.fixture("luxos/summary_mining.json").first("SUMMARY");
        assertThat(HashrateFields.shortWindowHs(summary)).isCloseTo(110512.37e9, within(1.0));
        assertThat(HashrateFields.averageHs(summary)).isCloseTo(109870.11e9, within(1.0));
    }

    @Test
    void megahashFieldsAreNormalisedToHashesPerSecond() {
        var summary = Replies.fixture("cgminer/summary_whatsminer.json").first("SUMMARY");
        assertThat(HashrateFields.shortWindowHs(summary)).isCloseTo(99123456.7e6, within(1.0));
    }

    @Test
    void terahashFieldsAreNormalisedToo() {
        ObjectNode entry = JsonNodeFactory.instance.objectNode().put("THS 5s", 200.5);
        assertThat(HashrateFields.shortWindowHs(entry)).isEqualTo(200.5e12);
    }

    @Test
    void theShortWindowIsNeverTheLifetimeAverage() {
        // asleep: 5 s rate is zero while the average still shows ~110 TH/s
        var summary = Replies.fixture("luxos/summary_sleeping.json").first("SUMMARY");
        assertThat(HashrateFields.shortWindowHs(summary)).isZero();
        assertThat(HashrateFields.averageHs(summary)).isGreaterThan(1e14);
        ObjectNode onlyAverage = JsonNodeFactory.instance.objectNode().put("GHS av", 1000.0);
        assertThat(HashrateFields.shortWindowHs(onlyAverage)).isNull();
    }

    @Test
    void theOneMinuteWindowIsTheFallbackForTheFiveSecondOne() {
        var summary = Replies.fixture("quirks/inf_nan.json").first("SUMMARY");
        assertThat(HashrateFields.shortWindowHs(summary)).isEqualTo(123456.0e6);
    }
}
