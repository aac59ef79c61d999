package fleet.api.watch;

import fleet.api.app.EventQueries;
import fleet.api.grpc.EventMapping;
import fleet.curtailment.v1.CurtailmentEvent;
import fleet.curtailment.v1.WatchCurtailmentEventResponse;
import fleet.domain.state.EventState;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.MultiEmitter;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.Function;
import org.jboss.logging.Logger;

/**
 * One watched event and everyone watching it. Reads of the event are serialised and coalesced: at most one read runs
 * at a time, and any number of requests during a read cause exactly one more read. So N watchers and M notifications
 * cost at most one query (pair) per notification burst, never one per watcher, and every watcher sees the results in
 * read order — the states of one event arrive in the order the database committed them.
 *
 * <p>A new watcher's snapshot is the first read that <em>starts after</em> it joined, so it can never be older than
 * an update another watcher already received. After the snapshot, a watcher receives a read only when the event's
 * state or per-state rollup differs from the previous read. The read that shows a terminal state is delivered to every
 * watcher (as snapshot or update) and completes every stream; the topic then closes.
 *
 * <p>Locking: the fields are guarded by {@code this}; messages are emitted outside the lock but before the next read
 * starts, which keeps them ordered.
 */
final class Topic {

    private static final Logger LOG = Logger.getLogger(Topic.class);

    /** A watched event of one organization (another organization's watcher never shares it). */
    record Key(UUID orgId, UUID eventId) {
    }

    /** What a change is judged on: the event state and the per-state rollup. */
    private record Fingerprint(int state, EventQueries.Rollup rollup) {
    }

    /** One stream. {@code sequence} is only touched while emitting, which is serialised per topic. */
    static final class Watcher {
        final MultiEmitter<? super WatchCurtailmentEventResponse> emitter;
        volatile Topic topic;
        private long sequence;

        Watcher(MultiEmitter<? super WatchCurtailmentEventResponse> emitter) {
            this.emitter = emitter;
        }

        void send(CurtailmentEvent event, boolean snapshot) {
            emitter.emit(WatchCurtailmentEventResponse.newBuilder().setEvent(event).setSnapshot(snapshot)
                    .setSequence(++sequence).build());
        }
    }

    final Key key;
    private final Function<Key, Uni<EventQueries.EventView>> reader;
    private final Consumer<Topic> onClose;

    private final List<Watcher> live = new ArrayList<>();
    private final List<Watcher> waiting = new ArrayList<>();
    private boolean reading;
    private boolean readAgain;
    private boolean closed;
    private Fingerprint last;
    private long reads;

    Topic(Key key, Function<Key, Uni<EventQueries.EventView>> reader, Consumer<Topic> onClose) {
        this.key = key;
        this.reader = reader;
        this.onClose = onClose;
    }

    /** Adds a watcher awaiting its snapshot; false when the topic has closed (the caller opens a new one). */
    synchronized boolean tryJoin(Watcher w) {
        if (closed) {
            return false;
        }
        w.topic = this;
        waiting.add(w);
        return true;
    }

    void leave(Watcher w) {
        boolean close;
        synchronized (this) {
            live.remove(w);
            waiting.remove(w);
            close = !closed && live.isEmpty() && waiting.isEmpty();
            if (close) {
                closed = true;
            }
        }
        if (close) {
            onClose.accept(this);
        }
    }

    synchronized int watchers() {
        return live.size() + waiting.size();
    }

    synchronized long reads() {
        return reads;
    }

    /** Re-read the event now, or right after the read in progress. */
    void requestRead() {
        List<Watcher> served;
        synchronized (this) {
            if (closed) {
                return;
            }
            if (reading) {
                readAgain = true;
                return;
            }
            reading = true;
            served = List.copyOf(waiting);
        }
        read(served);
    }

    /** Ends every stream (server shutdown): clients reconnect to another replica. */
    void abort(StatusRuntimeException error) {
        List<Watcher> all;
        synchronized (this) {
            closed = true;
            all = new ArrayList<>(live);
            all.addAll(waiting);
            live.clear();
            waiting.clear();
        }
        all.forEach(w -> w.emitter.fail(error));
        onClose.accept(this);
    }

    /** @param served the watchers that joined before this read started: it is their snapshot */
    private void read(List<Watcher> served) {
        synchronized (this) {
            reads++;
        }
        // deferred: a reader that throws instead of failing its Uni still ends this read
        Uni.createFrom().deferred(() -> reader.apply(key)).subscribe().with(view -> onRead(view, served), failure -> onFailure(failure, served));
    }

    private void onRead(EventQueries.EventView view, List<Watcher> served) {
        int state = view.row().getShort("state");
        boolean terminal = EventState.fromWire(state).isTerminal();
        Fingerprint fingerprint = new Fingerprint(state, view.rollup());
        List<Watcher> snapshots;
        List<Watcher> updates;
        List<Watcher> next = null;
        synchronized (this) {
            boolean changed = !fingerprint.equals(last);
            last = fingerprint;
            updates = changed ? List.copyOf(live) : List.of();
            snapshots = terminal ? List.copyOf(waiting) : served.stream().filter(waiting::contains).toList();
            waiting.removeAll(snapshots);
            if (terminal) {
                closed = true;
                live.clear();
                waiting.clear();
            } else {
                live.addAll(snapshots);
            }
            if (readAgain && !closed) {
                readAgain = false;
                next = List.copyOf(waiting);
            } else {
                reading = false;
            }
        }
        if (!snapshots.isEmpty() || !updates.isEmpty()) {
            CurtailmentEvent event = EventMapping.event(view, true);
            emit(updates, w -> w.send(event, false));
            emit(snapshots, w -> w.send(event, true));
        }
        if (terminal) {
            emit(updates, w -> w.emitter.complete());
            emit(snapshots, w -> w.emitter.complete());
            onClose.accept(this);
        } else if (next != null) {
            read(next);
        }
    }

    private void onFailure(Throwable failure, List<Watcher> served) {
        boolean gone = failure instanceof StatusRuntimeException sre
                && sre.getStatus().getCode() == Status.Code.NOT_FOUND;
        List<Watcher> failed;
        List<Watcher> next = null;
        synchronized (this) {
            if (gone) {
                closed = true;
                failed = new ArrayList<>(live);
                failed.addAll(waiting);
                live.clear();
                waiting.clear();
            } else {
                failed = served.stream().filter(waiting::contains).toList();
                waiting.removeAll(failed);
            }
            if (readAgain && !closed) {
                readAgain = false;
                next = List.copyOf(waiting);
            } else {
                reading = false;
            }
        }
        if (gone) {
            emit(failed, w -> w.emitter.fail(failure));
            onClose.accept(this);
            return;
        }
        LOG.warnf(failure, "watch: could not read curtailment event %s; live watchers wait for the next read",
                key.eventId());
        StatusRuntimeException unavailable = Status.UNAVAILABLE
                .withDescription("could not read the curtailment event; retry the watch").asRuntimeException();
        emit(failed, w -> w.emitter.fail(unavailable));
        if (next != null) {
            read(next);
        }
    }

    /** One watcher's broken stream must not stop the others. */
    private static void emit(List<Watcher> watchers, Consumer<Watcher> action) {
        for (Watcher w : watchers) {
            try {
                action.accept(w);
            } catch (RuntimeException e) {
                LOG.debugf(e, "watch: a watcher's stream refused a message");
            }
        }
    }
}
