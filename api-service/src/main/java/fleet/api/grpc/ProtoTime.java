package fleet.api.grpc;

import com.google.protobuf.Timestamp;
import java.time.Instant;
import java.time.OffsetDateTime;

/** java.time ↔ google.protobuf.Timestamp. */
public final class ProtoTime {

    private ProtoTime() {
    }

    public static Timestamp of(OffsetDateTime t) {
        return t == null ? null : of(t.toInstant());
    }

    public static Timestamp of(Instant t) {
        return t == null ? null : Timestamp.newBuilder().setSeconds(t.getEpochSecond()).setNanos(t.getNano()).build();
    }

    public static Instant instant(Timestamp t) {
        return Instant.ofEpochSecond(t.getSeconds(), t.getNanos());
    }
}
