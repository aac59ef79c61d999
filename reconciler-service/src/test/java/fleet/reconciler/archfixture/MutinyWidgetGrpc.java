package fleet.reconciler.archfixture;

/**
 * A stand-in for a generated Mutiny service class ({@code MutinyXxxGrpc.XxxImplBase}): the generated stubs are not
 * on the reconciler's class path, and the rule recognises them by that name alone. Deliberately without
 * {@code BindableService}, so that only the name can give {@link ReconcilerExtendsAnImplBase} away.
 */
public final class MutinyWidgetGrpc {

    private MutinyWidgetGrpc() {
    }

    public abstract static class WidgetImplBase {
    }
}
