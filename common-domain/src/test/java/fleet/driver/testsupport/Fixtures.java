package fleet.driver.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** Byte-exact reply fixtures from {@code src/test/resources/fixtures}. */
public final class Fixtures {

    private Fixtures() {
    }

    /** The wire bytes of a fixture, e.g. {@code "luxos/summary_mining.json"}. */
    public static byte[] bytes(String name) {
        try (InputStream in = Fixtures.class.getResourceAsStream("/fixtures/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no fixture " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
