package fleet.persistence.scope;

import fleet.domain.scope.DeviceScope;
import io.vertx.core.json.JsonObject;

/**
 * A {@link DeviceScope} as the JSON the reactive client reads and writes for the {@code jsonb} columns
 * {@code curtailment_event.scope} and {@code schedule.selector} (the form of {@link DeviceScope#toMap()}).
 */
public final class ScopeJson {

    private ScopeJson() {
    }

    public static JsonObject encode(DeviceScope scope) {
        return new JsonObject(scope.toMap());
    }

    /** @throws IllegalArgumentException when the value is not a stored scope */
    public static DeviceScope decode(JsonObject stored) {
        return DeviceScope.fromMap(stored.getMap());
    }
}
