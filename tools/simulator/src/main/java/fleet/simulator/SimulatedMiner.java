package fleet.simulator;

import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * One simulated miner: its identity, the physical course it is on, its LuxOS session and its faults.
 *
 * <p>Invariants:
 * <ul>
 *   <li>No thread or timer belongs to a miner. Every method first advances the physics lazily to the
 *       instant it is given ({@link #advanceTo}), settling finished transitions in order.</li>
 *   <li>All times are miner seconds (the scaled simulation time, see {@link SimulationTime}).</li>
 *   <li>Methods are {@code synchronized}: a miner is served by one event loop, but the embedding API
 *       and the HTTP control surface reach it from other threads.</li>
 * </ul>
 */
final class SimulatedMiner {

    /** LuxOS generates profiles 16 steps down and 8 up from the default one. */
    private static final int LOWEST_PROFILE_STEP = -16;
    private static final int HIGHEST_PROFILE_STEP = 8;
    private static final double POWER_PER_PROFILE_STEP = 0.04;
    /** Hashrate grows slower than power: underclocked chips are more efficient. */
    private static final double HASHRATE_POWER_EXPONENT = 0.8;
    private static final double LOWEST_POWER_TARGET_SHARE = 0.4;
    private static final double HIGHEST_POWER_TARGET_SHARE = 1.1;
    private static final double POOL_CHANGE_SECONDS = 1.0;
    private static final double STOP_SECONDS = 2.0;
    private static final double UNSAFE_WAKE_SHARE_OF_FAST = 0.5;
    private static final String SESSION_ALPHABET =
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    final int index;
    final String host;
    final MinerModel model;

    private final PhysicsSettings physics;
    private final WakeProfile wakeProfile;
    private final double sessionIdleSeconds;
    private final long noiseSeed;
    private final long sessionSeed;
    private final long faultSeed;
    private final double nameplateWatts;
    private final double nameplateGhs;
    private final double rampDownSeconds;
    private final double flapPhaseOffset;

    private double operatingWatts;
    private double operatingGhs;
    private String profile = "default";
    private int powerTargetW;

    private Trajectory course;
    private final HashrateAverages averages;
    private boolean sleepRequested;
    /** LuxOS: after a restart while asleep, the first wakeup cannot use {@code mode=unsafe}. */
    private boolean unsafeWakeBlocked;

    private String sessionId;
    private double sessionLastUsed;
    private long sessionsCreated;

    private EnumMap<FaultType, Fault> faults;
    private int failedWakeAttempts;
    private TelemetryReading frozenReading;

    private long readCount;
    private long requestCount;

    SimulatedMiner(int index, String host, SimulatorConfig config, double now) {
        this.index = index;
        this.host = host;
        this.physics = config.physics();
        this.wakeProfile = config.wakeProfile();
        this.sessionIdleSeconds = config.sessionIdleTimeout().toNanos() / 1e9;
        long seed = config.seed();
        List<MinerModel> models = config.models();
        this.model = models.get((int) (SeededNoise.unit(SeededNoise.derive(seed, index, 1), 0) * models.size()));
        double powerSpread = 1 + physics.efficiencySpread() * SeededNoise.symmetric(SeededNoise.derive(seed, index, 2), 0);
        double hashSpread = 1 + 0.02 * SeededNoise.symmetric(SeededNoise.derive(seed, index, 3), 0);
        this.nameplateWatts = model.nameplateWatts() * powerSpread;
        this.nameplateGhs = model.nameplateThs() * 1000 * hashSpread;
        this.rampDownSeconds = physics.seconds(physics.rampDown())
                * (1 + 0.3 * SeededNoise.symmetric(SeededNoise.derive(seed, index, 4), 0));
        double uptimeSeconds = 86_400 * (1 + 29 * SeededNoise.unit(SeededNoise.derive(seed, index, 5), 0));
        this.noiseSeed = SeededNoise.derive(seed, index, 6);
        this.sessionSeed = SeededNoise.derive(seed, index, 7);
        this.faultSeed = SeededNoise.derive(seed, index, 8);
        this.flapPhaseOffset = SeededNoise.unit(SeededNoise.derive(seed, index, 9), 0);
        this.operatingWatts = nameplateWatts;
        this.operatingGhs = nameplateGhs;
        this.course = Trajectory.steady(MinerState.MINING, now, operatingWatts, operatingGhs);
        this.averages = new HashrateAverages(now, uptimeSeconds, operatingGhs);
    }

    // ---------------------------------------------------------------- reads

    /** A telemetry read: the live values with read noise, or the frozen ones under that fault. */
    synchronized TelemetryReading read(double now, long whenEpochSeconds) {
        advanceTo(now);
        return frozenReading != null ? frozenReading : captureReading(now, whenEpochSeconds);
    }

    synchronized MinerView view(double now, int port) {
        advanceTo(now);
        expireSession(now);
        boolean networkDown = has(FaultType.OFFLINE) || flappingDown(now);
        MinerState physical = course.state();
        return new MinerView(index, host, port, model,
                networkDown ? MinerState.OFFLINE : physical,
                physical,
                !networkDown && physical != MinerState.REBOOTING,
                sleepRequested,
                course.wattsAt(now),
                course.gigahashesAt(now) / 1000,
                operatingWatts,
                operatingGhs / 1000,
                sessionId != null || has(FaultType.BUSY),
                faultTypes(),
                (long) averages.elapsedSeconds(now));
    }

    synchronized double truePowerW(double now) {
        advanceTo(now);
        return course.wattsAt(now);
    }

    synchronized boolean isSleepRequested() {
        return sleepRequested;
    }

    // ---------------------------------------------------------------- curtailment

    /** {@code curtail <sid>,sleep}: hashboards and PSU off. A stuck miner only flips its flag. */
    synchronized void requestSleep(double now) {
        advanceTo(now);
        sleepRequested = true;
        if (!has(FaultType.STUCK_HASHING)) {
            startRampDownIfAwake(now);
        }
    }

    /** {@code curtail <sid>,wakeup[,mode=unsafe]}; a failing-wake fault swallows attempts. */
    synchronized void requestWake(double now, boolean unsafe) {
        advanceTo(now);
        Fault failing = fault(FaultType.FAILING_WAKE);
        if (failing != null && failedWakeAttempts < failing.parameter()) {
            failedWakeAttempts++;
            return;
        }
        sleepRequested = false;
        boolean unsafeAllowed = unsafe && !unsafeWakeBlocked;
        unsafeWakeBlocked = false;
        startWakeIfAsleep(now, wakeSeconds(unsafeAllowed));
    }

    /** Someone woke the miner outside the curtailment system (web UI, another tool). */
    synchronized void forceWake(double now) {
        advanceTo(now);
        sleepRequested = false;
        unsafeWakeBlocked = false;
        if (course.state() == MinerState.STOPPED) {
            course = wakeCourse(now, course.wattsAt(now), course.gigahashesAt(now), wakeSeconds(false), 0);
        } else {
            startWakeIfAsleep(now, wakeSeconds(false));
        }
    }

    /** Someone put the miner to sleep outside the curtailment system; ignores the stuck fault. */
    synchronized void forceSleep(double now) {
        advanceTo(now);
        sleepRequested = true;
        startRampDownIfAwake(now);
    }

    synchronized void stopMining(double now) {
        advanceTo(now);
        MinerState state = course.state();
        if (state == MinerState.MINING || state == MinerState.WAKING || state == MinerState.NO_POOL) {
            course = retarget(now, MinerState.STOPPED, MinerState.STOPPED, STOP_SECONDS, physics.stoppedWatts(), 0);
        }
    }

    synchronized void startMining(double now) {
        advanceTo(now);
        if (course.state() == MinerState.STOPPED) {
            course = wakeCourse(now, course.wattsAt(now), course.gigahashesAt(now), wakeSeconds(false), 0);
        }
    }

    // ---------------------------------------------------------------- reboots and operating point

    /** LuxOS {@code reboot}: the hashboards restart; refused by the caller while asleep. */
    synchronized void restartBoards(double now) {
        advanceTo(now);
        course = wakeCourse(now, course.wattsAt(now), course.gigahashesAt(now), wakeSeconds(false),
                physics.seconds(physics.boardRestart()));
    }

    /** LuxOS {@code rebootdevice}: the API goes away, the process restarts; sleep survives it. */
    synchronized void rebootDevice(double now) {
        advanceTo(now);
        double rebootSeconds = physics.seconds(physics.deviceReboot());
        course = Trajectory.transition(MinerState.REBOOTING, MinerState.MINING, now,
                        course.wattsAt(now), course.gigahashesAt(now))
                .knot(Math.min(1.0, rebootSeconds / 2), physics.idleWatts(), 0)
                .knot(rebootSeconds, physics.idleWatts(), 0)
                .build();
    }

    /**
     * LuxOS {@code profileset}: {@code default}, a relative step ({@code +2}, {@code -3}) or a
     * selector by power ({@code 3000W}, {@code 3.1kW}) or hashrate ({@code 95THs}).
     *
     * @return false if the profile does not exist
     */
    synchronized boolean selectProfile(double now, String requested) {
        double watts = profileWatts(requested.trim());
        if (Double.isNaN(watts)) {
            return false;
        }
        changeOperatingPoint(now, watts, requested.trim(), 0);
        return true;
    }

    /**
     * LuxOS {@code powertargetset power=<W>}.
     *
     * @return false if the target lies outside what the hardware can do
     */
    synchronized boolean setPowerTarget(double now, int watts) {
        if (watts < LOWEST_POWER_TARGET_SHARE * nameplateWatts || watts > HIGHEST_POWER_TARGET_SHARE * nameplateWatts) {
            return false;
        }
        changeOperatingPoint(now, watts, profile, watts);
        return true;
    }

    synchronized int lowestPowerTargetW() {
        return (int) Math.ceil(LOWEST_POWER_TARGET_SHARE * nameplateWatts);
    }

    synchronized int highestPowerTargetW() {
        return (int) Math.floor(HIGHEST_POWER_TARGET_SHARE * nameplateWatts);
    }

    // ---------------------------------------------------------------- sessions

    /** @return the new session id, or null when another session is active (or a phantom holds it) */
    synchronized String logon(double now) {
        expireSession(now);
        if (has(FaultType.BUSY) || sessionId != null) {
            return null;
        }
        sessionId = newSessionId(sessionsCreated++);
        sessionLastUsed = now;
        return sessionId;
    }

    /** LuxOS {@code session}: the active id, or "" when there is none. */
    synchronized String activeSession(double now) {
        if (has(FaultType.BUSY)) {
            return phantomSessionId();
        }
        expireSession(now);
        return sessionId == null ? "" : sessionId;
    }

    /**
     * Validates {@code sid} for a privileged command and refreshes the idle timer. Like LuxOS, any
     * client presenting the active id is accepted: sessions coordinate, they do not authenticate.
     */
    synchronized boolean useSession(String sid, double now) {
        if (sid == null || sid.isEmpty()) {
            return false;
        }
        if (has(FaultType.BUSY)) {
            return sid.equals(phantomSessionId());
        }
        expireSession(now);
        if (sid.equals(sessionId)) {
            sessionLastUsed = now;
            return true;
        }
        return false;
    }

    synchronized boolean logoff(String sid, double now) {
        if (!useSession(sid, now)) {
            return false;
        }
        if (sid.equals(sessionId)) {
            sessionId = null;
        }
        return true;
    }

    // ---------------------------------------------------------------- faults

    synchronized void setFault(Fault fault, double now, long whenEpochSeconds) {
        advanceTo(now);
        if (faults == null) {
            faults = new EnumMap<>(FaultType.class);
        }
        Fault previous = faults.put(fault.type(), fault);
        switch (fault.type()) {
            case POOL_LOSS -> {
                if (previous == null) {
                    losePool(now);
                }
            }
            case FAILING_WAKE -> failedWakeAttempts = 0;
            case FROZEN_TELEMETRY -> {
                if (previous == null) {
                    frozenReading = captureReading(now, whenEpochSeconds);
                }
            }
            default -> {
                // takes effect where the fault is consulted
            }
        }
    }

    synchronized void clearFault(FaultType type, double now) {
        advanceTo(now);
        if (faults == null || faults.remove(type) == null) {
            return;
        }
        switch (type) {
            case POOL_LOSS -> regainPool(now);
            case FROZEN_TELEMETRY -> frozenReading = null;
            case FAILING_WAKE -> failedWakeAttempts = 0;
            default -> {
                // nothing to undo
            }
        }
        if (faults.isEmpty()) {
            faults = null;
        }
    }

    synchronized boolean has(FaultType type) {
        return faults != null && faults.containsKey(type);
    }

    synchronized Set<FaultType> faultTypes() {
        return faults == null ? Collections.emptySet() : Collections.unmodifiableSet(EnumSet.copyOf(faults.keySet()));
    }

    /** Numbers this miner's requests, so probabilistic faults strike reproducibly. */
    synchronized long nextRequestNumber() {
        return requestCount++;
    }

    /** Whether the probabilistic {@code type} (parameter = probability) strikes request {@code requestNumber}. */
    synchronized boolean strikes(FaultType type, long requestNumber) {
        Fault fault = fault(type);
        if (fault == null) {
            return false;
        }
        double probability = fault.parameter();
        return probability >= 1
                || SeededNoise.unit(faultSeed ^ FaultAssignment.saltOf(type), requestNumber) < probability;
    }

    /** Whether the API port should accept connections at {@code now}. */
    synchronized boolean shouldListen(double now) {
        advanceTo(now);
        return !has(FaultType.OFFLINE) && !flappingDown(now) && course.state() != MinerState.REBOOTING;
    }

    /** Whether listening may change without a command: a flapping fault or a reboot in progress. */
    synchronized boolean listeningChangesOverTime(double now) {
        advanceTo(now);
        return has(FaultType.FLAPPING) || course.state() == MinerState.REBOOTING;
    }

    // ---------------------------------------------------------------- internals

    private void advanceTo(double now) {
        while (course.finishedBy(now)) {
            averages.integrate(course, course.end());
            course = settle(course);
        }
        averages.integrate(course, now);
    }

    private Trajectory settle(Trajectory finished) {
        double at = finished.end();
        if (finished.state() == MinerState.REBOOTING) {
            averages.restart(at);
            if (sleepRequested) {
                unsafeWakeBlocked = true;
                return Trajectory.steady(MinerState.SLEEPING, at, physics.sleepWatts(), 0);
            }
            // Booting re-initialises the boards like the firmware's default (stock) wakeup ramp.
            return wakeCourse(at, physics.idleWatts(), 0, slowWakeFactor() * physics.seconds(physics.stockWake()), 0);
        }
        return Trajectory.steady(finished.settlesInto(), at, finished.wattsAt(at), finished.gigahashesAt(at));
    }

    private void startRampDownIfAwake(double now) {
        MinerState state = course.state();
        if (state == MinerState.MINING || state == MinerState.WAKING || state == MinerState.NO_POOL
                || state == MinerState.STOPPED) {
            double w0 = course.wattsAt(now);
            double g0 = course.gigahashesAt(now);
            course = Trajectory.transition(MinerState.RAMPING_DOWN, MinerState.SLEEPING, now, w0, g0)
                    .knot(0.3 * rampDownSeconds, Math.max(physics.sleepWatts(), 0.5 * w0), 0)
                    .knot(rampDownSeconds, physics.sleepWatts(), 0)
                    .build();
        }
    }

    private void startWakeIfAsleep(double now, double rampSeconds) {
        MinerState state = course.state();
        if (state == MinerState.SLEEPING || state == MinerState.RAMPING_DOWN) {
            course = wakeCourse(now, course.wattsAt(now), course.gigahashesAt(now), rampSeconds, 0);
        }
    }

    /**
     * Power first, hashrate later: the PSU and boards come up during the first fifth of the ramp
     * without hashing, hashrate then follows at 60 % when power is already at 95 %.
     */
    private Trajectory wakeCourse(double now, double w0, double g0, double rampSeconds, double boardsOffSeconds) {
        double targetWatts = awakeWatts();
        double targetGhs = awakeGhs();
        Trajectory.Builder ramp = Trajectory.transition(MinerState.WAKING, awakeState(), now, w0, g0);
        double rampStart = 0;
        if (boardsOffSeconds > 0) {
            double off = Math.min(1.0, boardsOffSeconds / 2);
            ramp.knot(off, physics.idleWatts(), 0);
            if (boardsOffSeconds > off) {
                ramp.knot(boardsOffSeconds, physics.idleWatts(), 0);
            }
            rampStart = boardsOffSeconds;
        }
        return ramp.knot(rampStart + 0.2 * rampSeconds, 0.4 * targetWatts, 0)
                .knot(rampStart + 0.6 * rampSeconds, 0.95 * targetWatts, 0.6 * targetGhs)
                .knot(rampStart + rampSeconds, targetWatts, targetGhs)
                .build();
    }

    private Trajectory retarget(double now, MinerState during, MinerState settlesInto, double seconds,
                                double watts, double gigahashes) {
        return Trajectory.transition(during, settlesInto, now, course.wattsAt(now), course.gigahashesAt(now))
                .knot(seconds, watts, gigahashes)
                .build();
    }

    private void losePool(double now) {
        MinerState state = course.state();
        if (state == MinerState.MINING || state == MinerState.WAKING) {
            course = retarget(now, MinerState.NO_POOL, MinerState.NO_POOL, POOL_CHANGE_SECONDS, awakeWatts(), 0);
        }
    }

    private void regainPool(double now) {
        if (course.state() == MinerState.NO_POOL) {
            course = retarget(now, MinerState.WAKING, MinerState.MINING, physics.seconds(physics.boardRestart()),
                    awakeWatts(), awakeGhs());
        } else if (course.state() == MinerState.WAKING && course.settlesInto() == MinerState.NO_POOL) {
            // A wake ramp planned without a pool would otherwise settle into NO_POOL for good.
            course = wakeCourse(now, course.wattsAt(now), course.gigahashesAt(now), wakeSeconds(false), 0);
        }
    }

    private void changeOperatingPoint(double now, double watts, String profileName, int target) {
        advanceTo(now);
        operatingWatts = watts;
        operatingGhs = nameplateGhs * Math.pow(watts / nameplateWatts, HASHRATE_POWER_EXPONENT);
        profile = profileName;
        powerTargetW = target;
        switch (course.state()) {
            case MINING, WAKING -> course = retarget(now, course.state(), awakeState(),
                    physics.seconds(physics.fastWake()), awakeWatts(), awakeGhs());
            case NO_POOL -> course = retarget(now, MinerState.NO_POOL, MinerState.NO_POOL, POOL_CHANGE_SECONDS,
                    awakeWatts(), 0);
            default -> {
                // asleep, stopped or rebooting: the new point applies when it mines again
            }
        }
    }

    private double profileWatts(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        try {
            if (lower.equals("default")) {
                return nameplateWatts;
            }
            if (lower.startsWith("+") || lower.startsWith("-")) {
                int step = Integer.parseInt(lower);
                return step < LOWEST_PROFILE_STEP || step > HIGHEST_PROFILE_STEP
                        ? Double.NaN
                        : nameplateWatts * (1 + POWER_PER_PROFILE_STEP * step);
            }
            if (lower.endsWith("kw")) {
                return withinProfileRange(Double.parseDouble(lower.substring(0, lower.length() - 2)) * 1000);
            }
            if (lower.endsWith("w")) {
                return withinProfileRange(Double.parseDouble(lower.substring(0, lower.length() - 1)));
            }
            if (lower.endsWith("ths")) {
                double ghs = Double.parseDouble(lower.substring(0, lower.length() - 3)) * 1000;
                return withinProfileRange(nameplateWatts * Math.pow(ghs / nameplateGhs, 1 / HASHRATE_POWER_EXPONENT));
            }
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
        return Double.NaN;
    }

    private double withinProfileRange(double watts) {
        double lowest = nameplateWatts * (1 + POWER_PER_PROFILE_STEP * LOWEST_PROFILE_STEP);
        double highest = nameplateWatts * (1 + POWER_PER_PROFILE_STEP * HIGHEST_PROFILE_STEP);
        return watts >= lowest && watts <= highest ? watts : Double.NaN;
    }

    private MinerState awakeState() {
        return has(FaultType.POOL_LOSS) ? MinerState.NO_POOL : MinerState.MINING;
    }

    private double awakeWatts() {
        return has(FaultType.POOL_LOSS) ? operatingWatts * physics.poolLossPowerShare() : operatingWatts;
    }

    private double awakeGhs() {
        return has(FaultType.POOL_LOSS) ? 0 : operatingGhs;
    }

    private double wakeSeconds(boolean unsafe) {
        double fast = physics.seconds(physics.fastWake());
        double seconds = wakeProfile == WakeProfile.FAST ? fast : physics.seconds(physics.stockWake());
        if (unsafe) {
            seconds = Math.min(seconds, UNSAFE_WAKE_SHARE_OF_FAST * fast);
        }
        return seconds * slowWakeFactor();
    }

    private double slowWakeFactor() {
        Fault slow = fault(FaultType.SLOW_WAKE);
        return slow == null ? 1.0 : slow.parameter();
    }

    private TelemetryReading captureReading(double now, long whenEpochSeconds) {
        long n = readCount++;
        double noise = physics.readNoise();
        double watts = course.wattsAt(now) * (1 + noise * SeededNoise.symmetric(noiseSeed, 2 * n));
        double ghs = course.gigahashesAt(now) * (1 + noise * SeededNoise.symmetric(noiseSeed, 2 * n + 1));
        return new TelemetryReading(
                whenEpochSeconds,
                (long) averages.elapsedSeconds(now),
                course.state(),
                watts,
                ghs,
                averages.oneMinute(),
                averages.fiveMinutes(),
                averages.fifteenMinutes(),
                averages.lifetimeAverage(now),
                averages.totalGigahashes(),
                sleepRequested,
                course.state() != MinerState.SLEEPING,
                operatingWatts,
                operatingGhs,
                profile,
                powerTargetW);
    }

    private boolean flappingDown(double now) {
        Fault flapping = fault(FaultType.FLAPPING);
        if (flapping == null) {
            return false;
        }
        long phase = (long) Math.floor(now / flapping.parameter() + 2 * flapPhaseOffset);
        return (phase & 1) == 1;
    }

    private void expireSession(double now) {
        if (sessionId != null && now - sessionLastUsed >= sessionIdleSeconds) {
            sessionId = null;
        }
    }

    private String phantomSessionId() {
        return newSessionId(-1);
    }

    private String newSessionId(long counter) {
        long bits = SeededNoise.mix(sessionSeed + counter * 0x9E3779B97F4A7C15L);
        char[] id = new char[8];
        for (int i = 0; i < id.length; i++) {
            id[i] = SESSION_ALPHABET.charAt((int) Long.remainderUnsigned(bits, SESSION_ALPHABET.length()));
            bits = Long.divideUnsigned(bits, SESSION_ALPHABET.length());
        }
        return new String(id);
    }

    private Fault fault(FaultType type) {
        return faults == null ? null : faults.get(type);
    }
}
