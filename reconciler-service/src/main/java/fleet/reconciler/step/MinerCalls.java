package fleet.reconciler.step;

import fleet.domain.confirm.Observation;
import fleet.driver.CommandOutcome;
import fleet.driver.DriverRegistry;
import fleet.driver.TelemetrySample;
import fleet.metrics.MetricNames;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Talks to miners for the steps: commands in chunks with a re-check of the event before each chunk (a Stop racing a
 * dispatch wins), and direct telemetry reads for confirmation. Concurrency is bounded by the driver layer (one
 * in-flight write per miner, a global in-flight limit, per-miner circuit breakers).
 */
public final class MinerCalls {

    /**
     * The result of one command: {@code outcome} is null when the command was not sent (the event moved on). The
     * times are database time as estimated from this process ({@link DbClock}): when the command was handed to the
     * driver and when its outcome came back; null when not sent.
     */
    public record Sent(TargetRef target, CommandOutcome outcome, Instant sentAt, Instant answeredAt) {

        static Sent notSent(TargetRef target) {
            return new Sent(target, null, null, null);
        }
    }

    private final io.vertx.core.Vertx vertx;
    private final DriverRegistry drivers;
    private final DbClock clock;
    private final MeterRegistry meters;
    private final int readWindow;

    public MinerCalls(io.vertx.core.Vertx vertx, DriverRegistry drivers, DbClock clock, MeterRegistry meters, int readWindow) {
        this.vertx = vertx;
        this.drivers = drivers;
        this.clock = clock;
        this.meters = meters;
        this.readWindow = readWindow;
    }

    /**
     * Sends {@code command} to every target with at most {@code window} sends in flight (a sliding window, so one slow
     * miner never holds up the others). Before the first send and then every 200 ms while sending,
     * {@code stillWanted} re-reads the event; once it says no, or {@code cancelled} (a NOTIFY) says so, no further
     * send starts: a Stop racing a dispatch wins. Targets not sent come back with a null outcome.
     */
    public Uni<List<Sent>> send(List<TargetRef> targets, int window, String commandName,
            Function<TargetRef, Uni<CommandOutcome>> command, Supplier<Uni<Boolean>> stillWanted,
            BooleanSupplier cancelled, Runnable onFirstSend) {
        if (targets.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        AtomicBoolean stop = new AtomicBoolean();
        AtomicBoolean first = new AtomicBoolean(true);
        return stillWanted.get().chain(wanted -> {
            if (!wanted || cancelled.getAsBoolean()) {
                return Uni.createFrom().item(targets.stream().map(t -> Sent.notSent(t)).toList());
            }
            long timer = vertx.setPeriodic(200, id -> stillWanted.get().subscribe().with(
                    w -> {
                        if (!w) {
                            stop.set(true);
                        }
                    }, failure -> { }));
            return Multi.createFrom().iterable(targets)
                    .onItem().transformToUni(t -> Uni.createFrom().deferred(() -> {
                        if (stop.get() || cancelled.getAsBoolean()) {
                            return Uni.createFrom().item(Sent.notSent(t));
                        }
                        if (first.compareAndSet(true, false)) {
                            onFirstSend.run();
                        }
                        Instant sentAt = clock.now();
                        return command.apply(t)
                                .onFailure().recoverWithItem(CommandOutcome::fromFailure)
                                .invoke(o -> meters.counter(MetricNames.MINER_COMMANDS, "command", commandName,
                                        "outcome", o.kind().name().toLowerCase(Locale.ROOT)).increment())
                                .map(o -> new Sent(t, o, sentAt, clock.now()));
                    }))
                    .merge(window)
                    .collect().asList()
                    .onTermination().invoke(() -> vertx.cancelTimer(timer));
        });
    }

    /** Reads every target's miner directly; a failed read yields a null observation (it never confirms). */
    public Uni<List<Observation>> read(List<TargetRef> targets) {
        if (targets.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        Observation[] out = new Observation[targets.size()];
        return Multi.createFrom().range(0, targets.size())
                .onItem().transformToUni(i -> Uni.createFrom().deferred(() -> {
                    TargetRef t = targets.get(i);
                    return drivers.driverFor(t.endpoint()).readTelemetry(t.endpoint())
                            .map(this::observation)
                            .onFailure().recoverWithNull()
                            .invoke(o -> out[i] = o);
                }))
                .merge(readWindow)
                .collect().last()
                .map(ignored -> java.util.Arrays.asList(out));
    }

    private Observation observation(TelemetrySample s) {
        return new Observation(s.powerW(), s.hashrateThs(), clock.toDb(s.observedAt()));
    }

    public DriverRegistry drivers() {
        return drivers;
    }
}
