package fleet.simulator;

import java.time.Instant;

/**
 * One command a simulated miner received, as the command log keeps it.
 *
 * <p>A multi-command request ({@code summary+power}) yields one record per member, sharing
 * {@code requestId}.
 *
 * @param sequence   global, strictly increasing order of arrival
 * @param requestId  one id per TCP request
 * @param at         the simulator clock's instant when the request was complete
 * @param minerIndex which miner
 * @param host       the miner's address
 * @param command    the command verb as sent (e.g. {@code curtail}); {@code ""} when unparseable
 * @param parameter  the parameter string as sent, or {@code null}
 * @param outcome    what happened on the wire
 * @param status     reply {@code STATUS} letter ({@code S}, {@code E}, …), or {@code null} without a reply
 * @param code       reply {@code Code}, or -1 without a reply
 * @param message    reply {@code Msg}, or {@code null} without a reply
 */
public record CommandRecord(
        long sequence,
        long requestId,
        Instant at,
        int minerIndex,
        String host,
        String command,
        String parameter,
        CommandOutcome outcome,
        String status,
        int code,
        String message) {

    /** Whether the miner accepted it: a reply with STATUS {@code S} or {@code I} was produced. */
    public boolean succeeded() {
        return "S".equals(status) || "I".equals(status);
    }
}
