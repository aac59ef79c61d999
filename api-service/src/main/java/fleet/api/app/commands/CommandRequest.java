package fleet.api.app.commands;

import fleet.domain.scope.DeviceScope;
import io.vertx.core.json.JsonObject;

/**
 * A validated operator command request.
 *
 * @param kind   an operator command ({@link CommandKind#operatorCommand()})
 * @param scope  the devices, validated (identifiers or one topology scope)
 * @param params the command's parameters as stored in {@code operator_command.params}
 * @param reason the operator's free-text reason, or null
 */
public record CommandRequest(CommandKind kind, DeviceScope scope, JsonObject params, String reason) {

    public CommandRequest {
        if (!kind.operatorCommand()) {
            throw new IllegalArgumentException(kind + " is not an operator command");
        }
        params = params == null ? new JsonObject() : params;
    }
}
