package fleet.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

class RequestFramerTest {

    private static RequestFramer.Status offer(RequestFramer framer, String text) {
        return framer.offer(Buffer.buffer(text));
    }

    @Test
    void jsonEndsWhereTheOutermostBracesBalance() {
        RequestFramer framer = new RequestFramer();

        assertThat(offer(framer, "  {\"command\":\"summary\"}\n{\"command\":\"logon\"}")).isEqualTo(RequestFramer.Status.COMPLETE);

        assertThat(framer.isJson()).isTrue();
        assertThat(framer.request()).isEqualTo("{\"command\":\"summary\"}");
    }

    @Test
    void bracesInsideStringsAndEscapedQuotesDoNotCount() {
        RequestFramer framer = new RequestFramer();

        assertThat(offer(framer, "{\"command\":\"x\",\"parameter\":\"}{\\\"}\"")).isEqualTo(RequestFramer.Status.INCOMPLETE);
        assertThat(offer(framer, "}")).isEqualTo(RequestFramer.Status.COMPLETE);

        assertThat(framer.request()).isEqualTo("{\"command\":\"x\",\"parameter\":\"}{\\\"}\"}");
    }

    @Test
    void jsonMayArriveInPiecesAndNestObjects() {
        RequestFramer framer = new RequestFramer();

        assertThat(offer(framer, "{\"a\":{\"b\":[1,")).isEqualTo(RequestFramer.Status.INCOMPLETE);
        assertThat(offer(framer, "{\"c\":2}]}")).isEqualTo(RequestFramer.Status.INCOMPLETE);
        assertThat(offer(framer, ",\"command\":\"devs\"}")).isEqualTo(RequestFramer.Status.COMPLETE);
    }

    @Test
    void textEndsAtNewlineOrNulOrWithItsFirstChunk() {
        RequestFramer newline = new RequestFramer();
        RequestFramer nul = new RequestFramer();
        RequestFramer bare = new RequestFramer();

        offer(newline, "summary|\nrest");
        offer(nul, "curtail|abc,sleep\0");
        offer(bare, "version");

        assertThat(newline.request()).isEqualTo("summary|");
        assertThat(nul.request()).isEqualTo("curtail|abc,sleep");
        assertThat(bare.request()).isEqualTo("version");
        assertThat(bare.isJson()).isFalse();
    }

    @Test
    void endOfStreamCompletesACutJsonRequestSoItCanBeRejected() {
        RequestFramer framer = new RequestFramer();
        offer(framer, "{\"command\":\"sum");

        assertThat(framer.endOfStream()).isEqualTo(RequestFramer.Status.COMPLETE);
        assertThat(ApiRequest.parse(framer.request(), framer.isJson()).rejection().code()).isEqualTo(23);
    }

    @Test
    void oversizedRequestIsCutOff() {
        RequestFramer framer = new RequestFramer();
        offer(framer, "{\"command\":\"");

        assertThat(offer(framer, "x".repeat(RequestFramer.MAX_REQUEST_BYTES))).isEqualTo(RequestFramer.Status.TOO_LARGE);
    }
}
