package fleet.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;

/**
 * One parsed request: {@code {"command":"cmd","parameter":"p"}} or cgminer text {@code cmd|p}.
 *
 * @param command   the verb, possibly several joined with '+'; "" when it could not be parsed
 * @param parameter the parameter string, or null when absent
 * @param json      whether the client spoke JSON (the reply uses the same format)
 * @param rejection the error to answer instead of executing, or null when the request is well formed
 */
record ApiRequest(String command, String parameter, boolean json, ApiStatus rejection) {

    private static final ObjectMapper JSON = new ObjectMapper();

    static ApiRequest parse(String text, boolean json) {
        return json ? parseJson(text) : parseText(text);
    }

    static ApiRequest tooLarge() {
        return new ApiRequest("", null, true, ApiStatus.error(ApiStatus.INVALID_JSON, "Invalid JSON"));
    }

    boolean isMultiCommand() {
        return command.indexOf('+') >= 0;
    }

    private static ApiRequest parseJson(String text) {
        JsonNode root;
        try {
            root = JSON.readTree(text);
        } catch (IOException e) {
            return new ApiRequest("", null, true, ApiStatus.error(ApiStatus.INVALID_JSON, "Invalid JSON"));
        }
        if (root == null || !root.isObject()) {
            return new ApiRequest("", null, true, ApiStatus.error(ApiStatus.INVALID_JSON, "Invalid JSON"));
        }
        JsonNode command = root.get("command");
        if (command == null || !command.isTextual() || command.asText().isBlank()) {
            return new ApiRequest("", null, true,
                    ApiStatus.error(ApiStatus.MISSING_COMMAND, "Missing JSON 'command'"));
        }
        JsonNode parameter = root.get("parameter");
        String parameterText = parameter == null || parameter.isNull() ? null : parameter.asText();
        return new ApiRequest(command.asText().trim(), parameterText, true, null);
    }

    private static ApiRequest parseText(String text) {
        int bar = text.indexOf('|');
        String command = (bar < 0 ? text : text.substring(0, bar)).trim();
        String parameter = bar < 0 ? null : text.substring(bar + 1);
        return new ApiRequest(command, parameter, false, null);
    }
}
