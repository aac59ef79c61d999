package fleet.simulator;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The LuxOS (LUXminer) command set over the cgminer envelope: which verbs exist, which need a
 * session, what each one does to the miner and what it answers.
 *
 * <p>Read commands need no session. Privileged commands take the session id as their first
 * parameter ({@code curtail <sid>,sleep}); a missing, wrong or expired id is answered with
 * STATUS E, Code 401 "Invalid session id" [E: the real code is not published]. Multi-command
 * requests ({@code summary+power}) may join report commands only, as in cgminer: other members get
 * their own STATUS E, Code 45.
 */
final class LuxosDialect {

    private enum Kind {
        /** Telemetry: no session, joinable, subject to the flaky/frozen telemetry faults. */
        REPORT,
        LOGON,
        /** Needs a valid session id as first parameter. */
        PRIVILEGED
    }

    private static final Map<String, Kind> COMMANDS = Map.ofEntries(
            Map.entry("version", Kind.REPORT),
            Map.entry("config", Kind.REPORT),
            Map.entry("summary", Kind.REPORT),
            Map.entry("devs", Kind.REPORT),
            Map.entry("pools", Kind.REPORT),
            Map.entry("stats", Kind.REPORT),
            Map.entry("power", Kind.REPORT),
            Map.entry("session", Kind.REPORT),
            Map.entry("logon", Kind.LOGON),
            Map.entry("logoff", Kind.PRIVILEGED),
            Map.entry("curtail", Kind.PRIVILEGED),
            Map.entry("reboot", Kind.PRIVILEGED),
            Map.entry("rebootdevice", Kind.PRIVILEGED),
            Map.entry("profileset", Kind.PRIVILEGED),
            Map.entry("powertargetset", Kind.PRIVILEGED));

    private static final int BOARDS = 3;
    private static final int CHIPS_PER_BOARD = 108;
    private static final String POOL_URL = "stratum+tcp://btc.global.luxor.tech:700";

    private final String firmwareVersion;
    private final String description;
    private final String compileTime;

    LuxosDialect(String firmwareVersion) {
        this.firmwareVersion = firmwareVersion;
        this.description = "LUXminer " + firmwareVersion;
        this.compileTime = "Tue Apr  8 22:03:05 UTC 2025";
    }

    /** Whether the request only reads telemetry (every member of a multi-command included). */
    static boolean isTelemetry(ApiRequest request) {
        if (request.rejection() != null || request.command().isEmpty()) {
            return false;
        }
        for (String member : request.command().split("\\+")) {
            if (COMMANDS.get(member) != Kind.REPORT) {
                return false;
            }
        }
        return true;
    }

    /** Whether the command is a write the command log keeps apart from the telemetry noise. */
    static boolean isControl(String command) {
        Kind kind = COMMANDS.get(command);
        return kind == Kind.LOGON || kind == Kind.PRIVILEGED;
    }

    ApiReply handle(SimulatedMiner miner, ApiRequest request, SimulationTime.Moment now) {
        if (request.rejection() != null) {
            return ApiReply.statusOnly(request.command(), request.parameter(), request.rejection(),
                    now.epochSecond(), description);
        }
        if (request.isMultiCommand()) {
            return request.json()
                    ? joined(miner, request, now)
                    : ApiReply.statusOnly(request.command(), request.parameter(), ApiStatus.invalidCommand(),
                            now.epochSecond(), description);
        }
        return single(miner, request.command(), request.parameter(), now);
    }

    private ApiReply joined(SimulatedMiner miner, ApiRequest request, SimulationTime.Moment now) {
        LinkedHashMap<String, ApiReply> members = new LinkedHashMap<>();
        for (String member : request.command().split("\\+")) {
            if (member.isEmpty() || members.containsKey(member)) {
                continue;
            }
            Kind kind = COMMANDS.get(member);
            ApiReply reply;
            if (kind == null) {
                reply = status(member, null, ApiStatus.invalidCommand(), now);
            } else if (kind != Kind.REPORT) {
                reply = status(member, null, ApiStatus.accessDenied(member), now);
            } else {
                reply = report(miner, member, null, now);
            }
            members.put(member, reply);
        }
        if (members.isEmpty()) {
            return status(request.command(), request.parameter(), ApiStatus.invalidCommand(), now);
        }
        return ApiReply.joined(members);
    }

    private ApiReply single(SimulatedMiner miner, String command, String parameter, SimulationTime.Moment now) {
        Kind kind = COMMANDS.get(command);
        if (kind == null) {
            return status(command, parameter, ApiStatus.invalidCommand(), now);
        }
        return switch (kind) {
            case REPORT -> report(miner, command, parameter, now);
            case LOGON -> logon(miner, parameter, now);
            case PRIVILEGED -> privileged(miner, command, parameter, now);
        };
    }

    // ---------------------------------------------------------------- session and privileged commands

    private ApiReply logon(SimulatedMiner miner, String parameter, SimulationTime.Moment now) {
        if (miner.has(FaultType.REFUSE)) {
            return status("logon", parameter, ApiStatus.accessDenied("logon"), now);
        }
        if (miner.has(FaultType.AUTH_FAILURE)) {
            return status("logon", parameter, ApiStatus.error(ApiStatus.AUTH_FAILED, "Authentication failed"), now);
        }
        String sessionId = miner.logon(now.miner());
        if (sessionId == null) {
            return status("logon", parameter,
                    ApiStatus.error(ApiStatus.SESSION_BUSY, "Another session is active"), now);
        }
        return reply("logon", parameter, ApiStatus.success(ApiStatus.SESSION_CREATED, "Session created"), now,
                "SESSION", item("SessionID", sessionId));
    }

    private ApiReply privileged(SimulatedMiner miner, String command, String parameter, SimulationTime.Moment now) {
        if (miner.has(FaultType.REFUSE)) {
            return status(command, parameter, ApiStatus.accessDenied(command), now);
        }
        List<String> args = splitParameters(parameter);
        String sessionId = args.isEmpty() ? "" : args.get(0);
        if (command.equals("logoff")) {
            return miner.logoff(sessionId, now.miner())
                    ? status(command, parameter, ApiStatus.success(ApiStatus.SESSION_ENDED, "Session ended"), now)
                    : status(command, parameter, ApiStatus.invalidSession(), now);
        }
        if (!miner.useSession(sessionId, now.miner())) {
            return status(command, parameter, ApiStatus.invalidSession(), now);
        }
        return switch (command) {
            case "curtail" -> curtail(miner, parameter, args, now);
            case "reboot" -> rebootBoards(miner, parameter, args, now);
            case "rebootdevice" -> {
                miner.rebootDevice(now.miner());
                yield status(command, parameter,
                        ApiStatus.success(ApiStatus.DEVICE_REBOOT_SCHEDULED, "Device reboot scheduled"), now);
            }
            case "profileset" -> profileSet(miner, parameter, args, now);
            case "powertargetset" -> powerTargetSet(miner, parameter, args, now);
            default -> status(command, parameter, ApiStatus.invalidCommand(), now);
        };
    }

    private ApiReply curtail(SimulatedMiner miner, String parameter, List<String> args, SimulationTime.Moment now) {
        if (args.size() < 2) {
            return status("curtail", parameter, ApiStatus.invalidParameter("Missing parameter: action"), now);
        }
        String action = args.get(1).trim();
        ApiStatus sent = ApiStatus.success(ApiStatus.CURTAIL_SENT, "Curtailment command sent");
        switch (action) {
            case "sleep" -> {
                miner.requestSleep(now.miner());
                return reply("curtail", parameter, sent, now, "CURTAIL", item("Action", "sleep mode"));
            }
            case "wakeup" -> {
                boolean unsafe = args.subList(2, args.size()).stream()
                        .anyMatch(option -> option.trim().equalsIgnoreCase("mode=unsafe"));
                miner.requestWake(now.miner(), unsafe);
                return reply("curtail", parameter, sent, now, "CURTAIL", item("Action", "wake up"));
            }
            default -> {
                return status("curtail", parameter,
                        ApiStatus.invalidParameter("Invalid curtail action '" + action + "'"), now);
            }
        }
    }

    private ApiReply rebootBoards(SimulatedMiner miner, String parameter, List<String> args, SimulationTime.Moment now) {
        if (miner.isSleepRequested()) {
            return status("reboot", parameter, ApiStatus.error(ApiStatus.REBOOT_REFUSED_ASLEEP,
                    "Board reboot is not allowed while the miner is in sleep mode"), now);
        }
        List<Integer> boards = new ArrayList<>();
        if (args.size() < 2 || args.get(1).isBlank()) {
            for (int board = 0; board < BOARDS; board++) {
                boards.add(board);
            }
        } else {
            try {
                int board = Integer.parseInt(args.get(1).trim());
                if (board < 0 || board >= BOARDS) {
                    throw new NumberFormatException();
                }
                boards.add(board);
            } catch (NumberFormatException e) {
                return status("reboot", parameter, ApiStatus.invalidParameter("Invalid board id '" + args.get(1) + "'"), now);
            }
        }
        miner.restartBoards(now.miner());
        List<Map<String, Object>> items = new ArrayList<>();
        for (int board : boards) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("Board", board);
            entry.put("IsShutdown", false);
            items.add(entry);
        }
        return ApiReply.of("reboot", parameter, ApiStatus.success(ApiStatus.REBOOT_SCHEDULED, "Reboot Scheduled"),
                now.epochSecond(), description, "REBOOT", items);
    }

    private ApiReply profileSet(SimulatedMiner miner, String parameter, List<String> args, SimulationTime.Moment now) {
        // Legacy form <sid>,<board_id>,<profile>: a second parameter 0..3 is a board id (docs.luxor.tech).
        int profileIndex = args.size() > 2 && args.get(1).trim().matches("[0-3]") ? 2 : 1;
        if (args.size() <= profileIndex || args.get(profileIndex).isBlank()) {
            return status("profileset", parameter, ApiStatus.invalidParameter("Missing parameter: profile"), now);
        }
        String profile = args.get(profileIndex).trim();
        if (!miner.selectProfile(now.miner(), profile)) {
            return status("profileset", parameter, ApiStatus.invalidParameter("Invalid profile '" + profile + "'"), now);
        }
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("Board", 0);
        entry.put("FrequencyStep", 5);
        entry.put("Profile", profile);
        entry.put("VoltageStep", 0.05);
        return ApiReply.of("profileset", parameter, ApiStatus.success(ApiStatus.PROFILE_SET, "Profile Set"),
                now.epochSecond(), description, "PROFILE", List.of(entry));
    }

    /** {@code powertargetset <sid>,power=<watts>}; LUXminer rejects bare positional watts. */
    private ApiReply powerTargetSet(SimulatedMiner miner, String parameter, List<String> args, SimulationTime.Moment now) {
        Integer watts = null;
        for (String option : args.subList(1, args.size())) {
            int equals = option.indexOf('=');
            if (equals < 0) {
                return status("powertargetset", parameter, ApiStatus.invalidParameter("Invalid key/value format"), now);
            }
            if (option.substring(0, equals).trim().equals("power")) {
                try {
                    watts = Integer.parseInt(option.substring(equals + 1).trim());
                } catch (NumberFormatException e) {
                    return status("powertargetset", parameter,
                            ApiStatus.invalidParameter("Invalid power value '" + option.substring(equals + 1) + "'"), now);
                }
            }
        }
        if (watts == null) {
            return status("powertargetset", parameter, ApiStatus.invalidParameter("Missing parameter: power"), now);
        }
        if (!miner.setPowerTarget(now.miner(), watts)) {
            return status("powertargetset", parameter, ApiStatus.invalidParameter("Power target out of range ("
                    + miner.lowestPowerTargetW() + "-" + miner.highestPowerTargetW() + " W)"), now);
        }
        return reply("powertargetset", parameter, ApiStatus.success(ApiStatus.POWER_TARGET_SET, "Power target set"),
                now, "POWERTARGET", item("PowerTarget", watts));
    }

    // ---------------------------------------------------------------- reports

    private ApiReply report(SimulatedMiner miner, String command, String parameter, SimulationTime.Moment now) {
        switch (command) {
            case "version":
                return reply(command, parameter, ApiStatus.success(ApiStatus.VERSION, "LUXminer versions"), now,
                        "VERSION", version(miner));
            case "session":
                return reply(command, parameter, ApiStatus.success(ApiStatus.SESSION_INFO, "Session information"), now,
                        "SESSION", item("SessionID", miner.activeSession(now.miner())));
            case "power":
                if (miner.has(FaultType.POWER_ABSENT)) {
                    return status(command, parameter, ApiStatus.invalidCommand(), now);
                }
                break;
            default:
                break;
        }
        TelemetryReading reading = miner.read(now.miner(), now.epochSecond());
        return switch (command) {
            case "power" -> readingReply(command, parameter, ApiStatus.success(ApiStatus.POWER, "Power usage"),
                    reading, "POWER", List.of(power(miner, reading)));
            case "summary" -> readingReply(command, parameter, ApiStatus.success(ApiStatus.SUMMARY, "Summary"),
                    reading, "SUMMARY", List.of(summary(reading)));
            case "devs" -> readingReply(command, parameter, ApiStatus.success(ApiStatus.DEVS, BOARDS + " ASC(s)"),
                    reading, "DEVS", devs(miner, reading));
            case "pools" -> readingReply(command, parameter, ApiStatus.success(ApiStatus.POOLS, "1 Pool(s)"),
                    reading, "POOLS", List.of(pool(miner, reading)));
            case "stats" -> readingReply(command, parameter, ApiStatus.success(ApiStatus.STATS, "CGMiner stats"),
                    reading, "STATS", stats(miner, reading));
            case "config" -> readingReply(command, parameter, ApiStatus.success(ApiStatus.CONFIG, "LUXminer config"),
                    reading, "CONFIG", List.of(config(miner, reading)));
            default -> status(command, parameter, ApiStatus.invalidCommand(), now);
        };
    }

    private Map<String, Object> version(SimulatedMiner miner) {
        Map<String, Object> version = new LinkedHashMap<>();
        version.put("API", "3.7");
        version.put("CompileTime", compileTime);
        version.put("LUXminer", firmwareVersion);
        version.put("Miner", minerVersion());
        version.put("Type", miner.model.displayName());
        return version;
    }

    private Map<String, Object> power(SimulatedMiner miner, TelemetryReading reading) {
        Map<String, Object> power = new LinkedHashMap<>();
        power.put("PSU", miner.model.psuReportsPower());
        power.put("Watts", Math.round(reading.watts()));
        return power;
    }

    private Map<String, Object> summary(TelemetryReading reading) {
        long accepted = reading.acceptedShares();
        long rejected = reading.rejectedShares();
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("Elapsed", reading.elapsedSeconds());
        summary.put("GHS 5s", round2(reading.ghs5s()));
        summary.put("GHS 1m", round2(reading.ghs1m()));
        summary.put("GHS 5m", round2(reading.ghs5m()));
        summary.put("GHS 15m", round2(reading.ghs15m()));
        summary.put("GHS av", round2(reading.ghsAv()));
        summary.put("Found Blocks", 0);
        summary.put("Getworks", accepted / 20);
        summary.put("Accepted", accepted);
        summary.put("Rejected", rejected);
        summary.put("Hardware Errors", accepted / 1000);
        summary.put("Utility", round2(reading.elapsedSeconds() > 0 ? accepted * 60.0 / reading.elapsedSeconds() : 0));
        summary.put("Discarded", 0);
        summary.put("Stale", 0);
        summary.put("Get Failures", 0);
        summary.put("Local Work", accepted * 3);
        summary.put("Remote Failures", 0);
        summary.put("Network Blocks", reading.elapsedSeconds() / 600);
        summary.put("Total MH", round2(reading.totalGigahashes() * 1000));
        // Diff-1 shares per minute: one diff-1 share is 2^32 hashes, about 4.295 GH.
        summary.put("Work Utility", round2(reading.ghsAv() * 60 / 4.295));
        summary.put("Difficulty Accepted", accepted * 65536.0);
        summary.put("Difficulty Rejected", rejected * 65536.0);
        summary.put("Difficulty Stale", 0.0);
        summary.put("Best Share", accepted * 131072);
        summary.put("Device Hardware%", 0.0);
        summary.put("Device Rejected%", round2(accepted > 0 ? 100.0 * rejected / accepted : 0));
        summary.put("Pool Rejected%", round2(accepted > 0 ? 100.0 * rejected / accepted : 0));
        summary.put("Pool Stale%", 0.0);
        summary.put("Last getwork", reading.when());
        return summary;
    }

    private List<Map<String, Object>> devs(SimulatedMiner miner, TelemetryReading reading) {
        List<Map<String, Object>> devs = new ArrayList<>();
        long accepted = reading.acceptedShares();
        for (int board = 0; board < BOARDS; board++) {
            double share = boardShare(board);
            Map<String, Object> dev = new LinkedHashMap<>();
            dev.put("ASC", board);
            dev.put("Name", "LUX");
            dev.put("ID", board);
            dev.put("Enabled", "Y");
            dev.put("Status", "Alive");
            dev.put("Temperature", reading.boardTemperature());
            dev.put("MHS av", round2(reading.ghsAv() * 1000 * share));
            dev.put("MHS 5s", round2(reading.ghs5s() * 1000 * share));
            dev.put("MHS 1m", round2(reading.ghs1m() * 1000 * share));
            dev.put("MHS 5m", round2(reading.ghs5m() * 1000 * share));
            dev.put("MHS 15m", round2(reading.ghs15m() * 1000 * share));
            dev.put("Nominal MHS", round2(reading.operatingGhs() * 1000 * share));
            dev.put("Accepted", (long) (accepted * share));
            dev.put("Rejected", (long) (reading.rejectedShares() * share));
            dev.put("Hardware Errors", (long) (accepted * share / 1000));
            dev.put("Last Share Pool", 0);
            dev.put("Last Share Time", reading.when());
            dev.put("Total MH", round2(reading.totalGigahashes() * 1000 * share));
            dev.put("Device Elapsed", reading.elapsedSeconds());
            dev.put("SerialNumber", serialNumber(miner) + "B" + board);
            devs.add(dev);
        }
        return devs;
    }

    private Map<String, Object> pool(SimulatedMiner miner, TelemetryReading reading) {
        boolean hashing = reading.state() == MinerState.MINING || reading.state() == MinerState.WAKING;
        long accepted = reading.acceptedShares();
        Map<String, Object> pool = new LinkedHashMap<>();
        pool.put("POOL", 0);
        pool.put("GROUP", 0);
        pool.put("URL", POOL_URL);
        pool.put("Status", reading.poolAlive() ? "Alive" : "Dead");
        pool.put("Priority", 0);
        pool.put("Quota", 1);
        pool.put("Long Poll", "N");
        pool.put("Getworks", accepted / 20);
        pool.put("Accepted", accepted);
        pool.put("Rejected", reading.rejectedShares());
        pool.put("Works", accepted * 3);
        pool.put("Discarded", 0);
        pool.put("Stale", 0);
        pool.put("Get Failures", 0);
        pool.put("Remote Failures", 0);
        pool.put("User", "fleet.sim" + miner.index);
        pool.put("Last Share Time", hashing ? reading.when() : 0);
        pool.put("Diff1 Shares", accepted * 65536);
        pool.put("Proxy Type", "");
        pool.put("Proxy", "");
        pool.put("Difficulty Accepted", accepted * 65536.0);
        pool.put("Difficulty Rejected", reading.rejectedShares() * 65536.0);
        pool.put("Difficulty Stale", 0.0);
        pool.put("Last Share Difficulty", 65536.0);
        pool.put("Work Difficulty", 65536.0);
        pool.put("Has Stratum", true);
        // A sleeping LUXminer skips its pool connection; a miner without a pool has none to keep.
        pool.put("Stratum Active", reading.poolAlive() && reading.state() != MinerState.SLEEPING
                && reading.state() != MinerState.RAMPING_DOWN);
        pool.put("Stratum URL", POOL_URL.substring("stratum+tcp://".length()));
        pool.put("Stratum Difficulty", 65536.0);
        pool.put("Has Vmask", true);
        pool.put("Has GBT", false);
        pool.put("Best Share", accepted * 131072);
        pool.put("Pool Rejected%", round2(accepted > 0 ? 100.0 * reading.rejectedShares() / accepted : 0));
        pool.put("Pool Stale%", 0.0);
        pool.put("Bad Work", 0);
        pool.put("Current Block Height", 900_000 + reading.when() / 600 % 100_000);
        pool.put("Current Block Version", 536_870_912);
        return pool;
    }

    private List<Map<String, Object>> stats(SimulatedMiner miner, TelemetryReading reading) {
        Map<String, Object> identity = new LinkedHashMap<>();
        identity.put("CompileTime", compileTime);
        identity.put("LUXminer", firmwareVersion);
        identity.put("Miner", minerVersion());
        identity.put("Type", miner.model.displayName());

        double load = reading.operatingWatts() > 0 ? Math.min(1.0, reading.watts() / reading.operatingWatts()) : 0;
        int fanRpm = (int) Math.round(1800 + 4200 * load);
        Map<String, Object> detail = new LinkedHashMap<>();
        detail.put("STATS", 0);
        detail.put("ID", "LUX0");
        detail.put("Elapsed", reading.elapsedSeconds());
        detail.put("Calls", 0);
        detail.put("Wait", 0.0);
        detail.put("Max", 0.0);
        detail.put("Min", 99_999_999.0);
        detail.put("GHS 5s", round2(reading.ghs5s()));
        detail.put("GHS av", round2(reading.ghsAv()));
        detail.put("total_rateideal", round2(reading.operatingGhs()));
        detail.put("total_rate", round2(reading.ghs5s()));
        detail.put("miner_count", BOARDS);
        detail.put("fan_num", 4);
        for (int fan = 1; fan <= 4; fan++) {
            detail.put("fan" + fan, fanRpm + 30 * fan);
        }
        detail.put("temp_num", BOARDS);
        double temperature = reading.boardTemperature();
        for (int board = 1; board <= BOARDS; board++) {
            double share = boardShare(board - 1);
            detail.put("chain_rate" + board, round2(reading.ghs5s() * share));
            detail.put("chain_rateideal" + board, round2(reading.operatingGhs() * share));
            detail.put("chain_acn" + board, CHIPS_PER_BOARD);
            detail.put("freq" + board, reading.ghs5s() > 0 ? 490 : 0);
            int pcb = (int) Math.round(temperature);
            detail.put("temp_pcb" + board, pcb + "-" + (pcb + 2) + "-" + (pcb - 1) + "-" + (pcb + 1));
            int chip = (int) Math.round(temperature + 12);
            detail.put("temp_chip" + board, chip + "-" + (chip + 2) + "-" + (chip - 1) + "-" + (chip + 1));
        }
        return List.of(identity, detail);
    }

    private Map<String, Object> config(SimulatedMiner miner, TelemetryReading reading) {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("ASC Count", BOARDS);
        config.put("PGA Count", 0);
        config.put("Pool Count", 1);
        config.put("Strategy", "Failover");
        config.put("Log Interval", 5);
        config.put("Device Code", "");
        config.put("OS", "Linux");
        config.put("Hotplug", "None");
        config.put("ActualPowerTarget", (int) Math.round(reading.operatingWatts()));
        config.put("IdealPowerTarget", miner.model.nameplateWatts());
        config.put("IsPowerTargetEnabled", reading.powerTargetW() > 0);
        config.put("IsPowerTargetSupported", true);
        config.put("PowerLimit", miner.highestPowerTargetW());
        config.put("BcastAddr", "127.255.255.255");
        config.put("ControlBoardType", "CVITek");
        config.put("Cooling", "Air");
        config.put("CurtailMode", reading.sleepRequested() ? "Sleep" : "None");
        config.put("DHCP", false);
        config.put("DNS Servers", "1.1.1.1");
        config.put("FPGABuildIdHex", "0x00000000");
        config.put("FPGABuildIdStr", "none");
        config.put("FeeStatus", "Active");
        config.put("Gateway", "127.0.0.1");
        config.put("GreenLed", "auto");
        config.put("Hostname", "luxos-" + miner.host.replace('.', '-'));
        config.put("IPAddr", miner.host);
        config.put("ImmersionMode", false);
        config.put("IsAtmEnabled", false);
        config.put("IsPowerSupplyOn", reading.psuOn());
        config.put("IsSingleVoltage", true);
        config.put("IsTuning", reading.state() == MinerState.WAKING);
        config.put("LogFileLevel", "info");
        config.put("MACAddr", macAddress(miner));
        config.put("Model", miner.model.displayName());
        config.put("NameplateTHS", miner.model.nameplateThs());
        config.put("Netmask", "255.0.0.0");
        config.put("PIC", "none");
        config.put("PSUHwVersion", "APW17");
        config.put("PSULabel", "APW17");
        config.put("Profile", reading.profile());
        config.put("ProfileStep", 0);
        config.put("RedLed", "off");
        config.put("SerialNumber", serialNumber(miner));
        config.put("SystemStatus", systemStatus(reading));
        config.put("UpdateOnStartup", "none");
        config.put("UpdateOnTimeout", "none");
        config.put("UpdateOnUser", "full");
        config.put("UpdateSource", "stable");
        config.put("UpdateTimeout", 0);
        return config;
    }

    /** [E] The real SystemStatus vocabulary is not published; these names follow the state. */
    private static String systemStatus(TelemetryReading reading) {
        return switch (reading.state()) {
            case MINING -> "Normal";
            case RAMPING_DOWN, SLEEPING -> "Sleep";
            case WAKING -> "Ramping";
            case NO_POOL -> "NoActivePools";
            case STOPPED -> "Stopped";
            case REBOOTING, OFFLINE -> "Initializing";
        };
    }

    // ---------------------------------------------------------------- helpers

    private ApiReply status(String command, String parameter, ApiStatus status, SimulationTime.Moment now) {
        return ApiReply.statusOnly(command, parameter, status, now.epochSecond(), description);
    }

    private ApiReply reply(String command, String parameter, ApiStatus status, SimulationTime.Moment now,
                           String section, Map<String, Object> item) {
        return ApiReply.of(command, parameter, status, now.epochSecond(), description, section, List.of(item));
    }

    private ApiReply readingReply(String command, String parameter, ApiStatus status, TelemetryReading reading,
                                  String section, List<Map<String, Object>> items) {
        return ApiReply.of(command, parameter, status, reading.when(), description, section, items);
    }

    private static Map<String, Object> item(String key, Object value) {
        Map<String, Object> item = new LinkedHashMap<>();
        item.put(key, value);
        return item;
    }

    /** Splits a cgminer parameter on commas; {@code \,} and {@code \\} escape. */
    static List<String> splitParameters(String parameter) {
        List<String> parts = new ArrayList<>();
        if (parameter == null || parameter.isEmpty()) {
            return parts;
        }
        StringBuilder current = new StringBuilder();
        for (int i = 0; i < parameter.length(); i++) {
            char c = parameter.charAt(i);
            if (c == '\\' && i + 1 < parameter.length()) {
                current.append(parameter.charAt(++i));
            } else if (c == ',') {
                parts.add(current.toString());
                current.setLength(0);
            } else {
                current.append(c);
            }
        }
        parts.add(current.toString());
        return parts;
    }

    private String minerVersion() {
        int dash = firmwareVersion.indexOf('-');
        return dash < 0 ? firmwareVersion : firmwareVersion.substring(0, dash);
    }

    private static double boardShare(int board) {
        return board == 1 ? 0.34 : 0.33;
    }

    private static double round2(double value) {
        return Math.round(value * 100) / 100.0;
    }

    private static String serialNumber(SimulatedMiner miner) {
        return String.format("SIM%08d", miner.index);
    }

    private static String macAddress(SimulatedMiner miner) {
        String[] octets = miner.host.split("\\.");
        return String.format("02:00:%02x:%02x:%02x:%02x", Integer.parseInt(octets[0]), Integer.parseInt(octets[1]),
                Integer.parseInt(octets[2]), Integer.parseInt(octets[3]));
    }
}
