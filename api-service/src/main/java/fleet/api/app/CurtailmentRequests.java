package fleet.api.app;

import fleet.api.auth.Caller;
import fleet.api.error.ApiErrors;
import fleet.api.error.Violations;
import fleet.api.paging.PageTokens;
import fleet.curtailment.v1.CurtailmentLevel;
import fleet.curtailment.v1.CurtailmentMode;
import fleet.curtailment.v1.CurtailmentPriority;
import fleet.curtailment.v1.FixedKwParams;
import fleet.curtailment.v1.PreviewCurtailmentPlanRequest;
import fleet.curtailment.v1.Scope;
import fleet.curtailment.v1.StartCurtailmentRequest;
import fleet.domain.scope.DeviceScope;
import fleet.persistence.scope.ScopeJson;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Validation of Preview and Start requests (SPEC §3): every rule of the field table, strict uint32 → int32, the admin
 * gates. Bad input is INVALID_ARGUMENT naming every offending field; an admin-only field used by a non-admin is
 * PERMISSION_DENIED naming the field. Nothing here touches the database.
 */
public final class CurtailmentRequests {

    public static final int HARD_MAX_DURATION_SEC = 604_800;
    public static final int NON_ADMIN_MAX_INTERVAL_SEC = 300;
    static final double MAX_TARGET_KW = 10_000_000;
    static final int DEFAULT_PREVIEW_LISTED = 1_000;
    static final int MAX_PREVIEW_LISTED = 10_000;

    private CurtailmentRequests() {
    }

    /** What selection needs, shared by Preview and Start. */
    public record SelectionSpec(DeviceScope scope, fleet.domain.CurtailmentMode mode, double targetKw, double toleranceKw,
            fleet.domain.CurtailmentPriority priority, int postEventCooldownSec, boolean includeMaintenance,
            int candidateMinPowerOverrideW) {
    }

    /** A validated Start: selection plus lifecycle settings; 0 max duration = the org default. */
    public record StartSpec(SelectionSpec selection, String reason, int maxDurationSec, boolean allowUnbounded,
            int minCurtailedDurationSec, int restoreBatchSize, int restoreBatchIntervalSec, int curtailBatchSize,
            int curtailBatchIntervalSec, String idempotencyKey, String externalSource, String externalReference,
            int targetPageSize) {

        /** A digest of every parameter that shapes the event (not the idempotency handles, not paging). */
        public String fingerprint() {
            SelectionSpec s = selection;
            String canonical = String.join("|", ScopeJson.encode(s.scope()).encode(), s.mode().name(),
                    Double.toString(s.targetKw()), Double.toString(s.toleranceKw()), s.priority().name(),
                    Integer.toString(s.postEventCooldownSec()), Boolean.toString(s.includeMaintenance()),
                    Integer.toString(s.candidateMinPowerOverrideW()), reason, Integer.toString(maxDurationSec),
                    Boolean.toString(allowUnbounded), Integer.toString(minCurtailedDurationSec),
                    Integer.toString(restoreBatchSize), Integer.toString(restoreBatchIntervalSec),
                    Integer.toString(curtailBatchSize), Integer.toString(curtailBatchIntervalSec));
            try {
                return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                        .digest(canonical.getBytes(StandardCharsets.UTF_8)));
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    public record PreviewSpec(SelectionSpec selection, int maxListed) {
    }

    public static PreviewSpec preview(PreviewCurtailmentPlanRequest r, Caller caller) {
        Violations v = new Violations();
        SelectionSpec selection = selection(v, r.hasScope(), r.getScope(), r.getMode(), r.hasFixedKw(), r.getFixedKw(),
                r.getLevel(), r.getPriority(), r.getPostEventCooldownSec(), r.getIncludeMaintenance(),
                r.getCandidateMinPowerWOverride());
        int listed = r.getMaxDevicesListed() == 0 ? DEFAULT_PREVIEW_LISTED
                : v.bounded("max_devices_listed", r.getMaxDevicesListed(), 1, MAX_PREVIEW_LISTED);
        v.throwIfAny();
        if (!caller.isAdmin()) {
            adminGates(r.getIncludeMaintenance(), r.getCandidateMinPowerWOverride(), false, 0, 0);
        }
        return new PreviewSpec(selection, listed);
    }

    public static StartSpec start(StartCurtailmentRequest r, Caller caller) {
        Violations v = new Violations();
        SelectionSpec selection = selection(v, r.hasScope(), r.getScope(), r.getMode(), r.hasFixedKw(), r.getFixedKw(),
                r.getLevel(), r.getPriority(), r.getPostEventCooldownSec(), r.getIncludeMaintenance(),
                r.getCandidateMinPowerWOverride());
        String reason = reason(v, "reason", r.getReason());
        int maxDuration = v.bounded("max_duration_seconds", r.getMaxDurationSeconds(), 0, HARD_MAX_DURATION_SEC);
        if (r.getAllowUnbounded() && r.getMaxDurationSeconds() != 0) {
            v.add("max_duration_seconds", "must be 0 when allow_unbounded is set");
        }
        int minCurtailed = v.bounded("min_curtailed_duration_sec", r.getMinCurtailedDurationSec(), 0, HARD_MAX_DURATION_SEC);
        int restoreBatch = v.bounded("restore_batch_size", r.getRestoreBatchSize(), 0, 10_000);
        int restoreInterval = v.bounded("restore_batch_interval_sec", r.getRestoreBatchIntervalSec(), 0, 3_600);
        int curtailBatch = v.bounded("curtail_batch_size", r.getCurtailBatchSize(), 0, 10_000);
        int curtailInterval = v.bounded("curtail_batch_interval_sec", r.getCurtailBatchIntervalSec(), 0, 3_600);
        if (r.getCurtailBatchIntervalSec() != 0 && r.getCurtailBatchSize() == 0) {
            v.add("curtail_batch_interval_sec", "requires curtail_batch_size");
        }
        String key = v.text("idempotency_key", r.getIdempotencyKey(), 256);
        String source = v.text("external_source", r.getExternalSource(), 256);
        String reference = v.text("external_reference", r.getExternalReference(), 256);
        if ((source == null) != (reference == null)) {
            v.add(source == null ? "external_source" : "external_reference",
                    "external_source and external_reference are set together");
        }
        int pageSize = PageTokens.pageSize(v.int32("target_page_size", r.getTargetPageSize()));
        v.throwIfAny();
        if (!caller.isAdmin()) {
            adminGates(r.getIncludeMaintenance(), r.getCandidateMinPowerWOverride(), r.getAllowUnbounded(),
                    restoreInterval, curtailInterval);
        }
        return new StartSpec(selection, reason, maxDuration, r.getAllowUnbounded(), minCurtailed, restoreBatch,
                restoreInterval, curtailBatch, curtailInterval, key, source, reference, pageSize);
    }

    /** A non-admin may not exceed the organization's default max duration (checked once the default is known). */
    public static void checkMaxDurationGate(Caller caller, int requestedSec, int orgDefaultSec, String field) {
        if (!caller.isAdmin() && requestedSec > orgDefaultSec) {
            throw ApiErrors.domain(com.google.rpc.Code.PERMISSION_DENIED, "ADMIN_ONLY_FIELD",
                    field + " above the organization default (" + orgDefaultSec + " s) requires the ADMIN role",
                    java.util.Map.of("field", field, "org_default_sec", Integer.toString(orgDefaultSec)));
        }
    }

    /** Required reason: 1..256 characters (code points), not blank after trim. */
    public static String reason(Violations v, String field, String raw) {
        if (raw == null || raw.isBlank()) {
            v.add(field, "is required and must not be blank");
            return null;
        }
        if (raw.codePointCount(0, raw.length()) > 256) {
            v.add(field, "must be at most 256 characters");
            return null;
        }
        return raw;
    }

    private static void adminGates(boolean includeMaintenance, int minPowerOverride, boolean allowUnbounded,
            int restoreInterval, int curtailInterval) {
        if (includeMaintenance) {
            throw ApiErrors.adminOnlyField("include_maintenance");
        }
        if (minPowerOverride != 0) {
            throw ApiErrors.adminOnlyField("candidate_min_power_w_override");
        }
        if (allowUnbounded) {
            throw ApiErrors.adminOnlyField("allow_unbounded");
        }
        if (restoreInterval > NON_ADMIN_MAX_INTERVAL_SEC) {
            throw ApiErrors.adminOnlyField("restore_batch_interval_sec");
        }
        if (curtailInterval > NON_ADMIN_MAX_INTERVAL_SEC) {
            throw ApiErrors.adminOnlyField("curtail_batch_interval_sec");
        }
    }

    private static SelectionSpec selection(Violations v, boolean hasScope, Scope scope, CurtailmentMode mode,
            boolean hasFixedKw, FixedKwParams fixedKw, CurtailmentLevel level, CurtailmentPriority priority,
            int cooldownWire, boolean includeMaintenance, int minPowerOverrideWire) {
        DeviceScope scopeSpec = ScopeProtos.scope(v, "scope", scope, hasScope);
        fleet.domain.CurtailmentMode domainMode = null;
        double targetKw = 0;
        double toleranceKw = 0;
        switch (mode) {
            case CURTAILMENT_MODE_FIXED_KW -> {
                domainMode = fleet.domain.CurtailmentMode.FIXED_KW;
                if (!hasFixedKw) {
                    v.add("fixed_kw", "is required for CURTAILMENT_MODE_FIXED_KW");
                } else {
                    targetKw = fixedKw.getTargetKw();
                    toleranceKw = fixedKw.getToleranceKw();
                    if (!Double.isFinite(targetKw) || targetKw <= 0 || targetKw > MAX_TARGET_KW) {
                        v.add("fixed_kw.target_kw", "must be finite, > 0 and at most 10000000");
                    } else if (!Double.isFinite(toleranceKw) || toleranceKw < 0 || toleranceKw >= targetKw) {
                        v.add("fixed_kw.tolerance_kw", "must be finite with 0 <= tolerance_kw < target_kw");
                    }
                }
            }
            case CURTAILMENT_MODE_FULL_FLEET -> {
                domainMode = fleet.domain.CurtailmentMode.FULL_FLEET;
                if (hasFixedKw) {
                    v.add("fixed_kw", "must be absent for CURTAILMENT_MODE_FULL_FLEET");
                }
            }
            default -> v.add("mode", "must be CURTAILMENT_MODE_FIXED_KW or CURTAILMENT_MODE_FULL_FLEET");
        }
        switch (level) {
            case CURTAILMENT_LEVEL_UNSPECIFIED, CURTAILMENT_LEVEL_FULL -> {
            }
            case CURTAILMENT_LEVEL_EFFICIENCY -> v.add("level", "CURTAILMENT_LEVEL_EFFICIENCY is reserved; use FULL");
            default -> v.add("level", "unknown level");
        }
        fleet.domain.CurtailmentPriority domainPriority = switch (priority) {
            case CURTAILMENT_PRIORITY_UNSPECIFIED, CURTAILMENT_PRIORITY_NORMAL -> fleet.domain.CurtailmentPriority.NORMAL;
            case CURTAILMENT_PRIORITY_EMERGENCY -> fleet.domain.CurtailmentPriority.EMERGENCY;
            default -> {
                v.add("priority", "unknown priority");
                yield fleet.domain.CurtailmentPriority.NORMAL;
            }
        };
        int cooldown = v.bounded("post_event_cooldown_sec", cooldownWire, 0, 86_400);
        int minPower = minPowerOverrideWire == 0 ? 0
                : v.bounded("candidate_min_power_w_override", minPowerOverrideWire, 1, 10_000_000);
        return new SelectionSpec(scopeSpec, domainMode, targetKw, toleranceKw, domainPriority, cooldown,
                includeMaintenance, minPower);
    }
}
