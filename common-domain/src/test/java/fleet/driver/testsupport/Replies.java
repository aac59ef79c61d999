package fleet.driver.testsupport;

import fleet.driver.transport.CgminerReply;
import fleet.driver.transport.LenientJson;
import java.io.IOException;
import java.io.UncheckedIOException;

/** Parses fixtures into replies, as the transport would. */
public final class Replies {

    private Replies() {
    }

    public static CgminerReply fixture(String name) {
        return parse(Fixtures.bytes(name));
    }

    public static CgminerReply parse(byte[] bytes) {
        try {
            return CgminerReply.of(LenientJson.parse(bytes), bytes, 4096);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
