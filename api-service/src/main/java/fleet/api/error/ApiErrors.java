package fleet.api.error;

import com.google.protobuf.Any;
import com.google.rpc.BadRequest;
import com.google.rpc.Code;
import com.google.rpc.ErrorInfo;
import com.google.rpc.PreconditionFailure;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Builds gRPC errors in the richer error model (google.rpc.Status with details): {@code INVALID_ARGUMENT} carries
 * {@link BadRequest} field violations, domain failures carry an {@link ErrorInfo} whose reason is stable.
 */
public final class ApiErrors {

    public static final String DOMAIN = "curtailment";
    private static final int MAX_LISTED = 100;

    private ApiErrors() {
    }

    public record Violation(String field, String description) {
    }

    public static StatusRuntimeException invalidArgument(List<Violation> violations) {
        BadRequest.Builder details = BadRequest.newBuilder();
        for (Violation v : violations) {
            details.addFieldViolations(BadRequest.FieldViolation.newBuilder()
                    .setField(v.field()).setDescription(v.description()));
        }
        String message = violations.stream().limit(5).map(v -> v.field() + ": " + v.description())
                .collect(Collectors.joining("; "));
        if (violations.size() > 5) {
            message += " (and " + (violations.size() - 5) + " more)";
        }
        return status(Code.INVALID_ARGUMENT, message, Any.pack(details.build()));
    }

    public static StatusRuntimeException invalidArgument(String field, String description) {
        return invalidArgument(List.of(new Violation(field, description)));
    }

    /** A domain failure with a stable reason, e.g. FAILED_PRECONDITION / EVENT_TERMINAL. */
    public static StatusRuntimeException domain(Code code, String reason, String message, Map<String, String> metadata) {
        ErrorInfo info = ErrorInfo.newBuilder().setReason(reason).setDomain(DOMAIN).putAllMetadata(metadata).build();
        return status(code, message, Any.pack(info));
    }

    /**
     * FAILED_PRECONDITION with a stable reason that also lists what stands in the way ({@link PreconditionFailure}
     * violations: type, subject, what to do about it), e.g. the targets to restore before an event may end.
     */
    public static StatusRuntimeException failedPrecondition(String reason, String message, Map<String, String> metadata,
            PreconditionFailure blockers) {
        ErrorInfo info = ErrorInfo.newBuilder().setReason(reason).setDomain(DOMAIN).putAllMetadata(metadata).build();
        return StatusProto.toStatusRuntimeException(com.google.rpc.Status.newBuilder()
                .setCode(Code.FAILED_PRECONDITION.getNumber()).setMessage(message)
                .addDetails(Any.pack(info)).addDetails(Any.pack(blockers)).build());
    }

    public static StatusRuntimeException notFound(String what, Collection<String> missing) {
        List<String> listed = missing.stream().limit(MAX_LISTED).toList();
        String message = what + " not found: " + String.join(", ", listed)
                + (missing.size() > listed.size() ? " (and " + (missing.size() - listed.size()) + " more)" : "");
        ErrorInfo info = ErrorInfo.newBuilder().setReason("NOT_FOUND").setDomain(DOMAIN)
                .putMetadata("resource", what)
                .putMetadata("missing", String.join(",", listed))
                .putMetadata("missing_count", Integer.toString(missing.size()))
                .build();
        return status(Code.NOT_FOUND, message, Any.pack(info));
    }

    public static StatusRuntimeException permissionDenied(String message) {
        return status(Code.PERMISSION_DENIED, message, null);
    }

    /** An admin-only field used by a non-admin caller: the field is named in the message and the details. */
    public static StatusRuntimeException adminOnlyField(String field) {
        ErrorInfo info = ErrorInfo.newBuilder().setReason("ADMIN_ONLY_FIELD").setDomain(DOMAIN)
                .putMetadata("field", field).build();
        return status(Code.PERMISSION_DENIED, field + " requires the ADMIN role", Any.pack(info));
    }

    public static StatusRuntimeException unauthenticated(String message) {
        return status(Code.UNAUTHENTICATED, message, null);
    }

    public static StatusRuntimeException alreadyExists(String reason, String message, Map<String, String> metadata) {
        return domain(Code.ALREADY_EXISTS, reason, message, metadata);
    }

    /** ALREADY_EXISTS / NAME_TAKEN: a name unique among its siblings ({@code resource}: site, rack, schedule …). */
    public static StatusRuntimeException nameTaken(String resource, String name) {
        return alreadyExists("NAME_TAKEN", "a " + resource + " named '" + name + "' already exists",
                Map.of("resource", resource, "name", String.valueOf(name)));
    }

    private static StatusRuntimeException status(Code code, String message, Any detail) {
        com.google.rpc.Status.Builder status = com.google.rpc.Status.newBuilder()
                .setCode(code.getNumber()).setMessage(message);
        if (detail != null) {
            status.addDetails(detail);
        }
        return StatusProto.toStatusRuntimeException(status.build());
    }
}
