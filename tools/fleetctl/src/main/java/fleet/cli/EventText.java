package fleet.cli;

import fleet.curtailment.v1.CurtailmentEvent;
import fleet.curtailment.v1.CurtailmentMode;
import fleet.curtailment.v1.CurtailmentTarget;
import fleet.curtailment.v1.TargetStateCount;
import java.io.PrintWriter;
import java.util.List;
import java.util.stream.Collectors;

/** The human rendering of an event and its targets. */
final class EventText {

    private EventText() {
    }

    static String state(CurtailmentEvent e) {
        return Output.name(e.getState(), "CURTAILMENT_EVENT_STATE_");
    }

    /** "PENDING 3 · DISPATCHED 2 · CONFIRMED 115", by wire number; "none" without targets. */
    static String byState(CurtailmentEvent e) {
        List<TargetStateCount> counts = e.getRollup().getByStateList();
        if (counts.isEmpty()) {
            return "none";
        }
        return counts.stream().map(c -> Output.name(c.getState(), "CURTAILMENT_TARGET_STATE_") + " " + c.getCount())
                .collect(Collectors.joining(" · "));
    }

    /** kW the event aims to shed: the FIXED_KW target, else the estimate made at selection. */
    static double targetKw(CurtailmentEvent e) {
        return e.getMode() == CurtailmentMode.CURTAILMENT_MODE_FIXED_KW && e.hasFixedKw()
                ? e.getFixedKw().getTargetKw() : e.getEstimatedReductionKw();
    }

    static void print(PrintWriter out, CurtailmentEvent e) {
        Output.Table t = new Output.Table("FIELD", "VALUE");
        t.row("event", e.getEventId());
        t.row("state", state(e));
        String mode = Output.name(e.getMode(), "CURTAILMENT_MODE_");
        if (e.getMode() == CurtailmentMode.CURTAILMENT_MODE_FIXED_KW && e.hasFixedKw()) {
            mode += " " + Output.kw(e.getFixedKw().getTargetKw()) + " kW (tolerance "
                    + Output.kw(e.getFixedKw().getToleranceKw()) + " kW)";
        }
        t.row("mode", mode);
        t.row("priority", Output.name(e.getPriority(), "CURTAILMENT_PRIORITY_"));
        t.row("reason", e.getReason());
        t.row("targets", e.getRollup().getTotal() + " (" + byState(e) + ")");
        t.row("confirmed", Output.kw(e.getRollup().getConfirmedReductionKw()) + " kW of "
                + Output.kw(targetKw(e)) + " kW (estimated " + Output.kw(e.getEstimatedReductionKw()) + " kW)");
        t.row("max duration", e.getAllowUnbounded() ? "unbounded" : e.getMaxDurationSeconds() + " s");
        t.row("min curtailed", e.getMinCurtailedDurationSec() + " s");
        t.row("restore waves", (e.getRestoreBatchSize() == 0 ? "all at once" : e.getRestoreBatchSize() + " per wave")
                + ", " + e.getRestoreBatchIntervalSec() + " s apart");
        t.row("created", Output.time(e.getCreatedAt()) + " by " + Output.name(e.getSourceActorType(), "ACTOR_TYPE_")
                .toLowerCase(java.util.Locale.ROOT) + " " + e.getSourceActorId());
        t.row("first dispatch", Output.time(e.getFirstDispatchedAt()));
        t.row("active since", Output.time(e.getStartedAt()));
        if (e.hasRestoreStartedAt()) {
            t.row("restoring since", Output.time(e.getRestoreStartedAt()) + " (by "
                    + Output.name(e.getRestoreInitiatedBy(), "ACTOR_TYPE_").toLowerCase(java.util.Locale.ROOT) + ")");
        }
        if (e.hasEndedAt()) {
            t.row("ended", Output.time(e.getEndedAt()) + (e.getEndReason().isEmpty() ? "" : " (" + e.getEndReason() + ")"));
        }
        if (!e.getIdempotencyKey().isEmpty()) {
            t.row("idempotency key", e.getIdempotencyKey());
        }
        if (!e.getExternalSource().isEmpty()) {
            t.row("external ref", e.getExternalSource() + "/" + e.getExternalReference());
        }
        t.print(out);
    }

    static void printTargets(PrintWriter out, List<CurtailmentTarget> targets) {
        Output.Table t = new Output.Table("RANK", "DEVICE", "STATE", "DESIRED", "BASELINE_W", "RETRIES", "WAVE", "LAST_ERROR");
        for (CurtailmentTarget target : targets) {
            t.row(target.getRank(), target.getDeviceIdentifier(),
                    Output.name(target.getState(), "CURTAILMENT_TARGET_STATE_"),
                    Output.name(target.getDesiredState(), "DESIRED_STATE_"),
                    target.getBaselinePowerW() == 0 ? "-" : String.format(java.util.Locale.ROOT, "%.0f", target.getBaselinePowerW()),
                    target.getRetryCount(), target.getWave(), target.getLastError());
        }
        t.print(out);
    }
}
