package fleet.api.app;

import io.vertx.pgclient.PgException;
import java.sql.SQLException;
import org.hibernate.JDBCException;

/**
 * Recognises a unique violation (SQLSTATE 23505) however it surfaced: as the reactive client's {@link PgException},
 * or as Hibernate's {@link JDBCException} (a {@code ConstraintViolationException}, which Hibernate Reactive builds from
 * the PgException's state and message), anywhere in the cause chain.
 */
public final class UniqueViolation {

    private static final String UNIQUE = "23505";

    private UniqueViolation() {
    }

    /** Any unique violation. */
    public static boolean in(Throwable failure) {
        return in(failure, null);
    }

    /** A violation of the named unique constraint or index ({@code null}: any). */
    public static boolean in(Throwable failure, String constraint) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof PgException pg && UNIQUE.equals(pg.getSqlState())) {
                return named(constraint, pg.getConstraint(), pg.getMessage());
            }
            if (t instanceof JDBCException jdbc && UNIQUE.equals(jdbc.getSQLState())) {
                String name = jdbc instanceof org.hibernate.exception.ConstraintViolationException cve
                        ? cve.getConstraintName() : null;
                return named(constraint, name, jdbc.getSQLException() == null ? null : jdbc.getSQLException().getMessage());
            }
            if (t instanceof SQLException sql && UNIQUE.equals(sql.getSQLState())) {
                return named(constraint, null, sql.getMessage());
            }
        }
        return false;
    }

    private static boolean named(String wanted, String actual, String message) {
        if (wanted == null) {
            return true;
        }
        if (actual != null) {
            return wanted.equalsIgnoreCase(actual);
        }
        return message != null && message.contains("\"" + wanted + "\"");
    }
}
