package fleet.api.access;

import static fleet.api.Errors.failure;
import static fleet.api.Errors.fields;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Timestamp;
import fleet.api.Errors;
import fleet.api.GrpcClients;
import fleet.api.TestFleet;
import fleet.curtailment.v1.AccessServiceGrpc;
import fleet.curtailment.v1.ApiKey;
import fleet.curtailment.v1.CreateApiKeyRequest;
import fleet.curtailment.v1.CreateApiKeyResponse;
import fleet.curtailment.v1.CreateSiteRequest;
import fleet.curtailment.v1.CreateUserRequest;
import fleet.curtailment.v1.InventoryServiceGrpc;
import fleet.curtailment.v1.ListApiKeysRequest;
import fleet.curtailment.v1.ListApiKeysResponse;
import fleet.curtailment.v1.ListSitesRequest;
import fleet.curtailment.v1.ListUsersRequest;
import fleet.curtailment.v1.RevokeApiKeyRequest;
import fleet.curtailment.v1.Role;
import fleet.curtailment.v1.RotateApiKeyRequest;
import fleet.curtailment.v1.RotateApiKeyResponse;
import fleet.curtailment.v1.User;
import fleet.testsupport.PostgresTestResource;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * AccessService over real gRPC and PostgreSQL: keys created through the API work with exactly their role, revoked and
 * expired keys are refused, rotation keeps the old key for its grace period only, the last admin key survives (also
 * under concurrent revocations), only ADMINs manage access, other organizations' users and keys are NOT_FOUND, no
 * secret is ever read back, every change writes its activity row and a rejected request writes nothing.
 */
@QuarkusTest
@WithTestResource(value = PostgresTestResource.class, scope = TestResourceScope.GLOBAL)
class AccessApiTest {

    private static final Duration DEADLINE = Duration.ofSeconds(30);

    private static AccessServiceGrpc.AccessServiceBlockingStub access(String token) {
        return AccessServiceGrpc.newBlockingStub(GrpcClients.channel()).withDeadlineAfter(DEADLINE)
                .withCallCredentials(GrpcClients.bearer(token));
    }

    private static InventoryServiceGrpc.InventoryServiceBlockingStub inventory(String token) {
        return InventoryServiceGrpc.newBlockingStub(GrpcClients.channel()).withDeadlineAfter(DEADLINE)
                .withCallCredentials(GrpcClients.bearer(token));
    }

    private static Status.Code codeOf(Runnable call) {
        try {
            call.run();
            return Status.Code.OK;
        } catch (StatusRuntimeException e) {
            return e.getStatus().getCode();
        }
    }

    private static CreateApiKeyResponse createKey(String adminToken, String name, Role role) {
        return access(adminToken).createApiKey(CreateApiKeyRequest.newBuilder().setName(name).setRole(role).build());
    }

    private static Status.Code reads(String token) {
        return codeOf(() -> inventory(token).listSites(ListSitesRequest.getDefaultInstance()));
    }

    private static Status.Code mutates(String token) {
        return codeOf(() -> inventory(token).createSite(CreateSiteRequest.newBuilder()
                .setName("site-" + System.nanoTime()).build()));
    }

    private static Status.Code managesAccess(String token) {
        return codeOf(() -> access(token).listApiKeys(ListApiKeysRequest.getDefaultInstance()));
    }

    private static Timestamp in(Duration d) {
        Instant t = Instant.now().plus(d);
        return Timestamp.newBuilder().setSeconds(t.getEpochSecond()).setNanos(t.getNano()).build();
    }

    private static long keyRows(TestFleet fleet) {
        return fleet.count("SELECT count(*) FROM api_key WHERE org_id = ?", fleet.org.orgId());
    }

    @Test
    void viewerAndOperatorKeysCreatedByAnAdminWorkWithExactlyTheirRoles() {
        TestFleet fleet = new TestFleet("access-roles");
        String admin = fleet.org.adminKey();

        CreateApiKeyResponse viewer = createKey(admin, "dashboard", Role.ROLE_VIEWER);
        CreateApiKeyResponse operator = createKey(admin, "automation", Role.ROLE_OPERATOR);

        assertThat(viewer.getToken()).startsWith("fk_" + viewer.getKey().getKeyId() + "_");
        assertThat(viewer.getKey().getRole()).isEqualTo(Role.ROLE_VIEWER);
        assertThat(viewer.getKey().getUserId()).as("default: the caller's user").isEqualTo(fleet.org.adminUserId().toString());
        assertThat(viewer.getKey().getActive()).isTrue();
        assertThat(viewer.getKey().hasExpireTime()).isFalse();

        assertThat(reads(viewer.getToken())).isEqualTo(Status.Code.OK);
        assertThat(mutates(viewer.getToken())).isEqualTo(Status.Code.PERMISSION_DENIED);
        assertThat(managesAccess(viewer.getToken())).isEqualTo(Status.Code.PERMISSION_DENIED);

        assertThat(reads(operator.getToken())).isEqualTo(Status.Code.OK);
        assertThat(mutates(operator.getToken())).isEqualTo(Status.Code.OK);
        assertThat(managesAccess(operator.getToken())).isEqualTo(Status.Code.PERMISSION_DENIED);
        assertThat(codeOf(() -> createKey(operator.getToken(), "escalate", Role.ROLE_ADMIN)))
                .isEqualTo(Status.Code.PERMISSION_DENIED);

        assertThat(fleet.activityRows("api_key_created")).isEqualTo(2);
        String metadata = fleet.lastActivityMetadata("api_key_created");
        assertThat(metadata).contains(operator.getKey().getKeyId(), "automation", "OPERATOR")
                .doesNotContain(secret(operator.getToken()));
        assertThat(fleet.count("SELECT count(*) FROM activity_log WHERE org_id = ? AND type = 'api_key_created'"
                + " AND actor_type = 'api_key' AND actor_id = ?", fleet.org.orgId(), fleet.org.adminKeyId())).isEqualTo(2);
    }

    @Test
    void aRevokedKeyIsRefusedOnItsNextCallAndARepeatedRevocationChangesNothing() {
        TestFleet fleet = new TestFleet("access-revoke");
        CreateApiKeyResponse key = createKey(fleet.org.adminKey(), "ci", Role.ROLE_OPERATOR);
        assertThat(mutates(key.getToken())).isEqualTo(Status.Code.OK);

        ApiKey revoked = access(fleet.org.adminKey()).revokeApiKey(RevokeApiKeyRequest.newBuilder()
                .setKeyId(key.getKey().getKeyId()).build());

        assertThat(revoked.hasRevokeTime()).isTrue();
        assertThat(revoked.getActive()).isFalse();
        var refused = failure(() -> inventory(key.getToken()).listSites(ListSitesRequest.getDefaultInstance()));
        assertThat(refused.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
        assertThat(fleet.activityRows("api_key_revoked")).isEqualTo(1);
        assertThat(fleet.lastActivityMetadata("api_key_revoked")).contains(key.getKey().getKeyId());

        ApiKey again = access(fleet.org.adminKey()).revokeApiKey(RevokeApiKeyRequest.newBuilder()
                .setKeyId(key.getKey().getKeyId()).build());
        assertThat(again.getRevokeTime()).isEqualTo(revoked.getRevokeTime());
        assertThat(fleet.activityRows("api_key_revoked")).isEqualTo(1);
    }

    @Test
    void anExpiredKeyIsRefusedAsExpired() {
        TestFleet fleet = new TestFleet("access-expiry");
        CreateApiKeyResponse key = access(fleet.org.adminKey()).createApiKey(CreateApiKeyRequest.newBuilder()
                .setName("temp").setRole(Role.ROLE_VIEWER).setExpireTime(in(Duration.ofHours(1))).build());
        assertThat(key.getKey().hasExpireTime()).isTrue();
        assertThat(reads(key.getToken())).isEqualTo(Status.Code.OK);

        fleet.update("UPDATE api_key SET expires_at = now() - interval '1 second' WHERE key_id = ?", key.getKey().getKeyId());

        var refused = failure(() -> inventory(key.getToken()).listSites(ListSitesRequest.getDefaultInstance()));
        assertThat(refused.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
        assertThat(refused.getStatus().getDescription()).contains("expired");
        ApiKey listed = access(fleet.org.adminKey()).listApiKeys(ListApiKeysRequest.newBuilder().setIncludeInactive(true)
                .build()).getKeysList().stream().filter(k -> k.getKeyId().equals(key.getKey().getKeyId())).findFirst()
                .orElseThrow();
        assertThat(listed.getActive()).isFalse();
        assertThat(access(fleet.org.adminKey()).listApiKeys(ListApiKeysRequest.getDefaultInstance()).getKeysList())
                .extracting(ApiKey::getKeyId).as("active keys only by default").doesNotContain(key.getKey().getKeyId());
    }

    @Test
    void rotationIssuesANewKeyAndTheOldOneWorksUntilTheEndOfItsGracePeriod() {
        TestFleet fleet = new TestFleet("access-rotate");
        String admin = fleet.org.adminKey();
        CreateApiKeyResponse old = createKey(admin, "exporter", Role.ROLE_OPERATOR);

        RotateApiKeyResponse rotated = access(admin).rotateApiKey(RotateApiKeyRequest.newBuilder()
                .setKeyId(old.getKey().getKeyId()).build());

        ApiKey fresh = rotated.getNewKey();
        assertThat(fresh.getKeyId()).isNotEqualTo(old.getKey().getKeyId());
        assertThat(fresh.getName()).isEqualTo("exporter");
        assertThat(fresh.getRole()).isEqualTo(Role.ROLE_OPERATOR);
        assertThat(rotated.getToken()).startsWith("fk_" + fresh.getKeyId() + "_");
        assertThat(rotated.getOldKey().getReplacedByKeyId()).isEqualTo(fresh.getKeyId());
        long graceEnd = rotated.getOldKey().getExpireTime().getSeconds();
        long expected = Instant.now().plus(Duration.ofHours(24)).getEpochSecond();
        assertThat(graceEnd).as("default grace: 24 h").isBetween(expected - 120, expected + 120);

        assertThat(mutates(rotated.getToken())).isEqualTo(Status.Code.OK);
        assertThat(mutates(old.getToken())).as("within the grace period").isEqualTo(Status.Code.OK);
        assertThat(fleet.activityRows("api_key_rotated")).isEqualTo(1);
        assertThat(fleet.lastActivityMetadata("api_key_rotated")).contains("\"grace_seconds\": 86400",
                old.getKey().getKeyId(), fresh.getKeyId()).doesNotContain(secret(rotated.getToken()));

        var twice = failure(() -> access(admin).rotateApiKey(RotateApiKeyRequest.newBuilder()
                .setKeyId(old.getKey().getKeyId()).build()));
        assertThat(twice.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
        assertThat(Errors.info(twice).orElseThrow().getReason()).isEqualTo("KEY_ALREADY_ROTATED");

        fleet.update("UPDATE api_key SET expires_at = now() - interval '1 second' WHERE key_id = ?", old.getKey().getKeyId());
        assertThat(reads(old.getToken())).as("after the grace period").isEqualTo(Status.Code.UNAUTHENTICATED);
        assertThat(mutates(rotated.getToken())).isEqualTo(Status.Code.OK);

        var expired = failure(() -> access(admin).rotateApiKey(RotateApiKeyRequest.newBuilder()
                .setKeyId(old.getKey().getKeyId()).build()));
        assertThat(Errors.info(expired).orElseThrow().getReason()).isEqualTo("KEY_NOT_ACTIVE");
    }

    @Test
    void aZeroGracePeriodEndsTheOldKeyAtOnceAndTheGraceIsBounded() {
        TestFleet fleet = new TestFleet("access-grace");
        String admin = fleet.org.adminKey();
        CreateApiKeyResponse old = createKey(admin, "leaked", Role.ROLE_VIEWER);
        long keys = keyRows(fleet);

        var tooLong = failure(() -> access(admin).rotateApiKey(RotateApiKeyRequest.newBuilder()
                .setKeyId(old.getKey().getKeyId()).setGracePeriodSeconds(604_801).build()));
        assertThat(fields(tooLong)).containsExactly("grace_period_seconds");
        assertThat(keyRows(fleet)).isEqualTo(keys);

        RotateApiKeyResponse rotated = access(admin).rotateApiKey(RotateApiKeyRequest.newBuilder()
                .setKeyId(old.getKey().getKeyId()).setGracePeriodSeconds(0).build());

        assertThat(reads(old.getToken())).isEqualTo(Status.Code.UNAUTHENTICATED);
        assertThat(reads(rotated.getToken())).isEqualTo(Status.Code.OK);
    }

    @Test
    void theLastActiveAdminKeyIsNeverRevoked() {
        TestFleet fleet = new TestFleet("access-last-admin");
        String bootstrapKey = fleet.org.adminKey();
        String bootstrapId = fleet.org.adminKeyId();

        var refused = failure(() -> access(bootstrapKey).revokeApiKey(RevokeApiKeyRequest.newBuilder()
                .setKeyId(bootstrapId).build()));
        assertThat(refused.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
        assertThat(refused.getStatus().getDescription()).contains("last active ADMIN key");
        assertThat(Errors.info(refused).orElseThrow().getReason()).isEqualTo("LAST_ADMIN_KEY");
        assertThat(fleet.activityRows("api_key_revoked")).isZero();
        assertThat(reads(bootstrapKey)).isEqualTo(Status.Code.OK);

        // a second admin key makes the first revocable, and is then the last one
        CreateApiKeyResponse second = createKey(bootstrapKey, "break-glass", Role.ROLE_ADMIN);
        access(second.getToken()).revokeApiKey(RevokeApiKeyRequest.newBuilder().setKeyId(bootstrapId).build());
        var last = failure(() -> access(second.getToken()).revokeApiKey(RevokeApiKeyRequest.newBuilder()
                .setKeyId(second.getKey().getKeyId()).build()));
        assertThat(Errors.info(last).orElseThrow().getReason()).isEqualTo("LAST_ADMIN_KEY");

        // a rotated-out key does not count: its replacement is the last one
        RotateApiKeyResponse rotated = access(second.getToken()).rotateApiKey(RotateApiKeyRequest.newBuilder()
                .setKeyId(second.getKey().getKeyId()).build());
        var replacement = failure(() -> access(rotated.getToken()).revokeApiKey(RevokeApiKeyRequest.newBuilder()
                .setKeyId(rotated.getNewKey().getKeyId()).build()));
        assertThat(Errors.info(replacement).orElseThrow().getReason()).isEqualTo("LAST_ADMIN_KEY");
        // while the rotated-out key itself may go early
        access(rotated.getToken()).revokeApiKey(RevokeApiKeyRequest.newBuilder()
                .setKeyId(second.getKey().getKeyId()).build());
        assertThat(reads(second.getToken())).isEqualTo(Status.Code.UNAUTHENTICATED);
        assertThat(reads(rotated.getToken())).isEqualTo(Status.Code.OK);
    }

    @Test
    void concurrentRevocationsOfTheLastTwoAdminKeysLeaveOne() throws Exception {
        for (int round = 0; round < 5; round++) {
            TestFleet fleet = new TestFleet("access-race");
            String a = fleet.org.adminKey();
            String aId = fleet.org.adminKeyId();
            CreateApiKeyResponse b = createKey(a, "second-admin", Role.ROLE_ADMIN);
            CyclicBarrier start = new CyclicBarrier(2);
            ExecutorService two = Executors.newFixedThreadPool(2);
            List<Status.Code> outcomes;
            try {
                // an admin session (which is no key) revokes both keys at the same moment
                String session = fleet.adminSessionToken();
                CompletableFuture<Status.Code> revokeA = CompletableFuture.supplyAsync(() -> await(start, () -> codeOf(() ->
                        access(session).revokeApiKey(RevokeApiKeyRequest.newBuilder().setKeyId(aId).build()))), two);
                CompletableFuture<Status.Code> revokeB = CompletableFuture.supplyAsync(() -> await(start, () -> codeOf(() ->
                        access(session).revokeApiKey(RevokeApiKeyRequest.newBuilder().setKeyId(b.getKey().getKeyId())
                                .build()))), two);
                outcomes = List.of(revokeA.get(60, TimeUnit.SECONDS), revokeB.get(60, TimeUnit.SECONDS));
            } finally {
                two.shutdownNow();
            }

            assertThat(outcomes).as("round " + round).containsExactlyInAnyOrder(Status.Code.OK,
                    Status.Code.FAILED_PRECONDITION);
            assertThat(fleet.count("SELECT count(*) FROM api_key WHERE org_id = ? AND role = 'ADMIN'"
                    + " AND revoked_at IS NULL", fleet.org.orgId())).isEqualTo(1);
            assertThat(fleet.activityRows("api_key_revoked")).isEqualTo(1);
        }
    }

    private static <T> T await(CyclicBarrier barrier, java.util.function.Supplier<T> then) {
        try {
            barrier.await(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return then.get();
    }

    @Test
    void onlyAdminsManageAccessAndARefusalWritesNothing() {
        TestFleet fleet = new TestFleet("access-non-admin");
        long keys = keyRows(fleet);
        long activity = fleet.activityRows();
        for (String token : List.of(fleet.org.operatorKey(), fleet.org.viewerKey(), fleet.operatorSessionToken())) {
            var a = access(token);
            assertThat(codeOf(() -> a.createUser(CreateUserRequest.newBuilder().setEmail("x@example.com")
                    .setRole(Role.ROLE_VIEWER).build()))).isEqualTo(Status.Code.PERMISSION_DENIED);
            assertThat(codeOf(() -> a.listUsers(ListUsersRequest.getDefaultInstance()))).isEqualTo(Status.Code.PERMISSION_DENIED);
            assertThat(codeOf(() -> a.createApiKey(CreateApiKeyRequest.newBuilder().setName("k").setRole(Role.ROLE_VIEWER)
                    .build()))).isEqualTo(Status.Code.PERMISSION_DENIED);
            assertThat(codeOf(() -> a.listApiKeys(ListApiKeysRequest.getDefaultInstance()))).isEqualTo(Status.Code.PERMISSION_DENIED);
            assertThat(codeOf(() -> a.revokeApiKey(RevokeApiKeyRequest.newBuilder().setKeyId(fleet.org.adminKeyId())
                    .build()))).isEqualTo(Status.Code.PERMISSION_DENIED);
            assertThat(codeOf(() -> a.rotateApiKey(RotateApiKeyRequest.newBuilder().setKeyId(fleet.org.adminKeyId())
                    .build()))).isEqualTo(Status.Code.PERMISSION_DENIED);
        }
        assertThat(codeOf(() -> AccessServiceGrpc.newBlockingStub(GrpcClients.channel()).withDeadlineAfter(DEADLINE)
                .listApiKeys(ListApiKeysRequest.getDefaultInstance())))
                .isEqualTo(Status.Code.UNAUTHENTICATED);
        assertThat(keyRows(fleet)).isEqualTo(keys);
        assertThat(fleet.activityRows()).isEqualTo(activity);
        // an admin session manages access like an admin key; its keys belong to the session's user
        CreateApiKeyResponse bySession = access(fleet.adminSessionToken()).createApiKey(CreateApiKeyRequest.newBuilder()
                .setName("from-console").setRole(Role.ROLE_VIEWER).build());
        assertThat(bySession.getKey().getUserId()).isEqualTo(fleet.org.adminUserId().toString());
        assertThat(fleet.count("SELECT count(*) FROM activity_log WHERE org_id = ? AND type = 'api_key_created'"
                + " AND actor_type = 'user'", fleet.org.orgId())).isEqualTo(1);
    }

    @Test
    void anotherOrganizationsUsersAndKeysAreNotFound() {
        TestFleet mine = new TestFleet("access-mine");
        TestFleet theirs = new TestFleet("access-theirs");
        CreateApiKeyResponse theirKey = createKey(theirs.org.adminKey(), "theirs", Role.ROLE_VIEWER);
        String admin = mine.org.adminKey();
        long theirKeys = keyRows(theirs);
        long theirActivity = theirs.activityRows();

        for (String keyId : List.of(theirKey.getKey().getKeyId(), theirs.org.adminKeyId(), "nosuchkey0000000")) {
            var revoke = failure(() -> access(admin).revokeApiKey(RevokeApiKeyRequest.newBuilder().setKeyId(keyId).build()));
            assertThat(revoke.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
            assertThat(Errors.info(revoke).orElseThrow().getMetadataMap()).containsEntry("resource", "api key");
            var rotate = failure(() -> access(admin).rotateApiKey(RotateApiKeyRequest.newBuilder().setKeyId(keyId).build()));
            assertThat(rotate.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
        }
        var foreignUser = failure(() -> access(admin).createApiKey(CreateApiKeyRequest.newBuilder().setName("x")
                .setRole(Role.ROLE_VIEWER).setUserId(theirs.org.viewerUserId().toString()).build()));
        assertThat(foreignUser.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
        assertThat(Errors.info(foreignUser).orElseThrow().getMetadataMap()).containsEntry("resource", "user");

        assertThat(access(admin).listApiKeys(ListApiKeysRequest.newBuilder().setIncludeInactive(true).build()).getKeysList())
                .extracting(ApiKey::getKeyId).doesNotContain(theirKey.getKey().getKeyId(), theirs.org.adminKeyId());
        assertThat(access(admin).listUsers(ListUsersRequest.getDefaultInstance()).getUsersList())
                .extracting(User::getUserId).doesNotContain(theirs.org.viewerUserId().toString());
        assertThat(reads(theirKey.getToken())).isEqualTo(Status.Code.OK);
        assertThat(keyRows(theirs)).isEqualTo(theirKeys);
        assertThat(theirs.activityRows()).isEqualTo(theirActivity);
    }

    @Test
    void listsNeverCarryASecretAndPageThroughEveryKey() {
        TestFleet fleet = new TestFleet("access-list");
        String admin = fleet.org.adminKey();
        List<String> tokens = new ArrayList<>(List.of(admin, fleet.org.operatorKey(), fleet.org.viewerKey()));
        for (int i = 0; i < 4; i++) {
            tokens.add(createKey(admin, "k" + i, Role.ROLE_VIEWER).getToken());
        }
        tokens.add(access(admin).rotateApiKey(RotateApiKeyRequest.newBuilder().setKeyId(TestFleet.keyId(tokens.get(3)))
                .build()).getToken());

        List<ApiKey> all = new ArrayList<>();
        String page = "";
        do {
            ListApiKeysResponse r = access(admin).listApiKeys(ListApiKeysRequest.newBuilder().setPageSize(3)
                    .setPageToken(page).build());
            String wire = r.toString() + new String(r.toByteArray(), java.nio.charset.StandardCharsets.ISO_8859_1);
            for (String token : tokens) {
                assertThat(wire).doesNotContain(secret(token));
            }
            all.addAll(r.getKeysList());
            page = r.getNextPageToken();
        } while (!page.isEmpty());

        assertThat(all).extracting(ApiKey::getKeyId).hasSize(8).doesNotHaveDuplicates()
                .containsAll(tokens.stream().map(TestFleet::keyId).toList()).isSorted();
        assertThat(all).filteredOn(k -> k.getKeyId().equals(TestFleet.keyId(admin))).first()
                .satisfies(k -> assertThat(k.hasLastUsedTime()).isTrue());
        assertThat(access(admin).listApiKeys(ListApiKeysRequest.newBuilder()
                .setUserId(fleet.org.viewerUserId().toString()).build()).getKeysList()).extracting(ApiKey::getKeyId)
                .containsExactly(TestFleet.keyId(fleet.org.viewerKey()));
        assertThat(fleet.count("SELECT count(*) FROM activity_log WHERE org_id = ? AND (metadata::text LIKE '%fk\\_%'"
                + " OR metadata::text LIKE '%sha256%')", fleet.org.orgId())).isZero();
    }

    @Test
    void usersAreCreatedOnceAndCapTheRolesOfTheirKeys() {
        TestFleet fleet = new TestFleet("access-users");
        String admin = fleet.org.adminKey();

        User user = access(admin).createUser(CreateUserRequest.newBuilder().setEmail("ops@example.com")
                .setRole(Role.ROLE_OPERATOR).build());

        assertThat(user.getRole()).isEqualTo(Role.ROLE_OPERATOR);
        assertThat(user.getDisabled()).isFalse();
        assertThat(fleet.activityRows("user_created")).isEqualTo(1);
        assertThat(fleet.lastActivityMetadata("user_created")).contains(user.getUserId(), "ops@example.com");
        var taken = failure(() -> access(admin).createUser(CreateUserRequest.newBuilder().setEmail("ops@example.com")
                .setRole(Role.ROLE_VIEWER).build()));
        assertThat(taken.getStatus().getCode()).isEqualTo(Status.Code.ALREADY_EXISTS);
        assertThat(Errors.info(taken).orElseThrow().getReason()).isEqualTo("NAME_TAKEN");
        assertThat(fleet.activityRows("user_created")).isEqualTo(1);
        assertThat(access(admin).listUsers(ListUsersRequest.getDefaultInstance()).getUsersList())
                .extracting(User::getEmail).containsExactly("admin@example.com", "operator@example.com",
                        "ops@example.com", "viewer@example.com");

        var above = failure(() -> access(admin).createApiKey(CreateApiKeyRequest.newBuilder().setName("too-much")
                .setRole(Role.ROLE_ADMIN).setUserId(user.getUserId()).build()));
        assertThat(fields(above)).containsExactly("role");
        CreateApiKeyResponse theirs = access(admin).createApiKey(CreateApiKeyRequest.newBuilder().setName("ops-key")
                .setRole(Role.ROLE_OPERATOR).setUserId(user.getUserId()).build());
        assertThat(theirs.getKey().getUserId()).isEqualTo(user.getUserId());
        assertThat(mutates(theirs.getToken())).isEqualTo(Status.Code.OK);
    }

    @Test
    void badInputIsInvalidArgumentNamingEachFieldAndWritesNothing() {
        TestFleet fleet = new TestFleet("access-invalid");
        String admin = fleet.org.adminKey();
        long keys = keyRows(fleet);
        long users = fleet.count("SELECT count(*) FROM app_user WHERE org_id = ?", fleet.org.orgId());
        long activity = fleet.activityRows();

        assertThat(fields(failure(() -> access(admin).createUser(CreateUserRequest.getDefaultInstance()))))
                .containsExactly("email", "role");
        for (String email : List.of("no-at-sign", "two@@example.com", "sp ace@example.com", "a@b\u0001c",
                "x".repeat(250) + "@e.com")) {
            assertThat(fields(failure(() -> access(admin).createUser(CreateUserRequest.newBuilder().setEmail(email)
                    .setRole(Role.ROLE_VIEWER).build())))).as(email).containsExactly("email");
        }
        assertThat(fields(failure(() -> access(admin).createApiKey(CreateApiKeyRequest.newBuilder().setName(" ")
                .setUserId("not-a-uuid").setExpireTime(in(Duration.ofHours(-1))).build()))))
                .containsExactly("name", "role", "user_id", "expire_time");
        assertThat(fields(failure(() -> access(admin).createApiKey(CreateApiKeyRequest.newBuilder().setName("far")
                .setRole(Role.ROLE_VIEWER).setExpireTime(in(Duration.ofDays(731))).build()))))
                .containsExactly("expire_time");
        assertThat(fields(failure(() -> access(admin).createApiKey(CreateApiKeyRequest.newBuilder().setName("n".repeat(129))
                .setRole(Role.ROLE_VIEWER).build())))).containsExactly("name");
        assertThat(fields(failure(() -> access(admin).createApiKey(CreateApiKeyRequest.newBuilder().setName("bad-time")
                .setRole(Role.ROLE_VIEWER).setExpireTime(Timestamp.newBuilder().setSeconds(Long.MAX_VALUE)).build()))))
                .containsExactly("expire_time");
        var token = failure(() -> access(admin).revokeApiKey(RevokeApiKeyRequest.newBuilder()
                .setKeyId(fleet.org.operatorKey()).build()));
        assertThat(fields(token)).containsExactly("key_id");
        assertThat(token.getStatus().getDescription()).doesNotContain(secret(fleet.org.operatorKey()));
        assertThat(fields(failure(() -> access(admin).revokeApiKey(RevokeApiKeyRequest.getDefaultInstance()))))
                .containsExactly("key_id");
        assertThat(fields(failure(() -> access(admin).rotateApiKey(RotateApiKeyRequest.newBuilder().setKeyId("UPPER")
                .build())))).containsExactly("key_id");
        assertThat(fields(failure(() -> access(admin).listApiKeys(ListApiKeysRequest.newBuilder().setUserId("x")
                .build())))).containsExactly("user_id");
        assertThat(fields(failure(() -> access(admin).listUsers(ListUsersRequest.newBuilder().setPageToken("garbage!")
                .build())))).containsExactly("page_token");

        assertThat(keyRows(fleet)).isEqualTo(keys);
        assertThat(fleet.count("SELECT count(*) FROM app_user WHERE org_id = ?", fleet.org.orgId())).isEqualTo(users);
        assertThat(fleet.activityRows()).isEqualTo(activity);
    }

    @Test
    void bootstrapWritesItsActivityRowAsTheSystem() {
        TestFleet fleet = new TestFleet("access-bootstrap");
        var rows = fleet.rows("SELECT actor_type, actor_id, metadata::text AS metadata FROM activity_log"
                + " WHERE org_id = ? AND type = 'organization_bootstrapped'", fleet.org.orgId());
        assertThat(rows).hasSize(1);
        assertThat(rows.get(0)).containsEntry("actor_type", "system").containsEntry("actor_id", "bootstrap");
        assertThat(rows.get(0).get("metadata").toString()).contains(fleet.org.adminKeyId(),
                fleet.org.adminUserId().toString()).doesNotContain(secret(fleet.org.adminKey()));
    }

    /** The secret part of a token fk_<key-id>_<secret>. */
    private static String secret(String token) {
        return token.substring(token.lastIndexOf('_') + 1);
    }
}
