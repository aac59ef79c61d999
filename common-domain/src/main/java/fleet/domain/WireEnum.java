package fleet.domain;

import java.util.Arrays;

/**
 * An enum with a stable wire number: the protobuf enum value and the smallint stored in PostgreSQL.
 * Wire numbers never change once released; zero is reserved for {@code *_UNSPECIFIED} on the wire and
 * is never a domain value.
 */
public interface WireEnum {

    /** The stable number used on the wire and in the database. */
    int wire();

    /** Builds an array indexed by wire number; used by each enum's {@code fromWire}. */
    static <E extends Enum<E> & WireEnum> E[] indexByWire(E[] values) {
        int max = 0;
        for (E e : values) {
            if (e.wire() <= 0) {
                throw new IllegalStateException(e + " has a non-positive wire number");
            }
            max = Math.max(max, e.wire());
        }
        E[] index = Arrays.copyOf(values, max + 1);
        Arrays.fill(index, null);
        for (E e : values) {
            if (index[e.wire()] != null) {
                throw new IllegalStateException("duplicate wire number " + e.wire());
            }
            index[e.wire()] = e;
        }
        return index;
    }

    /** Looks a wire number up in an index built by {@link #indexByWire}. */
    static <E> E lookup(E[] index, int wire, String typeName) {
        if (wire <= 0 || wire >= index.length || index[wire] == null) {
            throw new IllegalArgumentException(typeName + " has no wire number " + wire);
        }
        return index[wire];
    }
}
