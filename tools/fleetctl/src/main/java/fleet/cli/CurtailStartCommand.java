package fleet.cli;

import fleet.curtailment.v1.StartCurtailmentRequest;
import fleet.curtailment.v1.StartCurtailmentResponse;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code fleetctl curtail start}: selection + one transaction on the server; optionally watch it. */
@Command(name = "start", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Start a curtailment event (the reconciler sends the commands).")
public class CurtailStartCommand implements Callable<Integer> {

    @Mixin
    ClientOptions client;

    @Mixin
    SelectionOptions selection;

    @Option(names = "--reason", required = true, description = "Why (1..256 characters); recorded on the event.")
    String reason;

    @Option(names = "--max-duration", defaultValue = "0", paramLabel = "SECONDS",
            description = "Restore on its own after this long from the first dispatch; 0 = the organization default.")
    int maxDuration;

    @Option(names = "--allow-unbounded", description = "ADMIN: no max duration.")
    boolean allowUnbounded;

    @Option(names = "--min-curtailed", defaultValue = "0", paramLabel = "SECONDS",
            description = "Stop before this long after ACTIVE needs an admin's --force.")
    int minCurtailed;

    @Option(names = "--restore-batch-size", defaultValue = "0", description = "Targets per restore wave; 0 = all at once.")
    int restoreBatchSize;

    @Option(names = "--restore-interval", defaultValue = "0", paramLabel = "SECONDS",
            description = "Seconds between restore waves (> 300 ADMIN only).")
    int restoreInterval;

    @Option(names = "--curtail-batch-size", defaultValue = "0", description = "Pace the curtail side: targets per batch.")
    int curtailBatchSize;

    @Option(names = "--curtail-interval", defaultValue = "0", paramLabel = "SECONDS", description = "Seconds between curtail batches.")
    int curtailInterval;

    @Option(names = "--idempotency-key", description = "Retrying with the same key returns the same event.")
    String idempotencyKey;

    @Option(names = "--external-source", description = "Signal source (with --external-reference): a second idempotency handle.")
    String externalSource;

    @Option(names = "--external-reference", description = "The source's own id of the signal.")
    String externalReference;

    @Option(names = "--watch", description = "Follow the event until it ends.")
    boolean watch;

    @Override
    public Integer call() {
        StartCurtailmentRequest.Builder request = StartCurtailmentRequest.newBuilder()
                .setScope(selection.scope()).setMode(selection.mode()).setPriority(selection.priority())
                .setReason(reason).setMaxDurationSeconds(maxDuration).setAllowUnbounded(allowUnbounded)
                .setMinCurtailedDurationSec(minCurtailed).setRestoreBatchSize(restoreBatchSize)
                .setRestoreBatchIntervalSec(restoreInterval).setCurtailBatchSize(curtailBatchSize)
                .setCurtailBatchIntervalSec(curtailInterval).setPostEventCooldownSec(selection.cooldownSec)
                .setIncludeMaintenance(selection.includeMaintenance)
                .setCandidateMinPowerWOverride(selection.minPowerOverride);
        if (selection.fixedKw() != null) {
            request.setFixedKw(selection.fixedKw());
        }
        if (idempotencyKey != null) {
            request.setIdempotencyKey(idempotencyKey);
        }
        if (externalSource != null) {
            request.setExternalSource(externalSource);
        }
        if (externalReference != null) {
            request.setExternalReference(externalReference);
        }
        try (ClientOptions c = client) {
            StartCurtailmentResponse response = c.curtailment().startCurtailment(request.build());
            PrintWriter out = c.out();
            if (c.json()) {
                out.println(Output.json(response));
            } else {
                if (response.getReplayed()) {
                    out.println("replayed: an earlier request with this idempotency handle created the event");
                }
                EventText.print(out, response.getEvent());
            }
            out.flush();
            if (watch) {
                return CurtailWatchCommand.follow(c, response.getEvent().getEventId(), System.console() != null);
            }
            return 0;
        }
    }
}
