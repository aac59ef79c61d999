package fleet.api.auth;

import fleet.auth.Role;
import java.util.UUID;

/**
 * The authenticated caller of one RPC. Attribution ({@code source_actor_type}, {@code source_actor_id},
 * {@code created_by_user_id}) is derived from it and never read from a request.
 *
 * @param actorType {@code user} (a JWT session), {@code api_key} or {@code automation} (API keys)
 * @param actorId   the user id for sessions, the key id for API keys
 * @param session   true for a user session (JWT); session-only RPCs refuse API keys
 */
public record Caller(UUID orgId, UUID userId, Role role, String actorType, String actorId, boolean session) {

    public boolean isAdmin() {
        return role == Role.ADMIN;
    }
}
