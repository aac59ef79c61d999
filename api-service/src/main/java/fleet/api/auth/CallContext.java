package fleet.api.auth;

import io.smallrye.common.vertx.VertxContext;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.util.UUID;

/**
 * The organization of the authenticated caller, kept on the call's Vert.x duplicated context (every gRPC call runs on
 * its own). {@link Authenticator#require} binds it; code that must be scoped to the caller without taking a parameter
 * (the page tokens, whose signatures every list RPC already uses) reads it.
 */
public final class CallContext {

    private static final String ORG = "fleet.caller.org";

    private CallContext() {
    }

    static void bind(Caller caller) {
        Context c = Vertx.currentContext();
        if (c != null && VertxContext.isDuplicatedContext(c)) {
            c.putLocal(ORG, caller.orgId());
        }
    }

    /** The caller's organization, or null outside an authenticated call. */
    public static UUID org() {
        Context c = Vertx.currentContext();
        if (c == null || !VertxContext.isDuplicatedContext(c)) {
            return null;
        }
        Object org = c.getLocal(ORG);
        return org instanceof UUID id ? id : null;
    }
}
