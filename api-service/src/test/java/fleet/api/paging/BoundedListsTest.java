package fleet.api.paging;

import static fleet.api.Errors.failure;
import static fleet.api.Errors.fields;
import static fleet.api.TestFleet.identifier;
import static org.assertj.core.api.Assertions.assertThat;

import fleet.api.TestFleet;
import fleet.api.grpc.ActivityGrpcService;
import fleet.curtailment.v1.ActivityEntry;
import fleet.curtailment.v1.CommandBatch;
import fleet.curtailment.v1.CurtailmentEvent;
import fleet.curtailment.v1.DeviceIdentifierList;
import fleet.curtailment.v1.DeviceSelector;
import fleet.curtailment.v1.GetCommandBatchRequest;
import fleet.curtailment.v1.ListActiveCurtailmentsRequest;
import fleet.curtailment.v1.ListActiveCurtailmentsResponse;
import fleet.curtailment.v1.ListActivityRequest;
import fleet.curtailment.v1.ListActivityResponse;
import fleet.curtailment.v1.ListCurtailmentEventsRequest;
import fleet.curtailment.v1.ListSitesRequest;
import fleet.curtailment.v1.OperatorCommand;
import fleet.curtailment.v1.RebootRequest;
import fleet.testsupport.PostgresTestResource;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.function.Function;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Lists that used to answer everything at once page now, page tokens are the server's own and the caller's
 * organization's, and ListActivity bounds bytes as well as rows; over real gRPC against real PostgreSQL.
 */
@QuarkusTest
@WithTestResource(value = PostgresTestResource.class, scope = TestResourceScope.GLOBAL)
class BoundedListsTest {

    private static DeviceSelector all(String prefix, int n) {
        return DeviceSelector.newBuilder().setDeviceIdentifiers(DeviceIdentifierList.newBuilder()
                .addAllIdentifiers(IntStream.range(0, n).mapToObj(i -> identifier(prefix, i)).toList())).build();
    }

    @Test
    void getCommandBatchPagesAndAClientThatDoesNotPageGetsTheFirstPageAndAToken() {
        TestFleet fleet = new TestFleet("bound-batch");
        fleet.addMiners("m", 620, "luxos");
        CommandBatch accepted = fleet.operatorCommands().reboot(RebootRequest.newBuilder().setSelector(all("m", 620))
                .setReason("paging").build());
        assertThat(accepted.getCommandsCount()).isEqualTo(620);
        assertThat(accepted.getNextPageToken()).isEmpty();

        var viewer = fleet.commands(fleet.org.viewerKey());
        CommandBatch first = viewer.getCommandBatch(GetCommandBatchRequest.newBuilder()
                .setBatchId(accepted.getBatchId()).build());
        assertThat(first.getCommandsCount()).isEqualTo(500);
        assertThat(first.getTotalCommands()).isEqualTo(620);
        assertThat(first.getNextPageToken()).isNotEmpty();
        assertThat(first.getType()).isEqualTo(accepted.getType());
        assertThat(first.getCreatedAt()).isEqualTo(accepted.getCreatedAt());

        List<OperatorCommand> read = new ArrayList<>(first.getCommandsList());
        String token = first.getNextPageToken();
        int pages = 1;
        while (!token.isEmpty()) {
            CommandBatch page = viewer.getCommandBatch(GetCommandBatchRequest.newBuilder()
                    .setBatchId(accepted.getBatchId()).setPageSize(45).setPageToken(token).build());
            assertThat(page.getCommandsCount()).isLessThanOrEqualTo(45);
            read.addAll(page.getCommandsList());
            token = page.getNextPageToken();
            pages++;
        }
        assertThat(pages).isEqualTo(1 + 3); // 120 = 45 + 45 + 30
        assertThat(read).containsExactlyElementsOf(accepted.getCommandsList());

        // page_size above the limit is coerced to 1 000: the whole batch, no token
        CommandBatch big = viewer.getCommandBatch(GetCommandBatchRequest.newBuilder()
                .setBatchId(accepted.getBatchId()).setPageSize(5_000).build());
        assertThat(big.getCommandsList()).containsExactlyElementsOf(accepted.getCommandsList());
        assertThat(big.getNextPageToken()).isEmpty();

        // the token is bound to its batch and to its organization
        CommandBatch other = fleet.operatorCommands().reboot(RebootRequest.newBuilder().setSelector(all("m", 2))
                .setReason("other").build());
        StatusRuntimeException e = failure(() -> viewer.getCommandBatch(GetCommandBatchRequest.newBuilder()
                .setBatchId(other.getBatchId()).setPageToken(first.getNextPageToken()).build()));
        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(fields(e)).containsExactly("page_token");
        TestFleet stranger = new TestFleet("bound-batch-stranger");
        StatusRuntimeException foreign = failure(() -> stranger.commands(stranger.org.viewerKey())
                .getCommandBatch(GetCommandBatchRequest.newBuilder().setBatchId(accepted.getBatchId())
                        .setPageToken(first.getNextPageToken()).build()));
        assertThat(foreign.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(fields(foreign)).containsExactly("page_token");
    }

    @Test
    void listActiveCurtailmentsPagesOverTheLiveEventsOnly() {
        TestFleet fleet = new TestFleet("bound-active");
        fleet.addMiners("a", 6, "luxos");
        List<String> live = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            live.add(fleet.curtail(fleet.org.operatorKey(), identifier("a", i)));
        }
        String done = fleet.curtail(fleet.org.operatorKey(), identifier("a", 5));
        fleet.complete(done);

        ListActiveCurtailmentsResponse unpaged = fleet.viewer().listActiveCurtailments(
                ListActiveCurtailmentsRequest.getDefaultInstance());
        assertThat(ids(unpaged.getEventsList())).containsExactlyElementsOf(newestFirst(live));
        assertThat(unpaged.getNextPageToken()).isEmpty();

        List<String> paged = new ArrayList<>();
        String token = "";
        int pages = 0;
        do {
            ListActiveCurtailmentsResponse page = fleet.viewer().listActiveCurtailments(
                    ListActiveCurtailmentsRequest.newBuilder().setPageSize(2).setPageToken(token).build());
            assertThat(page.getEventsCount()).isLessThanOrEqualTo(2);
            paged.addAll(ids(page.getEventsList()));
            token = page.getNextPageToken();
            pages++;
        } while (!token.isEmpty());
        assertThat(pages).isEqualTo(3);
        assertThat(paged).containsExactlyElementsOf(newestFirst(live));

        // a token of ListCurtailmentEvents is not one of ListActiveCurtailments (other filters)
        String eventsToken = fleet.viewer().listCurtailmentEvents(ListCurtailmentEventsRequest.newBuilder()
                .setPageSize(1).build()).getNextPageToken();
        assertThat(eventsToken).isNotEmpty();
        StatusRuntimeException e = failure(() -> fleet.viewer().listActiveCurtailments(
                ListActiveCurtailmentsRequest.newBuilder().setPageToken(eventsToken).build()));
        assertThat(fields(e)).containsExactly("page_token");
    }

    @Test
    void everyListRefusesAForgedOrForeignTokenAsInvalidArgumentNamingIt() {
        TestFleet fleet = new TestFleet("bound-tokens");
        TestFleet stranger = new TestFleet("bound-tokens-stranger");
        for (TestFleet f : List.of(fleet, stranger)) {
            f.addMiners("t", 3, "luxos");
            for (int i = 0; i < 3; i++) {
                f.curtail(f.org.operatorKey(), identifier("t", i));
            }
        }
        String ours = fleet.viewer().listCurtailmentEvents(ListCurtailmentEventsRequest.newBuilder().setPageSize(1)
                .build()).getNextPageToken();
        String payload = ours.substring(0, ours.indexOf('.'));
        String mac = ours.substring(ours.indexOf('.') + 1);
        String unsigned = payload; // the earlier format: the payload alone
        String tampered = Base64.getUrlEncoder().withoutPadding().encodeToString(
                new String(Base64.getUrlDecoder().decode(payload), StandardCharsets.UTF_8)
                        .replace("\"t\":\"2", "\"t\":\"1").getBytes(StandardCharsets.UTF_8)) + "." + mac;
        List<String> bad = List.of(unsigned, tampered, payload + "." + mac.substring(1), ours + "x", "not-a-token",
                "\u0000", ours.repeat(40));

        Function<String, StatusRuntimeException> events = t -> failure(() -> fleet.viewer().listCurtailmentEvents(
                ListCurtailmentEventsRequest.newBuilder().setPageSize(1).setPageToken(t).build()));
        for (String t : bad) {
            StatusRuntimeException e = events.apply(t);
            assertThat(e.getStatus().getCode()).as(t).isEqualTo(Status.Code.INVALID_ARGUMENT);
            assertThat(fields(e)).as(t).containsExactly("page_token");
        }
        // the same token from another organization's caller, same filters
        StatusRuntimeException foreign = failure(() -> stranger.viewer().listCurtailmentEvents(
                ListCurtailmentEventsRequest.newBuilder().setPageSize(1).setPageToken(ours).build()));
        assertThat(foreign.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(fields(foreign)).containsExactly("page_token");
        // and the genuine token works for its own organization
        assertThat(fleet.viewer().listCurtailmentEvents(ListCurtailmentEventsRequest.newBuilder().setPageSize(1)
                .setPageToken(ours).build()).getEventsCount()).isEqualTo(1);

        // the other paged RPCs refuse a foreign token too: activity, inventory
        String activityToken = fleet.viewerActivity().listActivity(ListActivityRequest.newBuilder().setPageSize(1)
                .build()).getNextPageToken();
        assertThat(activityToken).isNotEmpty();
        StatusRuntimeException activity = failure(() -> stranger.viewerActivity().listActivity(
                ListActivityRequest.newBuilder().setPageSize(1).setPageToken(activityToken).build()));
        assertThat(fields(activity)).containsExactly("page_token");
        fleet.update("INSERT INTO site (org_id, name) SELECT ?, 'site-' || g FROM generate_series(1, 3) g",
                fleet.org.orgId());
        String sitesToken = fleet.inventory().listSites(ListSitesRequest.newBuilder().setPageSize(1).build())
                .getNextPageToken();
        assertThat(sitesToken).isNotEmpty();
        StatusRuntimeException sites = failure(() -> stranger.inventory().listSites(
                ListSitesRequest.newBuilder().setPageSize(1).setPageToken(sitesToken).build()));
        assertThat(fields(sites)).containsExactly("page_token");
    }

    @Test
    void listActivityEndsAPageBeforeOneMebibyteWhateverPageSizeAsks() {
        TestFleet fleet = new TestFleet("bound-activity");
        // 40 entries of ~40 kB metadata (1.6 MB), the oldest of them 1.5 MB on its own
        fleet.update("INSERT INTO activity_log (org_id, occurred_at, type, actor_type, actor_id, metadata)"
                + " SELECT ?, now() - make_interval(secs => g), 'bulk_metadata', 'system', 'test',"
                + " jsonb_build_object('n', g, 'blob', repeat('x', CASE WHEN g = 40 THEN 1500000 ELSE 40000 END))"
                + " FROM generate_series(1, 40) g", fleet.org.orgId());

        List<Long> seen = new ArrayList<>();
        List<Integer> pageSizes = new ArrayList<>();
        String token = "";
        do {
            ListActivityResponse page = fleet.viewerActivity().listActivity(ListActivityRequest.newBuilder()
                    .addTypes("bulk_metadata").setPageSize(200).setPageToken(token).build());
            if (page.getEntriesCount() > 1) {
                assertThat(page.getSerializedSize()).isLessThanOrEqualTo(ActivityGrpcService.MAX_RESPONSE_BYTES);
            }
            page.getEntriesList().stream().map(ActivityEntry::getMetadata)
                    .forEach(m -> seen.add((long) m.getFieldsOrThrow("n").getNumberValue()));
            pageSizes.add(page.getEntriesCount());
            token = page.getNextPageToken();
        } while (!token.isEmpty());

        assertThat(seen).containsExactlyElementsOf(IntStream.rangeClosed(1, 40).mapToObj(i -> (long) i).toList());
        // 1 MiB holds 26 entries of 40 kB; the 1.5 MB entry comes alone
        assertThat(pageSizes).containsExactly(26, 13, 1);
    }

    private static List<String> newestFirst(List<String> ids) {
        List<String> out = new ArrayList<>(ids);
        java.util.Collections.reverse(out);
        return out;
    }

    private static List<String> ids(List<CurtailmentEvent> events) {
        return events.stream().map(CurtailmentEvent::getEventId).toList();
    }
}
