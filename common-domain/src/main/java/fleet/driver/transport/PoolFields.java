package fleet.driver.transport;

import com.fasterxml.jackson.databind.JsonNode;

/** Reads pool liveness out of a cgminer-style {@code POOLS} section. */
public final class PoolFields {

    private PoolFields() {
    }

    /**
     * Whether any configured pool is usable: {@code Status} "Alive" or {@code Stratum Active} true.
     * Null when the section is absent or lists no pool (nothing to conclude from).
     */
    public static Boolean anyAlive(JsonNode pools) {
        if (pools == null || !pools.isArray() || pools.isEmpty()) {
            return null;
        }
        for (JsonNode pool : pools) {
            String status = LenientValues.asText(pool.get("Status"));
            if ("Alive".equalsIgnoreCase(status) || Boolean.TRUE.equals(LenientValues.asBoolean(pool.get("Stratum Active")))) {
                return Boolean.TRUE;
            }
        }
        return Boolean.FALSE;
    }
}
