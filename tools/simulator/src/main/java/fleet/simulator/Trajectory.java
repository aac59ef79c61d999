package fleet.simulator;

import java.util.Arrays;

/**
 * The course a miner's power and hashrate follow from a start instant: piecewise linear between
 * knots, constant after the last knot. Times are absolute miner seconds.
 *
 * <p>A miner holds exactly one current trajectory and never a timer: everything it reports is
 * evaluated from this course at the moment it is read. A transitional trajectory (more than one
 * knot) ends at its last knot and the miner then settles into {@link #settlesInto()}.
 */
final class Trajectory {

    private final MinerState state;
    private final MinerState settlesInto;
    private final double[] times;
    private final double[] watts;
    private final double[] gigahashes;

    private Trajectory(MinerState state, MinerState settlesInto, double[] times, double[] watts, double[] gigahashes) {
        this.state = state;
        this.settlesInto = settlesInto;
        this.times = times;
        this.watts = watts;
        this.gigahashes = gigahashes;
    }

    /** Holding {@code watts} and {@code gigahashesPerSecond} from {@code at} on. */
    static Trajectory steady(MinerState state, double at, double watts, double gigahashesPerSecond) {
        return new Trajectory(state, state, new double[] {at}, new double[] {watts}, new double[] {gigahashesPerSecond});
    }

    /** Starts a transition in {@code state} from the current values; add knots with {@link Builder#knot}. */
    static Builder transition(MinerState state, MinerState settlesInto, double at, double watts, double gigahashesPerSecond) {
        return new Builder(state, settlesInto, at, watts, gigahashesPerSecond);
    }

    MinerState state() {
        return state;
    }

    MinerState settlesInto() {
        return settlesInto;
    }

    double start() {
        return times[0];
    }

    double end() {
        return times[times.length - 1];
    }

    boolean isTransition() {
        return times.length > 1;
    }

    /** Whether this transition is over at {@code t} (a steady trajectory never is). */
    boolean finishedBy(double t) {
        return isTransition() && end() <= t;
    }

    double wattsAt(double t) {
        return interpolate(watts, t);
    }

    double gigahashesAt(double t) {
        return interpolate(gigahashes, t);
    }

    /** Calls {@code visitor} for every linear piece of the hashrate inside {@code [from, to]}. */
    void forEachHashratePiece(double from, double to, PieceVisitor visitor) {
        double cursor = from;
        for (int i = 0; i + 1 < times.length && cursor < to; i++) {
            double pieceEnd = Math.min(times[i + 1], to);
            if (pieceEnd > cursor) {
                visitor.visit(cursor, pieceEnd, gigahashesAt(cursor), gigahashesAt(pieceEnd));
                cursor = pieceEnd;
            }
        }
        if (cursor < to) {
            double value = gigahashesAt(cursor);
            visitor.visit(cursor, to, value, value);
        }
    }

    private double interpolate(double[] values, double t) {
        if (t <= times[0]) {
            return values[0];
        }
        int last = times.length - 1;
        if (t >= times[last]) {
            return values[last];
        }
        int i = Arrays.binarySearch(times, t);
        if (i >= 0) {
            return values[i];
        }
        int right = -i - 1;
        int left = right - 1;
        double share = (t - times[left]) / (times[right] - times[left]);
        return values[left] + (values[right] - values[left]) * share;
    }

    @FunctionalInterface
    interface PieceVisitor {
        /** A linear piece from {@code (t0, g0)} to {@code (t1, g1)}, hashrate in GH/s. */
        void visit(double t0, double t1, double g0, double g1);
    }

    static final class Builder {
        private final MinerState state;
        private final MinerState settlesInto;
        private final double start;
        private double[] times;
        private double[] watts;
        private double[] gigahashes;
        private int size;

        private Builder(MinerState state, MinerState settlesInto, double start, double watts0, double gigahashes0) {
            this.state = state;
            this.settlesInto = settlesInto;
            this.start = start;
            this.times = new double[6];
            this.watts = new double[6];
            this.gigahashes = new double[6];
            append(start, watts0, gigahashes0);
        }

        /** Reaches {@code watts} and {@code gigahashesPerSecond} {@code afterSeconds} after the start. */
        Builder knot(double afterSeconds, double watts, double gigahashesPerSecond) {
            double at = start + afterSeconds;
            if (at <= times[size - 1]) {
                throw new IllegalArgumentException("knots must move forward in time");
            }
            append(at, watts, gigahashesPerSecond);
            return this;
        }

        Trajectory build() {
            if (size < 2) {
                throw new IllegalStateException("a transition needs at least one knot after its start");
            }
            return new Trajectory(state, settlesInto, Arrays.copyOf(times, size), Arrays.copyOf(watts, size),
                    Arrays.copyOf(gigahashes, size));
        }

        private void append(double at, double w, double g) {
            if (size == times.length) {
                times = Arrays.copyOf(times, size * 2);
                watts = Arrays.copyOf(watts, size * 2);
                gigahashes = Arrays.copyOf(gigahashes, size * 2);
            }
            times[size] = at;
            watts[size] = w;
            gigahashes[size] = g;
            size++;
        }
    }
}
