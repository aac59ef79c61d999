package fleet.api.metrics;

/**
 * The value behind one registered gauge. Micrometer samples it at scrape time; the refresh writes it. NaN means
 * "unknown": not read yet, or the last read failed.
 */
final class GaugeValue {

    private volatile double value = Double.NaN;

    double get() {
        return value;
    }

    void set(double value) {
        this.value = value;
    }
}
