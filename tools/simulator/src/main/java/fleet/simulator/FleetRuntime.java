package fleet.simulator;

import io.vertx.core.Vertx;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntConsumer;

/** The services every connection and listener shares: time, dialect, command log, Vert.x. */
final class FleetRuntime {

    private static final int MAX_REPORTED_ERRORS = 20;

    private final Vertx vertx;
    private final SimulationTime time;
    private final LuxosDialect dialect;
    private final CommandLog commandLog;
    private final int maxOpenConnections;
    private final LongAdder connections = new LongAdder();
    private final AtomicInteger openConnections = new AtomicInteger();
    private final LongAdder shedConnections = new LongAdder();
    private final AtomicLong errors = new AtomicLong();
    private volatile IntConsumer reachabilityListener = index -> { };

    FleetRuntime(Vertx vertx, SimulationTime time, LuxosDialect dialect, CommandLog commandLog,
                 int maxOpenConnections) {
        this.vertx = vertx;
        this.maxOpenConnections = maxOpenConnections;
        this.time = time;
        this.dialect = dialect;
        this.commandLog = commandLog;
    }

    Vertx vertx() {
        return vertx;
    }

    SimulationTime time() {
        return time;
    }

    LuxosDialect dialect() {
        return dialect;
    }

    CommandLog commandLog() {
        return commandLog;
    }

    /**
     * Admits an accepted connection unless {@code maxOpenConnections} are already open. Past that
     * point the process would run out of file descriptors, {@code accept} would fail for every miner
     * at once, so the newest connection is shed instead, as an overloaded miner drops it.
     */
    boolean admitConnection() {
        connections.increment();
        if (openConnections.incrementAndGet() > maxOpenConnections) {
            openConnections.decrementAndGet();
            shedConnections.increment();
            return false;
        }
        return true;
    }

    void connectionClosed() {
        openConnections.decrementAndGet();
    }

    long connectionsShed() {
        return shedConnections.sum();
    }

    int openConnections() {
        return openConnections.get();
    }

    long connectionsAccepted() {
        return connections.sum();
    }

    void onReachabilityChange(IntConsumer listener) {
        this.reachabilityListener = listener;
    }

    /** A command may have opened or closed a miner's port (reboot); let its listener re-check. */
    void reachabilityMayHaveChanged(int minerIndex) {
        reachabilityListener.accept(minerIndex);
    }

    /** Reports an unexpected failure to stderr; only the first few, so a systematic bug cannot flood. */
    void reportError(String what, Throwable cause) {
        long count = errors.incrementAndGet();
        if (count <= MAX_REPORTED_ERRORS) {
            System.err.println("simulator error: " + what + ": " + cause);
        }
    }

    long errors() {
        return errors.get();
    }
}
