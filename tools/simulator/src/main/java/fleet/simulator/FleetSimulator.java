package fleet.simulator;

import io.vertx.core.AbstractVerticle;
import io.vertx.core.Context;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import com.sun.management.UnixOperatingSystemMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A fleet of simulated LuxOS miners, each listening on its own loopback address, plus the
 * out-of-band control and ground truth that tests assert against.
 *
 * <pre>{@code
 * try (FleetSimulator sim = FleetSimulator.start(SimulatorConfig.builder()
 *         .miners(50).firstAddress("127.77.0.1").clock(clock).timeScale(10).build())) {
 *     sim.setFault(MinerSelection.index(3), Fault.of(FaultType.STUCK_HASHING));
 *     // ... drive the real client against sim.host(i):sim.port() ...
 *     assertThat(sim.commandsReceived(sim.host(3), "curtail")).hasSize(1);
 *     assertThat(confirmedKw).isCloseTo(sim.truth().trueTotalKw(), within(0.5));
 * }
 * }</pre>
 *
 * <p>All methods are thread-safe. {@link #start} and {@link #close} block until the ports are bound
 * or released: call them from a test or main thread, never from a Vert.x event loop.
 */
public final class FleetSimulator implements AutoCloseable {

    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(120);
    private static final Duration SHUTDOWN_TIMEOUT = Duration.ofSeconds(30);
    /** Descriptors kept free for the JVM, Vert.x selectors and the control surface. */
    private static final int RESERVED_FILE_DESCRIPTORS = 256;
    private static final int MIN_CONNECTION_HEADROOM = 64;

    private final SimulatorConfig config;
    private final long firstAddress;
    private final Vertx vertx;
    private final FleetRuntime runtime;
    private final SimulatedMiner[] miners;
    private final MinerListener[] listeners;
    private ListenerSupervisor supervisor;
    private ControlHttpServer controlServer;
    private boolean closed;

    private FleetSimulator(SimulatorConfig config) {
        this.config = config;
        this.firstAddress = LoopbackAddresses.parse(config.firstAddress());
        int maxOpenConnections = connectionBudget(config.miners());
        // JUL formats timestamps with the zone rules, which it loads from a file on first use. If that
        // first use is a Netty warning about descriptor exhaustion, the load fails and the thread that
        // logs dies; loading them now keeps a later warning harmless.
        ZoneId.systemDefault().getRules();
        this.vertx = Vertx.vertx(new VertxOptions()
                .setEventLoopPoolSize(config.eventLoops())
                .setWorkerPoolSize(1)
                .setInternalBlockingPoolSize(1)
                .setPreferNativeTransport(false));
        SimulationTime time = new SimulationTime(config.clock(), config.timeScale());
        CommandLog commandLog = new CommandLog(config.controlCommandLogCapacity(), config.telemetryCommandLogCapacity());
        this.runtime = new FleetRuntime(vertx, time, new LuxosDialect(config.firmwareVersion()), commandLog,
                maxOpenConnections);
        this.miners = new SimulatedMiner[config.miners()];
        this.listeners = new MinerListener[config.miners()];
        double start = time.now().miner();
        for (int i = 0; i < miners.length; i++) {
            miners[i] = new SimulatedMiner(i, LoopbackAddresses.hostOf(firstAddress, i), config, start);
        }
    }

    /**
     * Creates the fleet, applies the configured faults and binds every miner's port (and the
     * control surface, if configured). Blocks until all ports are bound.
     *
     * @throws IllegalStateException if a port cannot be bound (e.g. already in use)
     */
    public static FleetSimulator start(SimulatorConfig config) {
        FleetSimulator simulator = new FleetSimulator(Objects.requireNonNull(config, "config"));
        try {
            simulator.startServing();
        } catch (RuntimeException e) {
            simulator.close();
            throw e;
        }
        return simulator;
    }

    private void startServing() {
        for (FaultAssignment assignment : config.faults()) {
            for (int index : assignment.selection().resolve(miners.length)) {
                SimulationTime.Moment now = runtime.time().now();
                miners[index].setFault(assignment.fault(), now.miner(), now.epochSecond());
            }
        }
        List<Context> contexts = eventLoopContexts(config.eventLoops());
        List<Future<Void>> bound = new ArrayList<>(miners.length);
        for (int i = 0; i < miners.length; i++) {
            listeners[i] = new MinerListener(miners[i], config.port(), contexts.get(i % contexts.size()), runtime);
            bound.add(listeners[i].reconcile());
        }
        await(Future.all(bound), STARTUP_TIMEOUT, "binding " + miners.length + " miners");
        supervisor = new ListenerSupervisor(vertx);
        runtime.onReachabilityChange(index -> supervisor.changed(listeners[index]));
        for (MinerListener listener : listeners) {
            if (listener.needsWatching()) {
                supervisor.changed(listener);
            }
        }
        if (config.controlPort().isPresent()) {
            controlServer = new ControlHttpServer(this, vertx);
            await(controlServer.listen(config.controlHost(), config.controlPort().getAsInt()), STARTUP_TIMEOUT,
                    "starting the control surface");
        }
    }

    // ---------------------------------------------------------------- identity

    public SimulatorConfig config() {
        return config;
    }

    /** Number of miners. */
    public int size() {
        return miners.length;
    }

    /** The loopback address of miner {@code index}. */
    public String host(int index) {
        return miner0(index).host;
    }

    /** The API port all miners listen on. */
    public int port() {
        return config.port();
    }

    /** The index of the miner at {@code host}, if it belongs to this fleet. */
    public OptionalInt indexOf(String host) {
        int index = LoopbackAddresses.indexOf(firstAddress, miners.length, host);
        return index < 0 ? OptionalInt.empty() : OptionalInt.of(index);
    }

    // ---------------------------------------------------------------- ground truth

    /** Ground truth for miner {@code index} now. */
    public MinerView miner(int index) {
        return miner0(index).view(runtime.time().now().miner(), config.port());
    }

    public Optional<MinerView> minerByAddress(String host) {
        OptionalInt index = indexOf(host);
        return index.isPresent() ? Optional.of(miner(index.getAsInt())) : Optional.empty();
    }

    /** Ground truth for every miner, by index. */
    public List<MinerView> miners() {
        double now = runtime.time().now().miner();
        List<MinerView> views = new ArrayList<>(miners.length);
        for (SimulatedMiner miner : miners) {
            views.add(miner.view(now, config.port()));
        }
        return views;
    }

    /** Fleet totals and counts per state now. */
    public FleetTruth truth() {
        SimulationTime.Moment now = runtime.time().now();
        Map<MinerState, Integer> counts = new EnumMap<>(MinerState.class);
        for (MinerState state : MinerState.values()) {
            counts.put(state, 0);
        }
        double watts = 0;
        double terahashes = 0;
        int sleepRequested = 0;
        int unreachable = 0;
        for (SimulatedMiner miner : miners) {
            MinerView view = miner.view(now.miner(), config.port());
            counts.merge(view.state(), 1, Integer::sum);
            watts += view.truePowerW();
            terahashes += view.trueHashrateThs();
            sleepRequested += view.sleepRequested() ? 1 : 0;
            unreachable += view.reachable() ? 0 : 1;
        }
        return new FleetTruth(now.instant(), miners.length, watts, terahashes, Collections.unmodifiableMap(counts),
                sleepRequested, unreachable);
    }

    /** The real total draw of the fleet in watts now. */
    public double trueTotalPowerW() {
        double now = runtime.time().now().miner();
        double watts = 0;
        for (SimulatedMiner miner : miners) {
            watts += miner.truePowerW(now);
        }
        return watts;
    }

    /** Whether miner {@code index}'s API port currently accepts connections. */
    public boolean isListening(int index) {
        return listener(index).isListening();
    }

    /** TCP connections accepted by all miners since start. */
    public long connectionsAccepted() {
        return runtime.connectionsAccepted();
    }

    /**
     * Connections closed on arrival because too many were open: each miner's listener holds a file
     * descriptor, and the rest of the process limit ({@code ulimit -n}) bounds open connections.
     */
    public long connectionsShed() {
        return runtime.connectionsShed();
    }

    // ---------------------------------------------------------------- faults

    /** Gives the selected miners {@code fault} (replacing a fault of the same type); returns how many. */
    public int setFault(MinerSelection selection, Fault fault) {
        Objects.requireNonNull(fault, "fault");
        int[] indices = selection.resolve(miners.length);
        for (int index : indices) {
            SimulationTime.Moment now = runtime.time().now();
            miners[index].setFault(fault, now.miner(), now.epochSecond());
            reachabilityChanged(index);
        }
        return indices.length;
    }

    public void setFault(int index, Fault fault) {
        setFault(MinerSelection.index(index), fault);
    }

    /** Removes {@code type} from the selected miners; returns how many had it. */
    public int clearFault(MinerSelection selection, FaultType type) {
        int cleared = 0;
        for (int index : selection.resolve(miners.length)) {
            if (miners[index].has(type)) {
                miners[index].clearFault(type, runtime.time().now().miner());
                reachabilityChanged(index);
                cleared++;
            }
        }
        return cleared;
    }

    public void clearFault(int index, FaultType type) {
        clearFault(MinerSelection.index(index), type);
    }

    /** Removes every fault from the selected miners; returns how many had any. */
    public int clearFaults(MinerSelection selection) {
        int cleared = 0;
        for (int index : selection.resolve(miners.length)) {
            boolean hadAny = false;
            for (FaultType type : miners[index].faultTypes()) {
                miners[index].clearFault(type, runtime.time().now().miner());
                hadAny = true;
            }
            if (hadAny) {
                reachabilityChanged(index);
                cleared++;
            }
        }
        return cleared;
    }

    public int clearAllFaults() {
        return clearFaults(MinerSelection.all());
    }

    // ---------------------------------------------------------------- behind the system's back

    /** Wakes miner {@code index} as if someone used its web UI: no command is logged, faults do not stop it. */
    public void wakeBehindTheSystemsBack(int index) {
        miner0(index).forceWake(runtime.time().now().miner());
    }

    /** Puts miner {@code index} to sleep outside the curtailment system. */
    public void sleepBehindTheSystemsBack(int index) {
        miner0(index).forceSleep(runtime.time().now().miner());
    }

    /** Stops mining on miner {@code index} (operator action outside the system): {@link MinerState#STOPPED}. */
    public void stopMining(int index) {
        miner0(index).stopMining(runtime.time().now().miner());
    }

    /** Restarts mining on a stopped miner. */
    public void startMining(int index) {
        miner0(index).startMining(runtime.time().now().miner());
    }

    /** Reboots miner {@code index}'s device (power blip); its port closes for the reboot time. Sleep survives. */
    public void rebootBehindTheSystemsBack(int index) {
        miner0(index).rebootDevice(runtime.time().now().miner());
        reachabilityChanged(index);
    }

    // ---------------------------------------------------------------- command log

    /** Every retained command, in arrival order. */
    public List<CommandRecord> commandLog() {
        return runtime.commandLog().select(record -> true);
    }

    /** The retained commands miner {@code host} received. */
    public List<CommandRecord> commandsReceived(String host) {
        return runtime.commandLog().select(record -> record.host().equals(host));
    }

    /** The retained {@code command} verbs (e.g. "curtail") miner {@code host} received. */
    public List<CommandRecord> commandsReceived(String host, String command) {
        return runtime.commandLog().select(record -> record.host().equals(host) && record.command().equals(command));
    }

    /** The retained {@code command} verbs received by any miner. */
    public List<CommandRecord> commandsReceivedByAll(String command) {
        return runtime.commandLog().select(record -> record.command().equals(command));
    }

    public void clearCommandLog() {
        runtime.commandLog().clear();
    }

    /** Records the log dropped because it was full (see {@link SimulatorConfig#telemetryCommandLogCapacity()}). */
    public long commandLogDropped() {
        return runtime.commandLog().dropped();
    }

    // ---------------------------------------------------------------- lifecycle

    /** The bound port of the HTTP control surface, if it was configured. */
    public OptionalInt controlPort() {
        return controlServer == null ? OptionalInt.empty() : OptionalInt.of(controlServer.actualPort());
    }

    /** Unexpected internal errors so far (each is also printed to stderr); 0 in a healthy run. */
    public long internalErrors() {
        return runtime.errors();
    }

    /** Closes every port and stops the event loops. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (supervisor != null) {
            supervisor.stop();
        }
        await(vertx.close(), SHUTDOWN_TIMEOUT, "closing the simulator");
    }

    // ---------------------------------------------------------------- internals

    FleetRuntime runtime() {
        return runtime;
    }

    int watchedListeners() {
        return supervisor == null ? 0 : supervisor.watchedCount();
    }

    private void reachabilityChanged(int index) {
        if (supervisor != null && listeners[index] != null) {
            supervisor.changed(listeners[index]);
        }
    }

    private SimulatedMiner miner0(int index) {
        if (index < 0 || index >= miners.length) {
            throw new IndexOutOfBoundsException("miner " + index + " outside a fleet of " + miners.length);
        }
        return miners[index];
    }

    private MinerListener listener(int index) {
        miner0(index);
        return listeners[index];
    }

    /**
     * How many connections may be open at once: the open-file limit minus one descriptor per miner's
     * listener and a reserve. Unlimited where the JVM cannot tell the limit.
     *
     * @throws IllegalStateException if the limit cannot even hold the listeners
     */
    private static int connectionBudget(int miners) {
        OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        if (!(os instanceof UnixOperatingSystemMXBean unix)) {
            return Integer.MAX_VALUE;
        }
        long limit = unix.getMaxFileDescriptorCount();
        long budget = limit - miners - RESERVED_FILE_DESCRIPTORS;
        if (budget < MIN_CONNECTION_HEADROOM) {
            throw new IllegalStateException("the open-file limit (" + limit + ") is too low for " + miners
                    + " miners: need at least " + (miners + RESERVED_FILE_DESCRIPTORS + MIN_CONNECTION_HEADROOM)
                    + "; raise it with ulimit -n");
        }
        return (int) Math.min(Integer.MAX_VALUE, budget);
    }

    /**
     * One Vert.x context per event loop, taken from the instances of a trivial verticle: the public
     * way to get distinct event loops (a non-Vert.x thread would always get the same sticky context).
     */
    private List<Context> eventLoopContexts(int count) {
        List<Context> contexts = Collections.synchronizedList(new ArrayList<>());
        await(vertx.deployVerticle(() -> new EventLoopAnchor(contexts), new DeploymentOptions().setInstances(count)),
                STARTUP_TIMEOUT, "starting event loops");
        return new ArrayList<>(contexts);
    }

    private static <T> T await(Future<T> future, Duration timeout, String what) {
        try {
            return future.toCompletionStage().toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            throw new IllegalStateException(what + " failed: " + cause.getMessage(), cause);
        } catch (TimeoutException e) {
            throw new IllegalStateException(what + " did not finish within " + timeout, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(what + " was interrupted", e);
        }
    }

    /** Holds one event loop's context; serves no traffic itself. */
    private static final class EventLoopAnchor extends AbstractVerticle {
        private final List<Context> contexts;

        EventLoopAnchor(List<Context> contexts) {
            this.contexts = contexts;
        }

        @Override
        public void start() {
            contexts.add(context);
        }
    }
}
