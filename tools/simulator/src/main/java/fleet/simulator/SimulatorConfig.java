package fleet.simulator;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * Everything {@link FleetSimulator#start(SimulatorConfig)} needs. Build with {@link #builder()}; every
 * setting has a default, so {@code SimulatorConfig.builder().miners(10).build()} is a working fleet.
 */
public final class SimulatorConfig {

    private final int miners;
    private final String firstAddress;
    private final int port;
    private final double timeScale;
    private final long seed;
    private final Clock clock;
    private final int eventLoops;
    private final String controlHost;
    private final OptionalInt controlPort;
    private final WakeProfile wakeProfile;
    private final String firmwareVersion;
    private final Duration sessionIdleTimeout;
    private final PhysicsSettings physics;
    private final List<MinerModel> models;
    private final List<FaultAssignment> faults;
    private final int controlCommandLogCapacity;
    private final int telemetryCommandLogCapacity;

    private SimulatorConfig(Builder b) {
        this.miners = b.miners;
        this.firstAddress = b.firstAddress;
        this.port = b.port;
        this.timeScale = b.timeScale;
        this.seed = b.seed;
        this.clock = b.clock;
        this.eventLoops = b.eventLoops;
        this.controlHost = b.controlHost;
        this.controlPort = b.controlPort;
        this.wakeProfile = b.wakeProfile;
        this.firmwareVersion = b.firmwareVersion;
        this.sessionIdleTimeout = b.sessionIdleTimeout;
        this.physics = b.physics;
        this.models = List.copyOf(b.models);
        this.faults = List.copyOf(b.faults);
        this.controlCommandLogCapacity = b.controlCommandLogCapacity;
        this.telemetryCommandLogCapacity = b.telemetryCommandLogCapacity;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Number of miners. */
    public int miners() {
        return miners;
    }

    /** Address of miner 0; miner {@code i} listens on this address plus {@code i}. */
    public String firstAddress() {
        return firstAddress;
    }

    /** API port every miner listens on (4028 on real hardware). */
    public int port() {
        return port;
    }

    /** Miner seconds per wall-clock second: 10 makes every ramp, expiry and average 10× faster. */
    public double timeScale() {
        return timeScale;
    }

    /** Seed of every random choice (models, spreads, noise, fault fractions, session ids). */
    public long seed() {
        return seed;
    }

    /** The simulator's only source of time. */
    public Clock clock() {
        return clock;
    }

    /** Vert.x event loops serving all miners. */
    public int eventLoops() {
        return eventLoops;
    }

    public String controlHost() {
        return controlHost;
    }

    /** Port of the HTTP control surface; empty = no control surface, 0 = any free port. */
    public OptionalInt controlPort() {
        return controlPort;
    }

    public WakeProfile wakeProfile() {
        return wakeProfile;
    }

    /** LUXminer version reported in {@code Description} and {@code VERSION}, e.g. {@code 2025.4.8.220305-7b2c1f0}. */
    public String firmwareVersion() {
        return firmwareVersion;
    }

    /** LuxOS session idle expiry in miner time (one minute on real firmware). */
    public Duration sessionIdleTimeout() {
        return sessionIdleTimeout;
    }

    public PhysicsSettings physics() {
        return physics;
    }

    /** Models drawn (seeded, uniformly) for the miners. */
    public List<MinerModel> models() {
        return models;
    }

    /** Faults active from the start. */
    public List<FaultAssignment> faults() {
        return faults;
    }

    /** How many control commands (logon, curtail, reboot, …) the command log keeps. */
    public int controlCommandLogCapacity() {
        return controlCommandLogCapacity;
    }

    /** How many telemetry and other commands the command log keeps (oldest dropped first). */
    public int telemetryCommandLogCapacity() {
        return telemetryCommandLogCapacity;
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.miners = miners;
        b.firstAddress = firstAddress;
        b.port = port;
        b.timeScale = timeScale;
        b.seed = seed;
        b.clock = clock;
        b.eventLoops = eventLoops;
        b.controlHost = controlHost;
        b.controlPort = controlPort;
        b.wakeProfile = wakeProfile;
        b.firmwareVersion = firmwareVersion;
        b.sessionIdleTimeout = sessionIdleTimeout;
        b.physics = physics;
        b.models = new ArrayList<>(models);
        b.faults = new ArrayList<>(faults);
        b.controlCommandLogCapacity = controlCommandLogCapacity;
        b.telemetryCommandLogCapacity = telemetryCommandLogCapacity;
        return b;
    }

    public static final class Builder {
        private int miners = 100;
        private String firstAddress = "127.1.0.1";
        private int port = 4028;
        private double timeScale = 1.0;
        private long seed = 42;
        private Clock clock = Clock.systemUTC();
        private int eventLoops = 2;
        private String controlHost = "127.0.0.1";
        private OptionalInt controlPort = OptionalInt.empty();
        private WakeProfile wakeProfile = WakeProfile.FAST;
        private String firmwareVersion = "2025.4.8.220305-7b2c1f0";
        private Duration sessionIdleTimeout = Duration.ofSeconds(60);
        private PhysicsSettings physics = PhysicsSettings.defaults();
        private List<MinerModel> models = new ArrayList<>(EnumSet.allOf(MinerModel.class));
        private List<FaultAssignment> faults = new ArrayList<>();
        private int controlCommandLogCapacity = 500_000;
        private int telemetryCommandLogCapacity = 100_000;

        private Builder() {
        }

        public Builder miners(int value) {
            miners = value;
            return this;
        }

        public Builder firstAddress(String value) {
            firstAddress = value;
            return this;
        }

        public Builder port(int value) {
            port = value;
            return this;
        }

        public Builder timeScale(double value) {
            timeScale = value;
            return this;
        }

        public Builder seed(long value) {
            seed = value;
            return this;
        }

        public Builder clock(Clock value) {
            clock = value;
            return this;
        }

        public Builder eventLoops(int value) {
            eventLoops = value;
            return this;
        }

        /** Serve the HTTP control surface on {@code host:port} (port 0 = any free port). */
        public Builder controlSurface(String host, int port) {
            controlHost = host;
            controlPort = OptionalInt.of(port);
            return this;
        }

        public Builder withoutControlSurface() {
            controlPort = OptionalInt.empty();
            return this;
        }

        public Builder wakeProfile(WakeProfile value) {
            wakeProfile = value;
            return this;
        }

        public Builder firmwareVersion(String value) {
            firmwareVersion = value;
            return this;
        }

        public Builder sessionIdleTimeout(Duration value) {
            sessionIdleTimeout = value;
            return this;
        }

        public Builder physics(PhysicsSettings value) {
            physics = value;
            return this;
        }

        public Builder models(List<MinerModel> value) {
            models = new ArrayList<>(value);
            return this;
        }

        public Builder fault(FaultAssignment value) {
            faults.add(value);
            return this;
        }

        public Builder fault(MinerSelection selection, Fault fault) {
            return fault(new FaultAssignment(fault, selection));
        }

        public Builder commandLogCapacity(int control, int telemetry) {
            controlCommandLogCapacity = control;
            telemetryCommandLogCapacity = telemetry;
            return this;
        }

        public SimulatorConfig build() {
            if (miners < 1) {
                throw new IllegalArgumentException("miners must be at least 1");
            }
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("port must be within 1..65535");
            }
            if (!(timeScale > 0) || Double.isInfinite(timeScale)) {
                throw new IllegalArgumentException("timeScale must be a positive number");
            }
            if (eventLoops < 1) {
                throw new IllegalArgumentException("eventLoops must be at least 1");
            }
            Objects.requireNonNull(clock, "clock");
            Objects.requireNonNull(wakeProfile, "wakeProfile");
            Objects.requireNonNull(physics, "physics");
            Objects.requireNonNull(firmwareVersion, "firmwareVersion");
            if (models.isEmpty()) {
                throw new IllegalArgumentException("models must not be empty");
            }
            if (sessionIdleTimeout == null || sessionIdleTimeout.isNegative() || sessionIdleTimeout.isZero()) {
                throw new IllegalArgumentException("sessionIdleTimeout must be positive");
            }
            if (controlPort.isPresent() && (controlPort.getAsInt() < 0 || controlPort.getAsInt() > 65535)) {
                throw new IllegalArgumentException("control port must be within 0..65535");
            }
            if (controlCommandLogCapacity < 0 || telemetryCommandLogCapacity < 0) {
                throw new IllegalArgumentException("command log capacities must not be negative");
            }
            // Validates the address and that the whole fleet fits in 127.0.0.0/8.
            LoopbackAddresses.hostOf(LoopbackAddresses.parse(firstAddress), miners - 1);
            return new SimulatorConfig(this);
        }
    }
}
