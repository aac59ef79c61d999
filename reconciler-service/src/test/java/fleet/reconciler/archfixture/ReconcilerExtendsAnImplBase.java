package fleet.reconciler.archfixture;

/** Deliberately wrong: a gRPC service implementation in {@code fleet.reconciler}. */
public class ReconcilerExtendsAnImplBase extends MutinyWidgetGrpc.WidgetImplBase {
}
