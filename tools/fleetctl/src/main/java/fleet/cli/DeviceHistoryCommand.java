package fleet.cli;

import fleet.curtailment.v1.ActorType;
import fleet.curtailment.v1.CommandHistoryEntry;
import fleet.curtailment.v1.CommandSource;
import fleet.curtailment.v1.ListCommandHistoryRequest;
import fleet.curtailment.v1.ListCommandHistoryResponse;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code fleetctl devices history <identifier>}: every command that touched a miner, newest first — the curtailment
 * commands (sleep / wake-up, with the event, its reason and who started it, the attempt and the firmware's reply) and
 * the operator commands (ActivityService.ListCommandHistory, D37). Answers "who put miner X to sleep at 03:12, why,
 * and who woke it" in one call.
 */
@Command(name = "history", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Show every command that touched a device, newest first: curtail / restore commands of",
                "curtailment events (who started the event, why, attempt, outcome and the firmware's reply) and",
                "operator commands (reboot, power target, start / stop mining). With only --event: that event's commands."})
public class DeviceHistoryCommand implements Callable<Integer> {

    @Mixin
    ClientOptions client;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", arity = "0..1", paramLabel = "IDENTIFIER", description = "The device's identifier.")
    String identifier;

    @Option(names = "--event", description = "Only the commands of this curtailment event (id).")
    String event;

    @Option(names = "--since", converter = WhenConverter.class,
            description = "From this time on: ISO-8601 (2026-12-03T03:00:00Z) or an age (90m, 24h, 7d).")
    When since;

    @Option(names = "--until", converter = WhenConverter.class, description = "Before this time (same forms as --since).")
    When until;

    @Option(names = "--page-size", defaultValue = "50", description = "Entries per page (1..200, default ${DEFAULT-VALUE}).")
    int pageSize;

    @Option(names = "--page-token", description = "Continue from a previous page.")
    String pageToken;

    @Option(names = "--all", description = "Follow every page.")
    boolean all;

    /** Ages (--since 24h) are counted from this clock. */
    Clock clock = Clock.systemUTC();

    /** An absolute instant, or an age resolved against the command's clock. */
    record When(Instant at, Duration ago) {
        Instant resolve(Clock clock) {
            return at != null ? at : clock.instant().minus(ago);
        }
    }

    /** ISO-8601 instant, or an age: 30s, 90m, 24h, 7d. */
    public static final class WhenConverter implements ITypeConverter<When> {
        @Override
        public When convert(String value) {
            String v = value.trim();
            try {
                return new When(Instant.parse(v), null);
            } catch (DateTimeParseException notAnInstant) {
                String lower = v.toLowerCase(Locale.ROOT);
                if (lower.endsWith("d")) {
                    return new When(null, Duration.ofDays(Long.parseLong(lower.substring(0, lower.length() - 1))));
                }
                return new When(null, new ClientOptions.DurationConverter().convert(v));
            }
        }
    }

    @Override
    public Integer call() {
        if (identifier == null && event == null) {
            throw new ParameterException(spec.commandLine(), "give a device IDENTIFIER, --event ID, or both");
        }
        try (ClientOptions c = client) {
            ListCommandHistoryRequest.Builder request = ListCommandHistoryRequest.newBuilder().setPageSize(pageSize);
            if (identifier != null) {
                request.setDeviceIdentifier(identifier);
            }
            if (event != null) {
                request.setEventId(event);
            }
            if (since != null) {
                Instant t = since.resolve(clock);
                request.setFrom(com.google.protobuf.Timestamp.newBuilder().setSeconds(t.getEpochSecond()).setNanos(t.getNano()));
            }
            if (until != null) {
                Instant t = until.resolve(clock);
                request.setTo(com.google.protobuf.Timestamp.newBuilder().setSeconds(t.getEpochSecond()).setNanos(t.getNano()));
            }
            if (pageToken != null) {
                request.setPageToken(pageToken);
            }
            ListCommandHistoryResponse.Builder merged = ListCommandHistoryResponse.newBuilder();
            while (true) {
                ListCommandHistoryResponse page = client.activity().listCommandHistory(request.build());
                merged.addAllEntries(page.getEntriesList()).setNextPageToken(page.getNextPageToken());
                if (!all || page.getNextPageToken().isEmpty()) {
                    break;
                }
                request.setPageToken(page.getNextPageToken());
            }
            PrintWriter out = client.out();
            if (client.json()) {
                out.println(Output.json(merged));
            } else {
                print(out, merged.getEntriesList(), identifier == null);
                if (!merged.getNextPageToken().isEmpty()) {
                    out.println("more: --page-token " + merged.getNextPageToken() + " (or --all)");
                }
            }
            out.flush();
            return 0;
        }
    }

    /**
     * TIME, ACTION, OUTCOME (with the firmware's reply code), ATTEMPT, BY (who asked: the event's creator for a
     * curtailment command, the operator's user / key / schedule otherwise), EVENT, REASON; DEVICE first when the
     * history is an event's.
     */
    static void print(PrintWriter out, List<CommandHistoryEntry> entries, boolean withDevice) {
        Output.Table t = withDevice
                ? new Output.Table("TIME", "DEVICE", "ACTION", "OUTCOME", "ATTEMPT", "BY", "EVENT", "REASON")
                : new Output.Table("TIME", "ACTION", "OUTCOME", "ATTEMPT", "BY", "EVENT", "REASON");
        for (CommandHistoryEntry e : entries) {
            boolean curtailment = e.getSource() == CommandSource.COMMAND_SOURCE_CURTAILMENT;
            String outcome = e.getOutcome() + (e.hasReplyCode() ? " (" + e.getReplyCode() + ")" : "");
            String by = curtailment ? actor(e.getEventCreatorType(), e.getEventCreatorId())
                    : actor(e.getActorType(), e.getActorId());
            String reason = curtailment ? e.getEventReason() : e.getReason();
            String time = Output.time(e.hasSentAt() && curtailment ? e.getSentAt() : e.getOccurredAt());
            if (withDevice) {
                t.row(time, e.getDeviceIdentifier(), e.getAction(), outcome, e.getAttempt(), by, e.getEventId(), reason);
            } else {
                t.row(time, e.getAction(), outcome, e.getAttempt(), by, e.getEventId(), reason);
            }
        }
        t.print(out);
    }

    /** "api_key fk1a2b…", "user 7c9e…", "scheduler <schedule id>". */
    private static String actor(ActorType type, String id) {
        String kind = Output.name(type, "ACTOR_TYPE_").toLowerCase(Locale.ROOT);
        return id.isEmpty() ? kind : kind + " " + id;
    }
}
