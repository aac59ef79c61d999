package fleet.persistence.auditfixture;

/** State numbers written by hand, and a state write that no GuardedUpdate declares. Audited by StateSqlAuditTest. */
final class HandWrittenFixture {

    static final String LIVE_EVENTS = "SELECT id FROM curtailment_event WHERE state IN (1, 2, 3)";

    static final String RESET = """
            UPDATE curtailment_target t
            SET desired_state = 2, state = CASE WHEN t.retry_count = 0 THEN 5 ELSE 1 END
            WHERE t.event_id = $1 AND t.state NOT IN (5, 6, 7)
            """;

    private HandWrittenFixture() {
    }
}
