package fleet.api.curtailment;

import static org.assertj.core.api.Assertions.assertThat;

import fleet.api.Errors;
import fleet.api.TestFleet;
import fleet.curtailment.v1.CurtailmentEvent;
import fleet.curtailment.v1.CurtailmentEventState;
import fleet.curtailment.v1.ListCurtailmentEventsRequest;
import fleet.curtailment.v1.ListCurtailmentEventsResponse;
import fleet.testsupport.PostgresTestResource;
import io.grpc.Status;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.Test;

/** ListCurtailmentEvents: newest first, AIP-158 paging bound to the filter. */
@QuarkusTest
@WithTestResource(value = PostgresTestResource.class, scope = TestResourceScope.GLOBAL)
class ListEventsTest {

    @Test
    void oneHundredTwentyEventsPageAsFiftyFiftyTwentyWithoutDuplicatesOrGaps() {
        TestFleet fleet = new TestFleet("list-events");
        fleet.update("INSERT INTO curtailment_event (org_id, state, mode, level, priority, reason, scope, max_duration_sec,"
                + " candidate_min_power_w, request_fingerprint, source_actor_type, source_actor_id, created_by_user_id,"
                + " idempotency_key, ended_at, created_at)"
                + " SELECT o.id, CASE WHEN g % 3 = 0 THEN 4 ELSE 1 END, 2, 2, 1, 'event ' || g, '{\"kind\":\"whole_org\"}'::jsonb, 3600, 1500, 'x', 'user', 'u',"
                + " (SELECT id FROM app_user WHERE org_id = o.id LIMIT 1), 'key-' || g,"
                + " CASE WHEN g % 3 = 0 THEN now() END, now() - make_interval(secs => g)"
                + " FROM organization o, generate_series(1, 120) g WHERE o.id = ?", fleet.org.orgId());
        var viewer = fleet.curtailment(fleet.org.viewerKey());
        List<Integer> sizes = new ArrayList<>();
        List<CurtailmentEvent> all = new ArrayList<>();
        String token = "";
        ListCurtailmentEventsResponse firstPage = null;
        do {
            var page = viewer.listCurtailmentEvents(ListCurtailmentEventsRequest.newBuilder().setPageSize(50)
                    .setPageToken(token).build());
            if (firstPage == null) {
                firstPage = page;
            }
            sizes.add(page.getEventsCount());
            all.addAll(page.getEventsList());
            token = page.getNextPageToken();
        } while (!token.isEmpty());
        assertThat(sizes).containsExactly(50, 50, 20);
        assertThat(new HashSet<>(all.stream().map(CurtailmentEvent::getEventId).toList())).hasSize(120);
        assertThat(all.get(0).getReason()).isEqualTo("event 1");
        assertThat(all.get(119).getReason()).isEqualTo("event 120");
        assertThat(all).allSatisfy(e -> assertThat(e.getIdempotencyKey()).isEmpty());

        var completed = viewer.listCurtailmentEvents(ListCurtailmentEventsRequest.newBuilder()
                .addStates(CurtailmentEventState.CURTAILMENT_EVENT_STATE_COMPLETED).setPageSize(200).build());
        assertThat(completed.getEventsList()).hasSize(40);

        String reused = firstPage.getNextPageToken();
        var e = Errors.failure(() -> viewer.listCurtailmentEvents(ListCurtailmentEventsRequest.newBuilder().setPageSize(50)
                .addStates(CurtailmentEventState.CURTAILMENT_EVENT_STATE_PENDING).setPageToken(reused).build()));
        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(Errors.fields(e)).containsExactly("page_token");
    }
}
