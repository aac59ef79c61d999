package fleet.reconciler.schedules;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;
import java.util.UUID;

/**
 * Test hook: runs inside a step's transaction once its claim is held (the start: after the occurrence row is inserted;
 * the revert: after the occurrence row is locked), before any command is queued. Park it to hold a claim, fail it to
 * abort the step.
 */
public interface TransactionHook {

    TransactionHook NONE = (step, tx, scheduleId) -> Uni.createFrom().voidItem();

    Uni<Void> inTransaction(String step, SqlConnection tx, UUID scheduleId);
}
