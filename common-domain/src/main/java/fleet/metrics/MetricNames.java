package fleet.metrics;

/**
 * The Micrometer names of every metric the services export, in one place because alert rules and the Grafana
 * dashboard ({@code deploy/k8s}) refer to them by their Prometheus form (dots become underscores; timers get
 * {@code _seconds_*}, counters {@code _total}). A renamed metric must be renamed there too; a test checks it.
 */
public final class MetricNames {

    private MetricNames() {
    }

    // ---- reconciler-service: the reconcile loop -------------------------------------------------------------

    /** Timer: StartCurtailment commit (event created_at, DB time) → first curtail command on the wire. */
    public static final String START_TO_FIRST_COMMAND = "fleet.curtailment.start.to.first.command";
    /** Counter, tags {@code command} (curtail, uncurtail, reboot, …) and {@code outcome} (accepted, refused, …). */
    public static final String MINER_COMMANDS = "fleet.miner.commands";
    /** Timer: command sent → target CONFIRMED (curtail) or RESOLVED (restore); tag {@code phase}. */
    public static final String CONFIRMATION_LATENCY = "fleet.curtailment.confirmation.latency";
    /** Gauge: events this replica holds a lease on. */
    public static final String LEASES_HELD = "fleet.reconciler.leases.held";
    /** Counter: leases claimed by this replica. */
    public static final String LEASE_CLAIMS = "fleet.reconciler.lease.claims";
    /** Counter: leases lost (connection loss) or released (fair share); tag {@code cause}. */
    public static final String LEASES_LOST = "fleet.reconciler.leases.lost";
    /** Timer: one reconcile tick over every owned event. */
    public static final String TICK_DURATION = "fleet.reconciler.tick.duration";
    /** Counter: event steps by outcome (done, requeue, lost_race, error). */
    public static final String STEP_OUTCOMES = "fleet.reconciler.step.outcomes";
    /** Counter: guarded writes that changed nothing (a lost race or a fenced write). */
    public static final String LOST_RACES = "fleet.reconciler.lost.races";
    /** Counter: targets that exhausted their restore budget. */
    public static final String RESTORE_FAILURES = "fleet.curtailment.restore.failures";
    /** Counter: targets that exhausted their curtail budget. */
    public static final String CURTAIL_FAILURES = "fleet.curtailment.curtail.failures";

    // ---- reconciler-service: telemetry poller ---------------------------------------------------------------

    /** Timer: one poll round over the shards this replica owns. */
    public static final String TELEMETRY_POLL_DURATION = "fleet.telemetry.poll.duration";
    /** Counter: device polls that failed; tag {@code reason}. */
    public static final String TELEMETRY_POLL_FAILURES = "fleet.telemetry.poll.failures";
    /** Gauge: telemetry shards this replica holds. */
    public static final String TELEMETRY_SHARDS_HELD = "fleet.telemetry.shards.held";

    // ---- reconciler-service: operator commands --------------------------------------------------------------

    /** Counter, tags {@code command} and {@code outcome}: operator commands executed. */
    public static final String OPERATOR_COMMANDS = "fleet.operator.commands";

    // ---- api-service: fleet-wide gauges read from PostgreSQL (so they survive the death of every reconciler) ----

    /** Gauge, tag {@code state}: curtailment events by state (live states only). */
    public static final String EVENTS_BY_STATE = "fleet.curtailment.events";
    /** Gauge, tag {@code state}: targets of live events by state. */
    public static final String TARGETS_BY_STATE = "fleet.curtailment.targets";
    /** Gauge: sum of baselines of CONFIRMED targets of live events, kW. */
    public static final String CONFIRMED_KW = "fleet.curtailment.confirmed.kw";
    /** Gauge: sum of FIXED_KW targets of live events, kW. */
    public static final String TARGET_KW = "fleet.curtailment.target.kw";
    /** Gauge: PENDING events older than their confirmation budget (curtail timeout × (retry budget + 1)). */
    public static final String PENDING_OVERDUE = "fleet.curtailment.pending.overdue.events";
    /** Gauge: reconciler replicas with a heartbeat within the liveness window. */
    public static final String LIVE_RECONCILERS = "fleet.reconciler.live.replicas";
    /** Gauge: seconds since the freshest reconciler heartbeat. */
    public static final String HEARTBEAT_AGE = "fleet.reconciler.heartbeat.age";
    /** Gauge, tag {@code replica}: events owned per replica (from heartbeats). */
    public static final String OWNED_EVENTS = "fleet.reconciler.owned.events";
    /** Gauge: age of the oldest latest-telemetry sample among registered devices, seconds (p-max freshness). */
    public static final String TELEMETRY_OLDEST_SAMPLE_AGE = "fleet.telemetry.oldest.sample.age";
    /** Gauge: devices whose latest sample is older than the freshness window (or missing). */
    public static final String TELEMETRY_STALE_DEVICES = "fleet.telemetry.stale.devices";
}
