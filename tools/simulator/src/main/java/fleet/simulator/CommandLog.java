package fleet.simulator;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Predicate;

/**
 * Every command the fleet received, in arrival order, for assertions such as "exactly one
 * {@code curtail} per miner".
 *
 * <p>A 10 000-miner fleet polled every 15 s receives millions of telemetry commands an hour, so the
 * log keeps two bounded stores: control commands (logon, logoff, curtail, reboots, profile and power
 * target), which tests count and which are rare, and everything else, of which only the newest are
 * kept. When a store is full its oldest record is dropped.
 */
final class CommandLog {

    private final int controlCapacity;
    private final int telemetryCapacity;
    private final ArrayDeque<CommandRecord> control = new ArrayDeque<>();
    private final ArrayDeque<CommandRecord> telemetry = new ArrayDeque<>();
    private long nextSequence;
    private long nextRequestId;
    private long dropped;

    CommandLog(int controlCapacity, int telemetryCapacity) {
        this.controlCapacity = controlCapacity;
        this.telemetryCapacity = telemetryCapacity;
    }

    synchronized long newRequestId() {
        return nextRequestId++;
    }

    synchronized void append(long requestId, Instant at, SimulatedMiner miner, String command, String parameter,
                             CommandOutcome outcome, ApiStatus status) {
        CommandRecord record = new CommandRecord(nextSequence++, requestId, at, miner.index, miner.host, command,
                parameter, outcome,
                status == null ? null : status.status(),
                status == null ? -1 : status.code(),
                status == null ? null : status.message());
        boolean isControl = LuxosDialect.isControl(command);
        ArrayDeque<CommandRecord> store = isControl ? control : telemetry;
        int capacity = isControl ? controlCapacity : telemetryCapacity;
        if (capacity == 0) {
            dropped++;
            return;
        }
        if (store.size() >= capacity) {
            store.removeFirst();
            dropped++;
        }
        store.addLast(record);
    }

    /** The retained records matching {@code filter}, in arrival order. */
    synchronized List<CommandRecord> select(Predicate<CommandRecord> filter) {
        List<CommandRecord> selected = new ArrayList<>();
        for (CommandRecord record : control) {
            if (filter.test(record)) {
                selected.add(record);
            }
        }
        for (CommandRecord record : telemetry) {
            if (filter.test(record)) {
                selected.add(record);
            }
        }
        selected.sort(Comparator.comparingLong(CommandRecord::sequence));
        return selected;
    }

    synchronized void clear() {
        control.clear();
        telemetry.clear();
    }

    /** Records dropped because a store was full. */
    synchronized long dropped() {
        return dropped;
    }
}
