package fleet.reconciler.step;

import fleet.domain.confirm.Observation;
import fleet.driver.CommandOutcome;
import fleet.driver.DriverRegistry;
import fleet.driver.TelemetrySample;
import fleet.metrics.MetricNames;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
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

    /** The result of one command: {@code outcome} is null when the command was not sent (the event moved on). */
    public record Sent(TargetRef target, CommandOutcome outcome) {
    }

    private final DriverRegistry drivers;
    private final DbClock clock;
    private final MeterRegistry meters;

    public MinerCalls(DriverRegistry drivers, DbClock clock, MeterRegistry meters) {
        this.drivers = drivers;
        this.clock = clock;
        this.meters = meters;
    }

    /**
     * Sends {@code command} to every target, {@code chunk} at a time; before each chunk {@code stillWanted} is asked
     * (a database re-check) and {@code cancelled} (set by a NOTIFY) is consulted before every single send.
     */
    public Uni<List<Sent>> send(List<TargetRef> targets, int chunk, String commandName,
            Function<TargetRef, Uni<CommandOutcome>> command, Supplier<Uni<Boolean>> stillWanted,
            BooleanSupplier cancelled, Runnable onFirstSend) {
        List<Sent> results = new ArrayList<>(targets.size());
        return sendFrom(targets, 0, chunk, commandName, command, stillWanted, cancelled, onFirstSend, results)
                .replaceWith(results);
    }

    private Uni<Void> sendFrom(List<TargetRef> targets, int from, int chunk, String commandName,
            Function<TargetRef, Uni<CommandOutcome>> command, Supplier<Uni<Boolean>> stillWanted,
            BooleanSupplier cancelled, Runnable onFirstSend, List<Sent> results) {
        if (from >= targets.size()) {
            return Uni.createFrom().voidItem();
        }
        int to = Math.min(targets.size(), from + chunk);
        return stillWanted.get().chain(wanted -> {
            if (!wanted || cancelled.getAsBoolean()) {
                for (int i = from; i < targets.size(); i++) {
                    results.add(new Sent(targets.get(i), null));
                }
                return Uni.createFrom().voidItem();
            }
            List<Uni<Sent>> calls = new ArrayList<>(to - from);
            for (int i = from; i < to; i++) {
                TargetRef t = targets.get(i);
                if (i == 0) {
                    onFirstSend.run();
                }
                calls.add(Uni.createFrom().deferred(() -> {
                    if (cancelled.getAsBoolean()) {
                        return Uni.createFrom().item(new Sent(t, null));
                    }
                    return command.apply(t)
                            .onFailure().recoverWithItem(CommandOutcome::fromFailure)
                            .invoke(o -> meters.counter(MetricNames.MINER_COMMANDS, "command", commandName,
                                    "outcome", o.kind().name().toLowerCase(Locale.ROOT)).increment())
                            .map(o -> new Sent(t, o));
                }));
            }
            return Uni.join().all(calls).andCollectFailures()
                    .invoke(results::addAll)
                    .chain(() -> sendFrom(targets, to, chunk, commandName, command, stillWanted, cancelled,
                            onFirstSend, results));
        });
    }

    /** Reads every target's miner directly; a failed read yields a null observation (it never confirms). */
    public Uni<List<Observation>> read(List<TargetRef> targets) {
        if (targets.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        List<Uni<Observation>> reads = new ArrayList<>(targets.size());
        for (TargetRef t : targets) {
            reads.add(drivers.driverFor(t.endpoint()).readTelemetry(t.endpoint())
                    .map(this::observation)
                    .onFailure().recoverWithNull());
        }
        return Uni.join().all(reads).andCollectFailures();
    }

    private Observation observation(TelemetrySample s) {
        return new Observation(s.powerW(), s.hashrateThs(), clock.toDb(s.observedAt()));
    }

    public DriverRegistry drivers() {
        return drivers;
    }
}
