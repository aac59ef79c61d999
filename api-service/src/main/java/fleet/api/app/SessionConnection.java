package fleet.api.app;

import io.vertx.mutiny.sqlclient.SqlConnection;
import java.lang.reflect.Field;
import java.util.Optional;
import org.hibernate.reactive.mutiny.Mutiny;
import org.hibernate.reactive.mutiny.impl.MutinySessionImpl;
import org.hibernate.reactive.pool.ReactiveConnection;
import org.hibernate.reactive.session.ReactiveConnectionSupplier;

/**
 * The Vert.x connection under a Hibernate Reactive session, so that set-based SQL written against the reactive client
 * (the device selection of {@code CommandTargets}, the schedule conflict check) runs in the session's transaction: it
 * sees the rows the session flushed, and commits or rolls back with the entity. Statements issued here bypass the
 * session, so flush it before any of them must see an entity change; and never close the connection: the session
 * owns it.
 *
 * <p>Hibernate Reactive has no public accessor for the connection: this takes the session's
 * {@link ReactiveConnection} and reads the one field of its implementation that holds the Vert.x connection
 * (unwrapping the batching decorator on the way). {@code SessionConnectionTest} and every schedule mutation test go
 * through here, so an upgrade that moves the field fails loudly, never silently.
 */
public final class SessionConnection {

    private static final ClassValue<Optional<Field>> VERTX = fieldOf(io.vertx.sqlclient.SqlConnection.class);
    private static final ClassValue<Optional<Field>> DELEGATE = fieldOf(ReactiveConnection.class);

    private SessionConnection() {
    }

    /** Call inside {@code Panache.withTransaction} (or {@code @WithTransaction}): the connection of its transaction. */
    public static SqlConnection of(Mutiny.Session session) {
        ReactiveConnection connection = reactive(session);
        for (int depth = 0; depth < 4; depth++) {
            Optional<Field> vertx = VERTX.get(connection.getClass());
            if (vertx.isPresent()) {
                return SqlConnection.newInstance((io.vertx.sqlclient.SqlConnection) read(vertx.get(), connection));
            }
            Optional<Field> delegate = DELEGATE.get(connection.getClass());
            if (delegate.isEmpty()) {
                break;
            }
            connection = (ReactiveConnection) read(delegate.get(), connection);
        }
        throw new IllegalStateException("no Vert.x connection under the Hibernate Reactive connection "
                + connection.getClass().getName());
    }

    private static ReactiveConnection reactive(Mutiny.Session session) {
        if (session instanceof MutinySessionImpl impl) {
            return impl.getReactiveConnection();
        }
        if (session instanceof ReactiveConnectionSupplier supplier) {
            return supplier.getReactiveConnection();
        }
        throw new IllegalStateException("the Hibernate Reactive session " + session.getClass().getName()
                + " exposes no reactive connection");
    }

    private static Object read(Field field, Object target) {
        try {
            return field.get(target);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }

    private static ClassValue<Optional<Field>> fieldOf(Class<?> type) {
        return new ClassValue<>() {
            @Override
            protected Optional<Field> computeValue(Class<?> owner) {
                for (Class<?> c = owner; c != null && c != Object.class; c = c.getSuperclass()) {
                    for (Field f : c.getDeclaredFields()) {
                        if (!java.lang.reflect.Modifier.isStatic(f.getModifiers()) && type.isAssignableFrom(f.getType())) {
                            f.setAccessible(true);
                            return Optional.of(f);
                        }
                    }
                }
                return Optional.empty();
            }
        };
    }
}
