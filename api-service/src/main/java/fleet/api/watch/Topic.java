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
import java.util.ArrayDeque;
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

    /** What the hub counts about slow streams (per replica). */
    interface FlowStats {
        void queued(int depth);

        void dropped();
    }

    /**
     * One stream, with a bounded queue in front of its transport: a message goes to the transport only while the
     * transport takes it ({@link StreamTransport#isReady()}), else it waits here, and the transport's onReady drains
     * the queue. A stream whose queue would pass {@code capacity} is a consumer that does not keep up: its queue is
     * dropped and the stream ends RESOURCE_EXHAUSTED, so the server never holds more than {@code capacity} messages
     * per stream beyond what the transport's flow control allows. Messages are handed over under the watcher's lock,
     * so they keep their order whichever thread (a read, an onReady) drains.
     */
    static final class Watcher {
        static final String TOO_SLOW = "consumer too slow; re-subscribe to WatchCurtailmentEvent";

        final MultiEmitter<? super WatchCurtailmentEventResponse> emitter;
        private final StreamTransport transport;
        private final int capacity;
        private final FlowStats stats;
        private final ArrayDeque<WatchCurtailmentEventResponse> queue = new ArrayDeque<>();
        private boolean completeWhenDrained;
        private boolean ended;
        volatile Topic topic;
        private long sequence;

        Watcher(MultiEmitter<? super WatchCurtailmentEventResponse> emitter, StreamTransport transport, int capacity,
                FlowStats stats) {
            this.emitter = emitter;
            this.transport = transport;
            this.capacity = capacity;
            this.stats = stats;
            transport.onReady(this::drain);
        }

        /** Sends are serialised per topic; {@code sequence} is only touched here. */
        void send(CurtailmentEvent event, boolean snapshot) {
            WatchCurtailmentEventResponse m = WatchCurtailmentEventResponse.newBuilder().setEvent(event)
                    .setSnapshot(snapshot).setSequence(++sequence).build();
            boolean tooSlow = false;
            synchronized (this) {
                if (ended) {
                    return;
                }
                handOver();
                if (queue.size() >= capacity) {
                    ended = true;
                    tooSlow = true;
                    queue.clear();
                } else {
                    queue.add(m);
                    stats.queued(queue.size());
                }
            }
            if (tooSlow) {
                stats.dropped();
                emitter.fail(Status.RESOURCE_EXHAUSTED.withDescription(TOO_SLOW).asRuntimeException());
                return;
            }
            drain();
        }

        /** Completes the stream once every queued message went to the transport. */
        void complete() {
            synchronized (this) {
                completeWhenDrained = true;
            }
            drain();
        }

        /** Hands queued messages over while the transport takes them; completes if asked to and drained. */
        void drain() {
            synchronized (this) {
                handOver();
                if (!ended && queue.isEmpty() && completeWhenDrained) {
                    ended = true;
                    emitter.complete();
                }
            }
        }

        /** Under the lock: queued messages to the transport, in order, while it takes them. */
        private void handOver() {
            while (!ended && !queue.isEmpty() && transport.isReady()) {
                emitter.emit(queue.poll());
            }
        }

        /** Ends the stream now with {@code error}; what is still queued is dropped. */
        void fail(Throwable error) {
            synchronized (this) {
                if (ended) {
                    return;
                }
                ended = true;
                queue.clear();
            }
            emitter.fail(error);
        }

        synchronized int queued() {
            return queue.size();
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
        all.forEach(w -> w.fail(error));
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
            emit(updates, Watcher::complete);
            emit(snapshots, Watcher::complete);
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
            emit(failed, w -> w.fail(failure));
            onClose.accept(this);
            return;
        }
        LOG.warnf(failure, "watch: could not read curtailment event %s; live watchers wait for the next read",
                key.eventId());
        StatusRuntimeException unavailable = Status.UNAVAILABLE
                .withDescription("could not read the curtailment event; retry the watch").asRuntimeException();
        emit(failed, w -> w.fail(unavailable));
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
