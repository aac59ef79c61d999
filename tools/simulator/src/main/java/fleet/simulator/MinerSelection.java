package fleet.simulator;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Which miners a fault or a script step applies to: one index, an inclusive index range, explicit
 * indices, a seeded fraction of the fleet, or all of it.
 *
 * <p>A fraction picks exactly {@code round(fraction × fleetSize)} distinct miners with a seeded
 * shuffle, so the same seed always picks the same miners.
 */
public final class MinerSelection {

    private final int[] explicitIndices;
    private final int from;
    private final int toInclusive;
    private final double fraction;
    private final long seed;
    private final Kind kind;

    private enum Kind { INDICES, RANGE, FRACTION, ALL }

    private MinerSelection(Kind kind, int[] explicitIndices, int from, int toInclusive, double fraction, long seed) {
        this.kind = kind;
        this.explicitIndices = explicitIndices;
        this.from = from;
        this.toInclusive = toInclusive;
        this.fraction = fraction;
        this.seed = seed;
    }

    public static MinerSelection index(int index) {
        return indices(index);
    }

    public static MinerSelection indices(int... indices) {
        for (int index : indices) {
            if (index < 0) {
                throw new IllegalArgumentException("miner index must not be negative: " + index);
            }
        }
        return new MinerSelection(Kind.INDICES, indices.clone(), 0, 0, 0, 0);
    }

    /** Miners {@code from} to {@code toInclusive}, both included. */
    public static MinerSelection range(int from, int toInclusive) {
        if (from < 0 || toInclusive < from) {
            throw new IllegalArgumentException("invalid range " + from + "-" + toInclusive);
        }
        return new MinerSelection(Kind.RANGE, null, from, toInclusive, 0, 0);
    }

    /** {@code round(fraction × fleetSize)} miners chosen reproducibly from {@code seed}. */
    public static MinerSelection fraction(double fraction, long seed) {
        if (!(fraction >= 0 && fraction <= 1)) {
            throw new IllegalArgumentException("fraction must be within [0, 1]: " + fraction);
        }
        return new MinerSelection(Kind.FRACTION, null, 0, 0, fraction, seed);
    }

    public static MinerSelection all() {
        return new MinerSelection(Kind.ALL, null, 0, 0, 0, 0);
    }

    /**
     * The selected indices for a fleet of {@code fleetSize} miners, ascending and without duplicates.
     *
     * @throws IllegalArgumentException if an explicit index or range lies outside the fleet
     */
    public int[] resolve(int fleetSize) {
        switch (kind) {
            case ALL:
                return rangeArray(0, fleetSize - 1);
            case RANGE:
                requireWithin(toInclusive, fleetSize);
                return rangeArray(from, toInclusive);
            case INDICES:
                for (int index : explicitIndices) {
                    requireWithin(index, fleetSize);
                }
                return Arrays.stream(explicitIndices).distinct().sorted().toArray();
            case FRACTION:
                return seededSubset(fleetSize);
            default:
                throw new IllegalStateException(kind.toString());
        }
    }

    private int[] seededSubset(int fleetSize) {
        int count = (int) Math.round(fraction * fleetSize);
        int[] pool = rangeArray(0, fleetSize - 1);
        SplittableRandom random = new SplittableRandom(seed);
        // Partial Fisher-Yates: the first `count` slots end up a uniform sample without replacement.
        for (int i = 0; i < count; i++) {
            int j = i + random.nextInt(fleetSize - i);
            int swap = pool[i];
            pool[i] = pool[j];
            pool[j] = swap;
        }
        int[] chosen = Arrays.copyOf(pool, count);
        Arrays.sort(chosen);
        return chosen;
    }

    private static int[] rangeArray(int from, int toInclusive) {
        if (toInclusive < from) {
            return new int[0];
        }
        int[] result = new int[toInclusive - from + 1];
        for (int i = 0; i < result.length; i++) {
            result[i] = from + i;
        }
        return result;
    }

    private static void requireWithin(int index, int fleetSize) {
        if (index >= fleetSize) {
            throw new IllegalArgumentException("miner index " + index + " outside a fleet of " + fleetSize);
        }
    }

    @Override
    public String toString() {
        return switch (kind) {
            case ALL -> "all";
            case RANGE -> from + "-" + toInclusive;
            case INDICES -> Arrays.toString(explicitIndices);
            case FRACTION -> fraction + " (seed " + seed + ")";
        };
    }
}
