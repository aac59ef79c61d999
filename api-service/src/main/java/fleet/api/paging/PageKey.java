package fleet.api.paging;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.UUID;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * How one kind of page key (the last row's sort key) is written into a page token and read back, typed. Reading is
 * strict: a key of another shape is not a key this server issued, and {@link PageTokens#decode} answers it
 * INVALID_ARGUMENT naming the token's field.
 *
 * <p>The JSON shapes are the wire format of tokens already handed out; they must not change.
 */
public final class PageKey<K> {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    /** A text key (a name, an identifier): a JSON string. */
    public static final PageKey<String> TEXT = new PageKey<>(NODES::textNode, n -> {
        require(n.isTextual());
        return n.textValue();
    });

    /** A UUID key: its text form, a JSON string. */
    public static final PageKey<UUID> UUID_KEY = new PageKey<>(id -> NODES.textNode(id.toString()),
            n -> UUID.fromString(TEXT.read(n)));

    /** A whole-number key that fits an int. */
    public static final PageKey<Integer> INT = new PageKey<>(NODES::numberNode, n -> {
        require(n.isIntegralNumber() && n.canConvertToInt());
        return n.intValue();
    });

    /** A whole-number key that fits a long. */
    public static final PageKey<Long> LONG = new PageKey<>(NODES::numberNode, n -> {
        require(n.isIntegralNumber() && n.canConvertToLong());
        return n.longValue();
    });

    /** A time as ISO-8601 text ({@link OffsetDateTime#toString()}), offset kept. */
    public static final PageKey<OffsetDateTime> ISO_TIME = new PageKey<>(t -> NODES.textNode(t.toString()),
            n -> OffsetDateTime.parse(TEXT.read(n)));

    /** A time as whole microseconds since the epoch (PostgreSQL's precision), read back in UTC. */
    public static final PageKey<OffsetDateTime> EPOCH_MICROS = new PageKey<>(
            t -> NODES.numberNode(ChronoUnit.MICROS.between(Instant.EPOCH, t.toInstant())),
            n -> Instant.EPOCH.plus(LONG.read(n), ChronoUnit.MICROS).atOffset(ZoneOffset.UTC));

    private final Function<K, JsonNode> write;
    private final Function<JsonNode, K> read;

    private PageKey(Function<K, JsonNode> write, Function<JsonNode, K> read) {
        this.write = write;
        this.read = read;
    }

    /**
     * A two-part key (e.g. a time and an id, for a sort that needs a tie-breaker): a JSON object with the two named
     * members.
     */
    public static <K, A, B> PageKey<K> pair(String firstName, PageKey<A> first, Function<K, A> firstOf,
            String secondName, PageKey<B> second, Function<K, B> secondOf, BiFunction<A, B, K> make) {
        return new PageKey<>(k -> {
            ObjectNode o = NODES.objectNode();
            o.set(firstName, first.write(firstOf.apply(k)));
            o.set(secondName, second.write(secondOf.apply(k)));
            return o;
        }, n -> {
            require(n.isObject() && n.has(firstName) && n.has(secondName));
            return make.apply(first.read(n.get(firstName)), second.read(n.get(secondName)));
        });
    }

    JsonNode write(K key) {
        return write.apply(key);
    }

    /** @throws RuntimeException (of any kind) when {@code node} is not such a key */
    K read(JsonNode node) {
        return read.apply(node);
    }

    private static void require(boolean shape) {
        if (!shape) {
            throw new IllegalArgumentException("not a page key of this shape");
        }
    }
}
