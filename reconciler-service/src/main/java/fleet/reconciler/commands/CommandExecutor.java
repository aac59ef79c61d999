package fleet.reconciler.commands;

import fleet.driver.CommandOutcome;
import fleet.driver.DriverRegistry;
import fleet.driver.MinerDriver;
import fleet.metrics.MetricNames;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.pgclient.PgConnectOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.jboss.logging.Logger;

/**
 * Executes queued operator commands (SPEC §7.4) on this replica. A plain object (no CDI), like the reconcile loop,
 * so tests run several in one JVM. See {@code package-info.java} for the invariants.
 *
 * <p>The loop: a NOTIFY or the poll tick → {@link CommandStore#claim} as many commands as there are free slots →
 * each RUNNING one goes through its driver, concurrently → results are buffered and written in bulk by
 * {@link CommandStore#finish} (one write in flight at a time, coalescing whatever finished meanwhile) → claim again.
 * All state lives on one Vert.x context.
 */
public final class CommandExecutor {

    private static final Logger LOG = Logger.getLogger(CommandExecutor.class);
    /** The channel the api-service NOTIFYs in the transaction that queues commands. */
    public static final String WORK_CHANNEL = fleet.persistence.Channels.OPERATOR_COMMAND_WORK;

    /** Which capability flag ({@code device.capabilities}) each command needs. */
    private static final Map<String, String> CAPABILITY = Map.of(
            "REBOOT", "reboot",
            "SET_POWER_TARGET", "power_target",
            "START_MINING", "mining_start_stop",
            "STOP_MINING", "mining_start_stop");

    /** Test hook: runs right before a command is handed to its driver. */
    public interface SendHook {
        Uni<Void> beforeSend(ClaimedCommand command);
    }

    private final Vertx vertx;
    private final DriverRegistry drivers;
    private final CommandStore store;
    private final CommandWakeups wakeups;
    private final CommandSettings settings;
    private final MeterRegistry meters;
    private final String nodeId;
    private Context context;
    private long timerId = -1;
    private boolean stopping;
    private boolean claiming;
    private boolean claimAgain;
    private boolean flushing;
    private int inFlight;
    private List<AttemptResult> pending = new ArrayList<>();
    private CompletableFuture<Void> idle;
    private volatile SendHook sendHook = command -> Uni.createFrom().voidItem();

    /**
     * @param listenOptions where to open the dedicated LISTEN session (never through a transaction pooler)
     * @param drivers       the process's driver registry, shared with the reconcile loop so that the per-miner write
     *                      queue also orders operator commands against curtail commands
     */
    public CommandExecutor(Vertx vertx, Pool pool, PgConnectOptions listenOptions, DriverRegistry drivers,
            CommandSettings settings, MeterRegistry meters, String nodeId) {
        this.vertx = vertx;
        this.drivers = drivers;
        this.settings = settings;
        this.meters = meters;
        this.nodeId = nodeId;
        this.store = new CommandStore(pool, nodeId);
        registerMeters(meters);
        this.wakeups = new CommandWakeups(vertx, listenOptions, "commands-" + nodeId, WORK_CHANNEL,
                settings.pollInterval(), this::wake);
    }

    // ---- lifecycle -----------------------------------------------------------------------------------------

    /** Starts polling and listening on a context of its own; completes at once (the first claim runs right after). */
    public Uni<Void> start() {
        context = vertx.getDelegate().getOrCreateContext();
        CompletableFuture<Void> started = new CompletableFuture<>();
        context.runOnContext(ignored -> {
            timerId = vertx.getDelegate().setPeriodic(settings.pollInterval().toMillis(), id -> tick());
            tick();
            started.complete(null);
        });
        return Uni.createFrom().completionStage(started);
    }

    /**
     * Stops claiming, waits (bounded) for running commands and their result writes, then closes the LISTEN session.
     * A command still running when the budget ends stays RUNNING and is re-run elsewhere after the visibility timeout.
     */
    public Uni<Void> stop() {
        if (context == null) {
            return Uni.createFrom().voidItem();
        }
        CompletableFuture<Void> done = new CompletableFuture<>();
        context.runOnContext(ignored -> {
            stopping = true;
            if (timerId >= 0) {
                vertx.getDelegate().cancelTimer(timerId);
            }
            idle = new CompletableFuture<>();
            checkIdle();
            Uni.createFrom().completionStage(idle)
                    .ifNoItem().after(settings.shutdownBudget()).recoverWithItem((Void) null)
                    .chain(wakeups::close)
                    .subscribe().with(ok -> done.complete(null), failure -> done.complete(null));
        });
        return Uni.createFrom().completionStage(done);
    }

    public void setSendHook(SendHook hook) {
        this.sendHook = hook == null ? command -> Uni.createFrom().voidItem() : hook;
    }

    public String nodeId() {
        return nodeId;
    }

    /** Commands being executed right now (read from any thread; approximate). */
    public int inFlight() {
        return inFlight;
    }

    // ---- the loop ------------------------------------------------------------------------------------------

    private void onContext(Runnable r) {
        context.runOnContext(ignored -> r.run());
    }

    private void wake() {
        onContext(this::pump);
    }

    private void tick() {
        if (stopping) {
            return;
        }
        wakeups.ensureListening();
        flush();
        pump();
    }

    /** Claims as many due commands as there are free slots; claims never overlap on one replica. */
    private void pump() {
        if (stopping) {
            return;
        }
        if (claiming) {
            claimAgain = true;
            return;
        }
        int free = settings.maxInFlight() - inFlight;
        if (free <= 0) {
            return;
        }
        claiming = true;
        claimAgain = false;
        store.claim(free, settings.visibilityTimeout())
                .emitOn(this::onContext)
                .subscribe().with(claimed -> {
                    claiming = false;
                    for (ClaimedCommand c : claimed) {
                        if (c.running()) {
                            execute(c);
                        } else {
                            count(c.commandType(), c.state());
                        }
                    }
                    if (claimAgain || claimed.size() == free) {
                        pump();
                    }
                    checkIdle();
                }, failure -> {
                    claiming = false;
                    LOG.warnf("claiming operator commands failed: %s", failure.toString());
                    checkIdle();
                });
    }

    private void execute(ClaimedCommand c) {
        Optional<AttemptResult> unsendable = precheck(c);
        if (unsendable.isPresent()) {
            pending.add(unsendable.get());
            flush();
            return;
        }
        inFlight++;
        Uni.createFrom().deferred(() -> sendHook.beforeSend(c))
                .chain(() -> send(c))
                .ifNoItem().after(settings.commandTimeout())
                .recoverWithItem(() -> CommandOutcome.timeout("no result within " + settings.commandTimeout()))
                .onFailure().recoverWithItem(CommandOutcome::fromFailure)
                .emitOn(this::onContext)
                .subscribe().with(outcome -> {
                    inFlight--;
                    meters.counter(MetricNames.MINER_COMMANDS, "command", c.commandType().toLowerCase(Locale.ROOT),
                            "outcome", outcome.kind().name().toLowerCase(Locale.ROOT)).increment();
                    pending.add(AttemptResult.decide(c, outcome, settings));
                    flush();
                    pump();
                });
    }

    /**
     * A command that cannot be sent at all ends at once: UNSUPPORTED when the device's capability flags lack the verb,
     * FAILED for an unknown driver or command, or missing parameters. Nothing reaches the miner.
     */
    private Optional<AttemptResult> precheck(ClaimedCommand c) {
        String capability = CAPABILITY.get(c.commandType());
        if (capability == null) {
            return Optional.of(AttemptResult.failed(c, "unknown command type " + c.commandType()));
        }
        if (!c.capabilities().contains(capability)) {
            return Optional.of(AttemptResult.unsupported(c, "driver " + c.device().driverName() + " lacks " + capability));
        }
        if (drivers.find(c.device().driverName()).isEmpty()) {
            return Optional.of(AttemptResult.failed(c, "unknown driver " + c.device().driverName()));
        }
        if (c.commandType().equals("SET_POWER_TARGET") && !(c.params().getValue("power_target_w") instanceof Number)) {
            return Optional.of(AttemptResult.failed(c, "power_target_w missing from the command's parameters"));
        }
        return Optional.empty();
    }

    private Uni<CommandOutcome> send(ClaimedCommand c) {
        MinerDriver driver = drivers.driver(c.device().driverName());
        return switch (c.commandType()) {
            case "REBOOT" -> driver.reboot(c.device());
            case "SET_POWER_TARGET" -> driver.setPowerTarget(c.device(), c.params().getInteger("power_target_w"));
            case "START_MINING" -> driver.startMining(c.device());
            case "STOP_MINING" -> driver.stopMining(c.device());
            default -> Uni.createFrom().item(CommandOutcome.unsupported(c.commandType()));
        };
    }

    /** Writes buffered results, one write at a time; whatever finishes meanwhile goes in the next write. */
    private void flush() {
        if (flushing || pending.isEmpty()) {
            checkIdle();
            return;
        }
        flushing = true;
        List<AttemptResult> batch = pending;
        pending = new ArrayList<>();
        store.finish(batch)
                .emitOn(this::onContext)
                .subscribe().with(finished -> {
                    flushing = false;
                    finished.forEach(f -> count(f.commandType(), f.state()));
                    if (finished.size() < batch.size()) {
                        LOG.debugf("%d results were stale (their attempt had been given up)", batch.size() - finished.size());
                    }
                    flush();
                    pump();
                }, failure -> {
                    flushing = false;
                    LOG.warnf("writing %d operator command results failed (retried on the next tick): %s", batch.size(),
                            failure.toString());
                    batch.addAll(pending);
                    pending = batch;
                    if (stopping) {
                        checkIdle();
                    }
                });
    }

    private void checkIdle() {
        if (idle != null && inFlight == 0 && !flushing && !claiming && pending.isEmpty()) {
            idle.complete(null);
        }
    }

    /**
     * Every command × outcome counter at zero up front: a counter that first appears at 1 makes Prometheus'
     * {@code increase()} miss that first increment (same rule as the reconcile loop's meters).
     */
    private static void registerMeters(MeterRegistry meters) {
        for (String command : CAPABILITY.keySet()) {
            String tag = command.toLowerCase(Locale.ROOT);
            for (String state : List.of(CommandStates.SUCCEEDED, CommandStates.RETRY_WAIT, CommandStates.FAILED,
                    CommandStates.UNSUPPORTED, CommandStates.BLOCKED_BY_CURTAILMENT)) {
                Counter.builder(MetricNames.OPERATOR_COMMANDS).tag("command", tag).tag("outcome", CommandStates.tag(state))
                        .register(meters);
            }
            for (CommandOutcome.Kind kind : CommandOutcome.Kind.values()) {
                Counter.builder(MetricNames.MINER_COMMANDS).tag("command", tag)
                        .tag("outcome", kind.name().toLowerCase(Locale.ROOT)).register(meters);
            }
        }
    }

    private void count(String commandType, String state) {
        meters.counter(MetricNames.OPERATOR_COMMANDS, "command", commandType.toLowerCase(Locale.ROOT),
                "outcome", CommandStates.tag(state)).increment();
    }
}
