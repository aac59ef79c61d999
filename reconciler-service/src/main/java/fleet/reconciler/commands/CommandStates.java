package fleet.reconciler.commands;

import java.util.Locale;
import java.util.Set;

/** The {@code operator_command.state} vocabulary (a CHECK in V1), as the executor writes it. */
public final class CommandStates {

    public static final String QUEUED = "QUEUED";
    public static final String RUNNING = "RUNNING";
    public static final String RETRY_WAIT = "RETRY_WAIT";
    public static final String SUCCEEDED = "SUCCEEDED";
    public static final String FAILED = "FAILED";
    public static final String UNSUPPORTED = "UNSUPPORTED";
    public static final String BLOCKED_BY_CURTAILMENT = "BLOCKED_BY_CURTAILMENT";

    public static final Set<String> TERMINAL = Set.of(SUCCEEDED, FAILED, UNSUPPORTED, BLOCKED_BY_CURTAILMENT);

    private CommandStates() {
    }

    /** The metric tag of a state ({@code succeeded}, {@code retry_wait} …). */
    public static String tag(String state) {
        return state.toLowerCase(Locale.ROOT);
    }
}
