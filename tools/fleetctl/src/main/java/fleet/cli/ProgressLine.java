package fleet.cli;

import fleet.curtailment.v1.CurtailmentEvent;
import fleet.curtailment.v1.CurtailmentEventState;
import fleet.curtailment.v1.CurtailmentTargetState;
import fleet.curtailment.v1.TargetStateCount;
import java.util.Locale;

/**
 * The live line of {@code fleetctl curtail watch}: while curtailing, confirmed kW against the event's target; once
 * restoring, targets restored against the total; always the targets by state.
 */
final class ProgressLine {

    static final int BAR_WIDTH = 24;

    private ProgressLine() {
    }

    static String render(CurtailmentEvent e) {
        String state = EventText.state(e);
        double fraction;
        String measure;
        if (e.getState() == CurtailmentEventState.CURTAILMENT_EVENT_STATE_PENDING
                || e.getState() == CurtailmentEventState.CURTAILMENT_EVENT_STATE_ACTIVE) {
            double target = EventText.targetKw(e);
            double confirmed = e.getRollup().getConfirmedReductionKw();
            fraction = target <= 0 ? 0 : confirmed / target;
            measure = String.format(Locale.ROOT, "%s/%s kW confirmed", Output.kw(confirmed), Output.kw(target));
        } else {
            int total = e.getRollup().getTotal();
            int done = count(e, CurtailmentTargetState.CURTAILMENT_TARGET_STATE_RESOLVED)
                    + count(e, CurtailmentTargetState.CURTAILMENT_TARGET_STATE_RELEASED);
            fraction = total == 0 ? 1 : (double) done / total;
            measure = String.format(Locale.ROOT, "%d/%d restored", done, total);
        }
        return String.format(Locale.ROOT, "%-23s %s %s  %s", state, bar(fraction), measure, EventText.byState(e));
    }

    static String bar(double fraction) {
        double f = Double.isFinite(fraction) ? Math.max(0, Math.min(1, fraction)) : 0;
        int filled = (int) Math.round(f * BAR_WIDTH);
        return "[" + "#".repeat(filled) + "-".repeat(BAR_WIDTH - filled) + "]"
                + String.format(Locale.ROOT, " %3d%%", Math.round(f * 100));
    }

    static int count(CurtailmentEvent e, CurtailmentTargetState state) {
        for (TargetStateCount c : e.getRollup().getByStateList()) {
            if (c.getState() == state) {
                return c.getCount();
            }
        }
        return 0;
    }
}
