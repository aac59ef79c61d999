package fleet.cli;

import fleet.curtailment.v1.AdminTerminateEventRequest;
import fleet.curtailment.v1.CurtailmentEvent;
import fleet.curtailment.v1.CurtailmentEventState;
import fleet.curtailment.v1.CurtailmentTargetState;
import fleet.curtailment.v1.ForceReleaseRequest;
import fleet.curtailment.v1.GetCurtailmentEventRequest;
import fleet.curtailment.v1.GetCurtailmentEventResponse;
import fleet.curtailment.v1.ListActiveCurtailmentsRequest;
import fleet.curtailment.v1.ListCurtailmentEventsRequest;
import fleet.curtailment.v1.ListCurtailmentEventsResponse;
import fleet.curtailment.v1.StopCurtailmentRequest;
import fleet.curtailment.v1.UpdateCurtailmentEventRequest;
import fleet.curtailment.v1.UpdateCurtailmentEventResponse;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code fleetctl curtail …}: the CurtailmentService. */
@Command(name = "curtail", mixinStandardHelpOptions = true, description = "Preview, start, follow and end curtailment events.",
        subcommands = {CurtailPreviewCommand.class, CurtailStartCommand.class, CurtailCommand.Stop.class,
                CurtailCommand.Update.class, CurtailCommand.Get.class, CurtailCommand.ListEvents.class,
                CurtailWatchCommand.class, CurtailCommand.Terminate.class, CurtailCommand.Release.class})
public class CurtailCommand {

    /** Prints the event a mutation returned, as JSON or as text. */
    static int printEvent(ClientOptions client, CurtailmentEvent event) {
        PrintWriter out = client.out();
        if (client.json()) {
            out.println(Output.json(event));
        } else {
            EventText.print(out, event);
        }
        out.flush();
        return 0;
    }

    /** Runs one call with the command's channel and prints the event it returns. */
    static int run(ClientOptions client, Function<ClientOptions, CurtailmentEvent> rpc) {
        try (ClientOptions c = client) {
            return printEvent(c, rpc.apply(c));
        }
    }

    @Command(name = "stop", mixinStandardHelpOptions = true, description = "Begin the restore of a PENDING or ACTIVE event.")
    public static class Stop implements Callable<Integer> {
        @Mixin
        ClientOptions client;

        @Parameters(index = "0", paramLabel = "EVENT_ID")
        String eventId;

        @Option(names = "--force", description = "ADMIN: stop before min_curtailed_duration_sec has elapsed.")
        boolean force;

        @Option(names = "--reason", description = "Why (optional, ≤ 256 characters); recorded in the activity log.")
        String reason;

        @Option(names = "--watch", description = "Follow the restore until the event ends.")
        boolean watch;

        @Override
        public Integer call() {
            StopCurtailmentRequest.Builder request = StopCurtailmentRequest.newBuilder().setEventId(eventId).setForce(force);
            if (reason != null) {
                request.setReason(reason);
            }
            try (ClientOptions c = client) {
                printEvent(c, c.curtailment().stopCurtailment(request.build()).getEvent());
                return watch ? CurtailWatchCommand.follow(c, eventId, System.console() != null) : 0;
            }
        }
    }

    @Command(name = "update", mixinStandardHelpOptions = true,
            description = {"Change reason, max duration or restore pacing of a PENDING or ACTIVE event;",
                    "a RESTORING event takes new restore pacing for its remaining waves.",
                    "Values already in effect change nothing; the fields that did change are printed."})
    public static class Update implements Callable<Integer> {
        @Mixin
        ClientOptions client;

        @Spec
        CommandSpec spec;

        @Parameters(index = "0", paramLabel = "EVENT_ID")
        String eventId;

        @Option(names = "--reason", description = "New reason (1..256 characters).")
        String reason;

        @Option(names = "--max-duration", paramLabel = "SECONDS", description = "New max duration; 0 = the organization default.")
        Integer maxDuration;

        @Option(names = "--restore-interval", paramLabel = "SECONDS", description = "New seconds between restore waves.")
        Integer restoreInterval;

        @Option(names = "--restore-batch-size", paramLabel = "N",
                description = "New restore wave size (0..10000, 0 = everything left in one wave).")
        Integer restoreBatchSize;

        @Override
        public Integer call() {
            if (reason == null && maxDuration == null && restoreInterval == null && restoreBatchSize == null) {
                throw new ParameterException(spec.commandLine(),
                        "nothing to update: give --reason, --max-duration, --restore-interval or --restore-batch-size");
            }
            UpdateCurtailmentEventRequest.Builder request = UpdateCurtailmentEventRequest.newBuilder().setEventId(eventId);
            if (reason != null) {
                request.setReason(reason);
            }
            if (maxDuration != null) {
                request.setMaxDurationSeconds(maxDuration);
            }
            if (restoreInterval != null) {
                request.setRestoreBatchIntervalSec(restoreInterval);
            }
            if (restoreBatchSize != null) {
                request.setRestoreBatchSize(restoreBatchSize);
            }
            try (ClientOptions c = client) {
                UpdateCurtailmentEventResponse response = c.curtailment().updateCurtailmentEvent(request.build());
                printEvent(c, response.getEvent());
                if (!c.json()) {
                    c.out().println(response.getChangedFieldsCount() == 0 ? "nothing changed: every value was already in effect"
                            : "changed: " + String.join(", ", response.getChangedFieldsList()));
                    c.out().flush();
                }
                return 0;
            }
        }
    }

    @Command(name = "get", mixinStandardHelpOptions = true, description = "An event, its rollup and a page of its targets.")
    public static class Get implements Callable<Integer> {
        @Mixin
        ClientOptions client;

        @Parameters(index = "0", paramLabel = "EVENT_ID")
        String eventId;

        @Option(names = "--targets", defaultValue = "50", description = "Targets to list (0..200, default ${DEFAULT-VALUE}).")
        int targets;

        @Option(names = "--target-state", split = ",", paramLabel = "STATE",
                description = "Only targets in these states, e.g. CONFIRMED,CURTAIL_FAILED.")
        List<String> states;

        @Option(names = "--page-token", description = "Continue the target listing.")
        String pageToken;

        @Override
        public Integer call() {
            GetCurtailmentEventRequest.Builder request = GetCurtailmentEventRequest.newBuilder().setEventId(eventId)
                    .setTargetPageSize(Math.max(targets, 1));
            if (states != null) {
                states.forEach(s -> request.addTargetStates(CurtailmentTargetState.valueOf("CURTAILMENT_TARGET_STATE_"
                        + s.trim().toUpperCase(Locale.ROOT))));
            }
            if (pageToken != null) {
                request.setTargetPageToken(pageToken);
            }
            try (ClientOptions c = client) {
                GetCurtailmentEventResponse response = c.curtailment().getCurtailmentEvent(request.build());
                PrintWriter out = c.out();
                if (c.json()) {
                    out.println(Output.json(response));
                } else {
                    EventText.print(out, response.getEvent());
                    if (targets > 0 && response.getTargetsCount() > 0) {
                        out.println();
                        EventText.printTargets(out, response.getTargetsList());
                    }
                    if (targets > 0 && !response.getNextTargetPageToken().isEmpty()) {
                        out.println("more targets: --page-token " + response.getNextTargetPageToken());
                    }
                }
                out.flush();
                return 0;
            }
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Events, newest first.")
    public static class ListEvents implements Callable<Integer> {
        @Mixin
        ClientOptions client;

        @Option(names = "--state", split = ",", paramLabel = "STATE", description = "Only these states, e.g. ACTIVE,RESTORING.")
        List<String> states;

        @Option(names = "--active", description = "Live events only (PENDING, ACTIVE, RESTORING) with their rollups; pages like the others.")
        boolean active;

        @Option(names = "--page-size", defaultValue = "50", description = "Events per page (1..200, default ${DEFAULT-VALUE}).")
        int pageSize;

        @Option(names = "--page-token", description = "Continue from a previous page.")
        String pageToken;

        @Override
        public Integer call() {
            try (ClientOptions c = client) {
                ListCurtailmentEventsResponse response;
                if (active) {
                    ListActiveCurtailmentsRequest.Builder request = ListActiveCurtailmentsRequest.newBuilder()
                            .setPageSize(pageSize);
                    if (pageToken != null) {
                        request.setPageToken(pageToken);
                    }
                    var active = c.curtailment().listActiveCurtailments(request.build());
                    response = ListCurtailmentEventsResponse.newBuilder().addAllEvents(active.getEventsList())
                            .setNextPageToken(active.getNextPageToken()).build();
                } else {
                    ListCurtailmentEventsRequest.Builder request = ListCurtailmentEventsRequest.newBuilder().setPageSize(pageSize);
                    if (states != null) {
                        states.forEach(s -> request.addStates(CurtailmentEventState.valueOf("CURTAILMENT_EVENT_STATE_"
                                + s.trim().toUpperCase(Locale.ROOT))));
                    }
                    if (pageToken != null) {
                        request.setPageToken(pageToken);
                    }
                    response = c.curtailment().listCurtailmentEvents(request.build());
                }
                PrintWriter out = c.out();
                if (c.json()) {
                    out.println(Output.json(response));
                } else {
                    Output.Table t = new Output.Table("EVENT", "STATE", "MODE", "TARGETS", "CONFIRMED_KW", "TARGET_KW",
                            "CREATED", "REASON");
                    for (CurtailmentEvent e : response.getEventsList()) {
                        t.row(e.getEventId(), EventText.state(e), Output.name(e.getMode(), "CURTAILMENT_MODE_"),
                                e.getRollup().getTotal(), Output.kw(e.getRollup().getConfirmedReductionKw()),
                                Output.kw(EventText.targetKw(e)), Output.time(e.getCreatedAt()), e.getReason());
                    }
                    t.print(out);
                    if (!response.getNextPageToken().isEmpty()) {
                        out.println("more: --page-token " + response.getNextPageToken());
                    }
                }
                out.flush();
                return 0;
            }
        }
    }

    @Command(name = "terminate", mixinStandardHelpOptions = true,
            description = {"ADMIN, session only: end a PENDING or RESTORING event as CANCELLED or FAILED.",
                    "Refused while a PENDING event's miners may be asleep (stop or release it instead).",
                    "Its open targets end RESTORE_FAILED: check those miners."})
    public static class Terminate implements Callable<Integer> {
        @Mixin
        ClientOptions client;

        @Parameters(index = "0", paramLabel = "EVENT_ID")
        String eventId;

        @Option(names = "--state", required = true, description = "cancelled or failed.")
        Ending state;

        @Option(names = "--reason", required = true, description = "Why (1..256 characters).")
        String reason;

        enum Ending { cancelled, failed }

        @Override
        public Integer call() {
            AdminTerminateEventRequest request = AdminTerminateEventRequest.newBuilder().setEventId(eventId)
                    .setTargetState(state == Ending.failed ? CurtailmentEventState.CURTAILMENT_EVENT_STATE_FAILED
                            : CurtailmentEventState.CURTAILMENT_EVENT_STATE_CANCELLED)
                    .setReason(reason).build();
            return run(client, c -> c.curtailment().adminTerminateEvent(request).getEvent());
        }
    }

    @Command(name = "release", mixinStandardHelpOptions = true,
            description = {"ADMIN, session only: cancel a live event and release its devices WITHOUT restoring them.",
                    "No restore command is sent: the miners stay as they are."})
    public static class Release implements Callable<Integer> {
        @Mixin
        ClientOptions client;

        @Parameters(index = "0", paramLabel = "EVENT_ID")
        String eventId;

        @Option(names = "--reason", required = true, description = "Why (1..256 characters).")
        String reason;

        @Override
        public Integer call() {
            ForceReleaseRequest request = ForceReleaseRequest.newBuilder().setEventId(eventId).setReason(reason).build();
            return run(client, c -> c.curtailment().forceRelease(request).getEvent());
        }
    }
}
