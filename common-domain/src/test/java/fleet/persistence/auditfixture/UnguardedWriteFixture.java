package fleet.persistence.auditfixture;

import fleet.persistence.StateSql;

/** State numbers from the enums, but a state write outside a GuardedUpdate. Audited by StateSqlAuditTest. */
final class UnguardedWriteFixture {

    static final String CANCEL = StateSql.render("""
            UPDATE curtailment_event SET ended_at = now(), state = {EventState.CANCELLED}
            WHERE id = $1
            """);

    private UnguardedWriteFixture() {
    }
}
