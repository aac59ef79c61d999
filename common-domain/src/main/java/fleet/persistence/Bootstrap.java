package fleet.persistence;

import fleet.auth.ApiKeys;
import fleet.auth.Role;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.UUID;

/**
 * Creates an organization with its curtailment defaults, an admin user, an API key and its first activity row
 * ({@code organization_bootstrapped}, actor {@code system}), in one transaction.
 * The API key token is returned once and never stored (only its SHA-256 is). Used by {@code fleetctl bootstrap},
 * by the demo and by tests.
 */
public final class Bootstrap {

    private Bootstrap() {
    }

    public record Result(UUID orgId, UUID userId, String keyId, String apiKey) {
    }

    public static Result createOrganization(Connection c, String orgName, String adminEmail) throws SQLException {
        boolean autoCommit = c.getAutoCommit();
        c.setAutoCommit(false);
        try {
            UUID orgId = insertReturningId(c, "INSERT INTO organization (name) VALUES (?) RETURNING id", orgName);
            try (var ps = c.prepareStatement("INSERT INTO curtailment_org_config (org_id) VALUES (?)")) {
                ps.setObject(1, orgId);
                ps.executeUpdate();
            }
            UUID userId = createUser(c, orgId, adminEmail, Role.ADMIN);
            ApiKeys.NewKey key = createApiKey(c, orgId, userId, Role.ADMIN, "bootstrap", "api_key");
            recordBootstrap(c, orgId, userId, adminEmail, key.keyId());
            c.commit();
            return new Result(orgId, userId, key.keyId(), key.token());
        } catch (SQLException | RuntimeException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(autoCommit);
        }
    }

    public static UUID createUser(Connection c, UUID orgId, String email, Role role) throws SQLException {
        try (var ps = c.prepareStatement("INSERT INTO app_user (org_id, email, role) VALUES (?, ?, ?) RETURNING id")) {
            ps.setObject(1, orgId);
            ps.setString(2, email);
            ps.setString(3, role.name());
            try (var rs = ps.executeQuery()) {
                rs.next();
                return rs.getObject(1, UUID.class);
            }
        }
    }

    /** Creates a key for an existing user; {@code actorType} is {@code api_key} or {@code automation}. */
    public static ApiKeys.NewKey createApiKey(Connection c, UUID orgId, UUID userId, Role role, String name,
            String actorType) throws SQLException {
        ApiKeys.NewKey key = ApiKeys.generate();
        try (var ps = c.prepareStatement("INSERT INTO api_key (key_id, org_id, user_id, role, actor_type, name, secret_sha256)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?)")) {
            ps.setString(1, key.keyId());
            ps.setObject(2, orgId);
            ps.setObject(3, userId);
            ps.setString(4, role.name());
            ps.setString(5, actorType);
            ps.setString(6, name);
            ps.setBytes(7, key.secretSha256());
            ps.executeUpdate();
        }
        return key;
    }

    public static void revokeApiKey(Connection c, String keyId) throws SQLException {
        try (var ps = c.prepareStatement("UPDATE api_key SET revoked_at = now() WHERE key_id = ? AND revoked_at IS NULL")) {
            ps.setString(1, keyId);
            ps.executeUpdate();
        }
    }

    /** The organization's first activity row (actor {@code system}): what was created, never the key's secret. */
    private static void recordBootstrap(Connection c, UUID orgId, UUID userId, String adminEmail, String keyId)
            throws SQLException {
        try (var ps = c.prepareStatement("INSERT INTO activity_log (org_id, type, actor_type, actor_id, metadata)"
                + " VALUES (?, 'organization_bootstrapped', 'system', 'bootstrap', jsonb_build_object('admin_user_id',"
                + " ?::text, 'admin_email', ?::text, 'key_id', ?::text))")) {
            ps.setObject(1, orgId);
            ps.setObject(2, userId.toString());
            ps.setString(3, adminEmail);
            ps.setString(4, keyId);
            ps.executeUpdate();
        }
    }

    private static UUID insertReturningId(Connection c, String sql, String value) throws SQLException {
        try (var ps = c.prepareStatement(sql)) {
            ps.setString(1, value);
            try (var rs = ps.executeQuery()) {
                rs.next();
                return rs.getObject(1, UUID.class);
            }
        }
    }
}
