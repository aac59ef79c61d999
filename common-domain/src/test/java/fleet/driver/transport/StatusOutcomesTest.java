package fleet.driver.transport;

import static org.assertj.core.api.Assertions.assertThat;

import fleet.driver.CommandOutcome.Kind;
import fleet.driver.RefusalReason;
import fleet.driver.testsupport.Replies;
import org.junit.jupiter.api.Test;

class StatusOutcomesTest {

    @Test
    void successStatusIsAcceptedWithTheFirmwareMessage() {
        var outcome = StatusOutcomes.of(Replies.fixture("luxos/curtail_sleep_ok.json"));
        assertThat(outcome.kind()).isEqualTo(Kind.ACCEPTED);
        assertThat(outcome.detail()).contains("335").contains("Curtailment command sent");
    }

    @Test
    void code402IsBusyAndRetryable() {
        var outcome = StatusOutcomes.of(Replies.fixture("luxos/logon_busy_402.json"));
        assertThat(outcome.kind()).isEqualTo(Kind.BUSY);
        assertThat(outcome.retryable()).isTrue();
    }

    @Test
    void code45IsAPermanentAccessDenial() {
        var outcome = StatusOutcomes.of(Replies.fixture("luxos/access_denied_45.json"));
        assertThat(outcome.kind()).isEqualTo(Kind.REFUSED);
        assertThat(outcome.reason()).isEqualTo(RefusalReason.ACCESS_DENIED);
        assertThat(outcome.retryable()).isFalse();
    }

    @Test
    void code14MeansTheFirmwareLacksTheCommand() {
        var outcome = StatusOutcomes.of(Replies.fixture("luxos/invalid_command_14.json"));
        assertThat(outcome.reason()).isEqualTo(RefusalReason.UNSUPPORTED);
    }

    @Test
    void whatsminerFlatStatusIsUnderstood() {
        CgminerReply reply = Replies.fixture("quirks/whatsminer_flat_status.json");
        assertThat(reply.ok()).isTrue();
        assertThat(reply.status().code()).isEqualTo(131);
    }

    @Test
    void aReplyWithoutEnvelopeIsAProtocolErrorWithItsBytes() {
        var reply = CgminerReply.of(LenientJson.mapper().createObjectNode().put("x", 1), "{\"x\":1}".getBytes(), 100);
        var outcome = StatusOutcomes.of(reply);
        assertThat(outcome.kind()).isEqualTo(Kind.PROTOCOL_ERROR);
        assertThat(outcome.rawReply().preview()).isEqualTo("{\"x\":1}");
    }
}
