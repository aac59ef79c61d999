package fleet.cli;

import fleet.curtailment.v1.CurtailmentEvent;
import fleet.curtailment.v1.WatchCurtailmentEventRequest;
import fleet.curtailment.v1.WatchCurtailmentEventResponse;
import java.io.PrintWriter;
import java.util.Iterator;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code fleetctl curtail watch EVENT_ID}: follows WatchCurtailmentEvent and draws one progress line per update —
 * redrawn in place on a terminal, one line each otherwise — and exits 0 once the server sends the terminal state.
 */
@Command(name = "watch", mixinStandardHelpOptions = true,
        description = "Follow an event live until it ends (confirmed kW of target, targets by state).")
public class CurtailWatchCommand implements Callable<Integer> {

    @Mixin
    ClientOptions client;

    @Parameters(index = "0", paramLabel = "EVENT_ID")
    String eventId;

    @Option(names = "--no-redraw", description = "One line per update even on a terminal.")
    boolean noRedraw;

    @Override
    public Integer call() {
        try (ClientOptions c = client) {
            return follow(c, eventId, !noRedraw && System.console() != null);
        }
    }

    /** Streams until the server completes the stream (after the terminal state); returns the exit code. */
    static int follow(ClientOptions client, String eventId, boolean redraw) {
        PrintWriter out = client.out();
        Iterator<WatchCurtailmentEventResponse> stream = client.curtailmentStream()
                .watchCurtailmentEvent(WatchCurtailmentEventRequest.newBuilder().setEventId(eventId).build());
        CurtailmentEvent last = null;
        int width = 0;
        while (stream.hasNext()) {
            WatchCurtailmentEventResponse update = stream.next();
            last = update.getEvent();
            if (client.json()) {
                out.println(Output.jsonLine(update));
            } else if (redraw) {
                String line = ProgressLine.render(last);
                out.print("\r" + line + " ".repeat(Math.max(0, width - line.length())));
                width = line.length();
            } else {
                out.println(ProgressLine.render(last));
            }
            out.flush();
        }
        if (!client.json()) {
            if (redraw) {
                out.println();
            }
            if (last != null) {
                out.println("event " + last.getEventId() + " ended " + EventText.state(last)
                        + (last.getEndReason().isEmpty() ? "" : " (" + last.getEndReason() + ")"));
            }
        }
        out.flush();
        return 0;
    }
}
