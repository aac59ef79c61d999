package fleet.reconciler.commands;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.pgclient.PgConnection;
import io.vertx.pgclient.PgConnectOptions;
import org.jboss.logging.Logger;

/**
 * A dedicated, unpooled session that LISTENs on {@code operator_command_work} so a queued command is picked up at once.
 * It holds no locks: losing it only delays work until the next poll, which also reconnects it. Call on the executor's
 * context only.
 */
final class CommandWakeups {

    private static final Logger LOG = Logger.getLogger(CommandWakeups.class);

    private final Vertx vertx;
    private final PgConnectOptions options;
    private final String channel;
    private final Runnable onWake;
    private PgConnection connection;
    private boolean connecting;
    private boolean closed;

    CommandWakeups(Vertx vertx, PgConnectOptions options, String applicationName, String channel, Runnable onWake) {
        this.vertx = vertx;
        this.options = new PgConnectOptions(options).setTcpKeepAlive(true);
        this.options.addProperty("application_name", applicationName);
        this.channel = channel;
        this.onWake = onWake;
    }

    boolean isListening() {
        return connection != null;
    }

    /** Connects and LISTENs unless already done; a fresh session wakes the executor once (it may have missed NOTIFYs). */
    void ensureListening() {
        if (connection != null || connecting || closed) {
            return;
        }
        connecting = true;
        PgConnection.connect(vertx, options)
                .chain(c -> c.query("LISTEN " + channel).execute().replaceWith(c)
                        .onFailure().call(() -> c.close()))
                .subscribe().with(c -> {
                    connecting = false;
                    if (closed) {
                        c.close().subscribe().with(ok -> { }, failure -> { });
                        return;
                    }
                    connection = c;
                    c.notificationHandler(n -> onWake.run());
                    c.closeHandler(() -> {
                        if (connection == c) {
                            connection = null;
                        }
                    });
                    onWake.run();
                }, failure -> {
                    connecting = false;
                    LOG.debugf("command wake-up connection not available: %s", failure.getMessage());
                });
    }

    Uni<Void> close() {
        closed = true;
        PgConnection c = connection;
        connection = null;
        return c == null ? Uni.createFrom().voidItem() : c.close().onFailure().recoverWithNull().replaceWithVoid();
    }
}
