package fleet.simulator;

/**
 * The {@code STATUS[0]} of a reply without its {@code When} and {@code Description}.
 *
 * <p>Codes marked [V] were read in cgminer's API or docs.luxor.tech; codes marked [E] are this
 * simulator's choice where no public source shows the real value (see the module README).
 */
record ApiStatus(String status, int code, String message) {

    // cgminer [V]
    static final int POOLS = 7;
    static final int DEVS = 9;
    static final int SUMMARY = 11;
    static final int INVALID_COMMAND = 14;
    static final int VERSION = 22;
    static final int INVALID_JSON = 23;
    static final int MISSING_COMMAND = 24;
    static final int CONFIG = 33;
    static final int ACCESS_DENIED = 45;
    static final int STATS = 70;
    // LuxOS [V]
    static final int REBOOT_SCHEDULED = 305;
    static final int POWER = 311;
    static final int SESSION_CREATED = 316;
    static final int SESSION_INFO = 319;
    static final int PROFILE_SET = 321;
    static final int CURTAIL_SENT = 335;
    static final int SESSION_BUSY = 402;
    // LuxOS, value not published [E]
    static final int REBOOT_REFUSED_ASLEEP = 306;
    static final int SESSION_ENDED = 317;
    static final int DEVICE_REBOOT_SCHEDULED = 338;
    static final int POWER_TARGET_SET = 344;
    static final int INVALID_PARAMETER = 400;
    static final int INVALID_SESSION = 401;
    static final int AUTH_FAILED = 403;

    static ApiStatus success(int code, String message) {
        return new ApiStatus("S", code, message);
    }

    static ApiStatus error(int code, String message) {
        return new ApiStatus("E", code, message);
    }

    static ApiStatus invalidCommand() {
        return error(INVALID_COMMAND, "Invalid command");
    }

    static ApiStatus accessDenied(String command) {
        return error(ACCESS_DENIED, "Access denied to '" + command + "' command");
    }

    static ApiStatus invalidSession() {
        return error(INVALID_SESSION, "Invalid session id");
    }

    static ApiStatus invalidParameter(String detail) {
        return error(INVALID_PARAMETER, detail);
    }
}
