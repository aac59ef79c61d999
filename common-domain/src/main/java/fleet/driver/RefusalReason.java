package fleet.driver;

/** Why a miner (or the driver) permanently refused a command. A refusal is never retried. */
public enum RefusalReason {
    /** The driver or firmware has no such verb or level (cgminer {@code Code 14}, curtail on a read-only driver). */
    UNSUPPORTED,
    /** Credentials or session rejected as invalid (not "another session is active", which is BUSY). */
    AUTH,
    /** The API does not allow writes from us (cgminer {@code Code 45 "Access denied"}). */
    ACCESS_DENIED,
    /** The firmware answered {@code STATUS E|F} with any other code; the code and message are in the detail. */
    REJECTED
}
