package fleet.simulator;

/**
 * Reproducible pseudo-random numbers as a pure function of (seed, counter), so a miner needs no
 * {@code Random} object and a replayed scenario draws the same numbers in the same order.
 * The mixer is SplitMix64's finalizer.
 */
final class SeededNoise {

    private SeededNoise() {
    }

    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** Uniform in [0, 1). */
    static double unit(long seed, long counter) {
        return (mix(seed + counter * 0x9E3779B97F4A7C15L) >>> 11) * 0x1.0p-53;
    }

    /** Uniform in [-1, 1). */
    static double symmetric(long seed, long counter) {
        return unit(seed, counter) * 2.0 - 1.0;
    }

    /** A seed for one purpose of one miner, independent of the other purposes. */
    static long derive(long seed, long index, long purpose) {
        return mix(mix(seed ^ (index * 0xD1B54A32D192ED03L)) + purpose * 0x9E3779B97F4A7C15L);
    }
}
