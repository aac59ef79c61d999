package fleet.driver.luxos;

import static fleet.driver.testsupport.ScriptedMinerServer.fixture;

import com.fasterxml.jackson.databind.JsonNode;
import fleet.driver.testsupport.Fixtures;
import fleet.driver.testsupport.ScriptedMinerServer.Reply;
import fleet.driver.testsupport.ScriptedMinerServer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A scripted LuxOS session model for driver tests: one session holder, {@code Code 402} while held,
 * writes need the current session id. Faults are switched by fields. (The full-physics fake fleet is
 * {@code tools/simulator}; this one exists so driver tests pin exact wire sequences.)
 */
final class FakeLuxosMiner implements Function<JsonNode, Reply> {

    static final String SID = "nSaJ6Vzd";

    volatile boolean sessionHeldByOther;
    volatile int busyLogonsLeft;
    volatile Reply curtailReply;
    volatile Reply logonReply;
    final AtomicInteger busyAnswers = new AtomicInteger();
    /** Runs as each request arrives, before it is answered (tests move a clock while a read is in flight). */
    volatile Runnable onRequest = () -> { };
    private volatile boolean sessionHeldByUs;

    @Override
    public synchronized Reply apply(JsonNode request) {
        onRequest.run();
        String command = request.path("command").asText();
        String parameter = request.path("parameter").asText("");
        switch (command) {
            case "logon" -> {
                if (logonReply != null) {
                    return logonReply;
                }
                if (sessionHeldByOther || sessionHeldByUs || busyLogonsLeft > 0) {
                    if (busyLogonsLeft > 0) {
                        busyLogonsLeft--;
                    }
                    busyAnswers.incrementAndGet();
                    return fixture("luxos/logon_busy_402.json");
                }
                sessionHeldByUs = true;
                return fixture("luxos/logon_ok.json");
            }
            case "logoff" -> {
                sessionHeldByUs = false;
                return fixture("luxos/logoff_ok.json");
            }
            case "curtail", "rebootdevice", "powertargetset" -> {
                if (!parameter.startsWith(SID)) {
                    return error(401, "Invalid session id");
                }
                if (curtailReply != null && command.equals("curtail")) {
                    return curtailReply;
                }
                if (command.equals("curtail")) {
                    return fixture(parameter.endsWith(",wakeup") ? "luxos/curtail_wakeup_ok.json"
                            : "luxos/curtail_sleep_ok.json");
                }
                return ok(command);
            }
            case "summary+power+config+pools" -> {
                return fixture("luxos/multi_summary_power_config_pools.json");
            }
            case "version+power" -> {
                return multi("version", "luxos/version.json", "power", "luxos/power_psu.json");
            }
            default -> {
                return fixture("luxos/invalid_command_14.json");
            }
        }
    }

    private static Reply error(int code, String msg) {
        return bytes("{\"STATUS\":[{\"STATUS\":\"E\",\"When\":1764310000,\"Code\":" + code + ",\"Msg\":\"" + msg
                + "\",\"Description\":\"LUXminer 2025.4.8\"}],\"id\":1}\0");
    }

    private static Reply ok(String command) {
        return bytes("{\"STATUS\":[{\"STATUS\":\"S\",\"When\":1764310000,\"Code\":300,\"Msg\":\"" + command
                + " ok\",\"Description\":\"LUXminer 2025.4.8\"}],\"id\":1}\0");
    }

    private static Reply multi(String a, String fixtureA, String b, String fixtureB) {
        String first = strip(fixtureA);
        String second = strip(fixtureB);
        return bytes("{\"" + a + "\":[" + first + "],\"" + b + "\":[" + second + "],\"id\":1}\0");
    }

    private static String strip(String fixture) {
        String text = new String(Fixtures.bytes(fixture), StandardCharsets.UTF_8);
        return text.replace("\0", "");
    }

    private static Reply bytes(String text) {
        return ScriptedMinerServer.reply(text.getBytes(StandardCharsets.UTF_8));
    }
}
