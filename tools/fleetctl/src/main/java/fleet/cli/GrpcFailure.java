package fleet.cli;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.rpc.BadRequest;
import com.google.rpc.ErrorInfo;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** One line for a failed call: code, message, field violations, ErrorInfo reason and metadata. */
final class GrpcFailure {

    private GrpcFailure() {
    }

    static String describe(StatusRuntimeException e) {
        Status status = e.getStatus();
        StringBuilder line = new StringBuilder("error: ").append(status.getCode());
        String message = status.getDescription();
        if (status.getCause() != null && status.getCause().getMessage() != null) {
            // e.g. UNAVAILABLE "io exception": the cause says what actually failed (connection refused, …)
            message = (message == null ? "" : message + ": ") + status.getCause().getMessage();
        }
        if (message != null && !message.isBlank()) {
            line.append(": ").append(message.replace('\n', ' '));
        }
        com.google.rpc.Status rich = StatusProto.fromThrowable(e);
        if (rich != null) {
            List<String> violations = new ArrayList<>();
            for (Any detail : rich.getDetailsList()) {
                try {
                    if (detail.is(BadRequest.class)) {
                        for (BadRequest.FieldViolation v : detail.unpack(BadRequest.class).getFieldViolationsList()) {
                            violations.add(v.getField() + " " + v.getDescription());
                        }
                    } else if (detail.is(ErrorInfo.class)) {
                        ErrorInfo info = detail.unpack(ErrorInfo.class);
                        line.append(" [reason ").append(info.getReason());
                        Map<String, String> metadata = new TreeMap<>(info.getMetadataMap());
                        metadata.forEach((k, v) -> line.append(' ').append(k).append('=').append(v));
                        line.append(']');
                    }
                } catch (InvalidProtocolBufferException ignored) {
                    // an undecodable detail adds nothing the code and message do not already say
                }
            }
            if (!violations.isEmpty()) {
                line.append(" [fields: ").append(String.join("; ", violations)).append(']');
            }
        }
        return line.toString();
    }
}
