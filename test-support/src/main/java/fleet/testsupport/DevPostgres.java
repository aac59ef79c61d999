package fleet.testsupport;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.util.concurrent.CountDownLatch;

/**
 * An embedded PostgreSQL 15 for a machine with no database server: {@code java -cp ... fleet.testsupport.DevPostgres
 * [port] [database]} starts it on the port (default 5433), creates the database (default {@code fleet}) and runs
 * until interrupted. The demo launcher uses it when nothing answers on the configured port.
 */
public final class DevPostgres {

    private DevPostgres() {
    }

    public static EmbeddedPostgres start(int port, String database) throws IOException {
        EmbeddedPostgres pg = EmbeddedPostgres.builder().setPort(port).start();
        TestDatabase.createDatabaseIfMissing("127.0.0.1", port, database, "postgres", "");
        return pg;
    }

    public static void main(String[] args) throws Exception {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 5433;
        String database = args.length > 1 ? args[1] : "fleet";
        EmbeddedPostgres pg = start(port, database);
        System.out.println("embedded PostgreSQL on 127.0.0.1:" + port + " database " + database + " user postgres");
        CountDownLatch stop = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                pg.close();
            } catch (IOException ignored) {
                // exiting
            }
            stop.countDown();
        }));
        stop.await();
    }
}
