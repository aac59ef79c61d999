package fleet.auth;

/** Caller roles, ordered: each role can do everything the ones before it can (SPEC §2). */
public enum Role {
    VIEWER,
    OPERATOR,
    ADMIN;

    public boolean atLeast(Role required) {
        return compareTo(required) >= 0;
    }
}
