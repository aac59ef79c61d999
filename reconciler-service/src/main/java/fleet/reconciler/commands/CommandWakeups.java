package fleet.reconciler.commands;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.pgclient.pubsub.PgSubscriber;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgConnection;
import java.time.Duration;
import org.jboss.logging.Logger;

/**
 * A dedicated, unpooled session that LISTENs on {@code operator_command_work} so a queued command is picked up at once:
 * a Vert.x {@link PgSubscriber}, which re-opens a lost session and re-LISTENs by itself, every {@code retryEvery}. It
 * holds no locks: losing it only delays work until the next poll. A fresh session wakes the executor once (it may have
 * missed NOTIFYs). Call on the executor's context only.
 */
final class CommandWakeups {

    private static final Logger LOG = Logger.getLogger(CommandWakeups.class);

    private final PgSubscriber subscriber;
    private final Runnable onWake;
    private boolean connecting;
    private boolean closed;

    /**
     * @param retryEvery how long after losing the session (and between failed attempts) it is re-opened: the poll
     *                   interval, so that a reconnect costs no more than the poll that stands in for it
     */
    CommandWakeups(Vertx vertx, PgConnectOptions options, String applicationName, String channel, Duration retryEvery,
            Runnable onWake) {
        PgConnectOptions listenOptions = new PgConnectOptions(options).setTcpKeepAlive(true);
        listenOptions.addProperty("application_name", applicationName);
        this.onWake = onWake;
        long retryMillis = Math.max(1, retryEvery.toMillis());
        this.subscriber = PgSubscriber.subscriber(vertx, listenOptions)
                .reconnectPolicy(attempt -> closed ? -1L : retryMillis);
        subscriber.channel(channel).subscribeHandler(this::onListening).handler(payload -> onWake.run());
    }

    /**
     * Connects and LISTENs unless done already. Only the first session needs this (and a first attempt that failed):
     * {@link PgSubscriber} re-opens only a session it once had.
     */
    void ensureListening() {
        if (closed || connecting || !subscriber.closed()) {
            return;
        }
        connecting = true;
        subscriber.connect().subscribe().with(ok -> connecting = false, failure -> {
            connecting = false;
            if (subscriber.getDelegate().actualConnection() == null) {
                // the session never opened: back to closed (the channel stays), so that the next poll starts over
                subscriber.closeAndForget();
            } // else LISTEN failed on an open session, which the subscriber closes and re-opens by its policy
            LOG.debugf("command wake-up connection not available: %s", failure.getMessage());
        });
    }

    Uni<Void> close() {
        closed = true;
        return subscriber.close().onFailure().recoverWithNull().replaceWithVoid();
    }

    private void onListening() {
        if (closed) {
            PgConnection c = subscriber.getDelegate().actualConnection();
            if (c != null) {
                c.close(); // a reconnect that raced close(): the subscriber is closed and will not reopen
            }
            return;
        }
        onWake.run();
    }
}
