package fleet.testsupport.arch;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.ArchConfiguration;
import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.CompositeArchRule;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;
import java.util.Set;

/**
 * The layering of the system, as ArchUnit rules. Each module whose classes a rule covers checks it against its own
 * production classes ({@link #mainClassesOf(Class)}) and shows, against a deliberately wrong fixture class in its
 * test sources, that the rule reports the violation. The rules match classes by name, so this module needs none of
 * the classes it speaks about.
 *
 * <ul>
 *   <li>{@link #DOMAIN_IS_PLAIN_JAVA}: {@code fleet.domain} is pure Java: no Quarkus, Vert.x/Netty, Mutiny/SmallRye,
 *       JDBC, Jakarta or Hibernate.</li>
 *   <li>{@link #API_SERVICE_TALKS_TO_NO_MINER}: the api-service ({@code fleet.api}) uses nothing of
 *       {@code fleet.driver} but its vocabulary ({@link #DRIVER_VOCABULARY}): the catalogue of driver names and default
 *       capabilities, and the capability flags. Nothing that opens a miner connection. A detection/discovery probe
 *       will be an explicit, named exception here.</li>
 *   <li>{@link #RECONCILER_SERVES_NO_GRPC}: the reconciler ({@code fleet.reconciler}) serves no gRPC: no
 *       {@code @GrpcService}, no {@code io.grpc.BindableService}, no generated {@code Mutiny*Grpc.*ImplBase}.</li>
 *   <li>{@link #TOOLS_USE_PUBLISHED_APIS}: tools ({@code fleet.simulator}, {@code fleet.cli}, {@code fleet.demo},
 *       {@code fleet.bench}) use the modules' published APIs only. Published are: the gRPC contract
 *       ({@code fleet.curtailment.v1}, the only way to the api-service), the shared library common-domain (all of it:
 *       it exists to be used), the simulator and test-support. Not published: the api-service
 *       ({@code fleet.api}, never) and the reconciler ({@code fleet.reconciler}), except the classes it offers for
 *       embedding a replica or a poller in process ({@link #RECONCILER_EMBEDDING}), which only the benchmarks
 *       ({@code fleet.bench}) may use, because running the real code in process is what they measure.</li>
 * </ul>
 */
public final class LayeringRules {

    /** The frameworks the domain must not know. */
    public static final String[] FRAMEWORK_PACKAGES = {
        "io.quarkus..", "io.vertx..", "io.netty..", "io.smallrye..", "java.sql..", "javax.sql..", "jakarta..",
        "org.hibernate.."};

    /** The only {@code fleet.driver} classes the api-service may use: facts about drivers, no connection. */
    public static final Set<String> DRIVER_VOCABULARY = Set.of("fleet.driver.DriverCatalog", "fleet.driver.Capability");

    /** What the reconciler offers for running a replica or a telemetry poller in another process (the benchmarks). */
    public static final Set<String> RECONCILER_EMBEDDING = Set.of(
            "fleet.reconciler.ReconcilerSettings",
            "fleet.reconciler.loop.ReconcilerNode",
            "fleet.reconciler.lease.LeaseConnection",
            "fleet.reconciler.telemetry.TelemetryPoller",
            "fleet.reconciler.telemetry.PollerSettings",
            "fleet.reconciler.telemetry.RoundStats");

    /** The packages of the tools. */
    public static final String[] TOOL_PACKAGES = {"fleet.simulator..", "fleet.cli..", "fleet.demo..", "fleet.bench.."};

    public static final ArchRule DOMAIN_IS_PLAIN_JAVA = noClasses()
            .that().resideInAPackage("fleet.domain..")
            .should().dependOnClassesThat().resideInAnyPackage(FRAMEWORK_PACKAGES)
            .because("the domain is pure functions and values, unit-tested without a framework");

    public static final ArchRule API_SERVICE_TALKS_TO_NO_MINER = noClasses()
            .that().resideInAPackage("fleet.api..")
            .should().dependOnClassesThat(resideInAPackage("fleet.driver..")
                    .and(DescribedPredicate.not(named("the driver vocabulary " + DRIVER_VOCABULARY, DRIVER_VOCABULARY))))
            .because("only the reconciler talks to miners; the api-service validates against the driver catalogue");

    public static final ArchRule RECONCILER_SERVES_NO_GRPC = CompositeArchRule
            .of(noClasses().that().resideInAPackage("fleet.reconciler..")
                    .should().beAnnotatedWith("io.quarkus.grpc.GrpcService"))
            .and(noClasses().that().resideInAPackage("fleet.reconciler..")
                    .should().beAssignableTo("io.grpc.BindableService"))
            .and(noClasses().that().resideInAPackage("fleet.reconciler..")
                    .should().beAssignableTo(DescribedPredicate.describe("a generated Mutiny*Grpc.*ImplBase",
                            (JavaClass c) -> c.getName().matches(".*\\.Mutiny\\w*Grpc\\$\\w*ImplBase"))))
            .because("the api-service is the one place that serves the contract; reconcilers meet it only in PostgreSQL");

    public static final ArchRule TOOLS_USE_PUBLISHED_APIS = CompositeArchRule
            .of(noClasses().that().resideInAnyPackage(TOOL_PACKAGES)
                    .should().dependOnClassesThat().resideInAPackage("fleet.api..")
                    .because("tools reach the api-service through the gRPC contract"))
            .and(noClasses().that().resideInAnyPackage("fleet.simulator..", "fleet.cli..", "fleet.demo..")
                    .should().dependOnClassesThat().resideInAPackage("fleet.reconciler..")
                    .because("only the benchmarks run reconciler code in process")
                    .allowEmptyShould(true))
            .and(noClasses().that().resideInAPackage("fleet.bench..")
                    .should().dependOnClassesThat(resideInAPackage("fleet.reconciler..")
                            .and(DescribedPredicate.not(named("the reconciler's embedding classes "
                                    + RECONCILER_EMBEDDING, RECONCILER_EMBEDDING))))
                    .because("the benchmarks embed a replica or a poller, they do not reach into its parts")
                    .allowEmptyShould(true));

    static {
        // The rules judge classes by their names and declared supertypes, which every imported class carries;
        // resolving each referenced library class from the class path would only cost seconds per module.
        ArchConfiguration.get().setResolveMissingDependenciesFromClassPath(false);
    }

    private LayeringRules() {
    }

    /**
     * The main (non-test) classes of one module: every class in the directory or jar that holds {@code anchor}, any
     * class of that module. Reading one location instead of scanning the class path for packages keeps the check to a
     * few seconds.
     */
    public static JavaClasses mainClassesOf(Class<?> anchor) {
        URL location = anchor.getProtectionDomain().getCodeSource().getLocation();
        try {
            return new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                    .importPath(Path.of(location.toURI()));
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("not a file location: " + location, e);
        }
    }

    /** Exactly the given classes (a fixture, typically), nothing else. */
    public static JavaClasses classes(Class<?>... classes) {
        return new ClassFileImporter().importClasses(classes);
    }

    /** Classes with one of these names, or nested in one of them. */
    private static DescribedPredicate<JavaClass> named(String description, Set<String> names) {
        return DescribedPredicate.describe(description, (JavaClass c) -> {
            String name = c.getName();
            int nested = name.indexOf('$');
            return names.contains(nested < 0 ? name : name.substring(0, nested));
        });
    }
}
