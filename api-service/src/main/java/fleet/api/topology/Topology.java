package fleet.api.topology;

import fleet.api.app.ActivityLog;
import fleet.api.app.UniqueViolation;
import fleet.api.auth.Caller;
import fleet.api.error.ApiErrors;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The topology use cases: sites, buildings, racks and device groups, edited one at a time through their entities.
 * Every creation is ONE transaction: the parent's lookup in the caller's organization (NOT_FOUND when absent), the
 * insert, flushed so a taken name fails here (ALREADY_EXISTS / NAME_TAKEN), and the activity row on the same session.
 */
@ApplicationScoped
public class Topology {

    @Inject
    SiteRepository sites;

    @Inject
    BuildingRepository buildings;

    @Inject
    RackRepository racks;

    @Inject
    DeviceGroupRepository groups;

    public Uni<Site> createSite(Caller caller, String name) {
        return create(caller, "site", name, () -> sites.persistAndFlush(new Site(caller.orgId(), name)),
                "site_created", s -> new JsonObject().put("site_id", s.getId().toString()).put("name", name));
    }

    public Uni<Building> createBuilding(Caller caller, UUID siteId, String name) {
        return create(caller, "building", name, () -> sites.findInOrg(caller.orgId(), siteId)
                        .onItem().ifNull().failWith(() -> ApiErrors.notFound("site", List.of(siteId.toString())))
                        .chain(site -> buildings.persistAndFlush(new Building(site, name))),
                "building_created", b -> new JsonObject().put("building_id", b.getId().toString()));
    }

    public Uni<Rack> createRack(Caller caller, UUID buildingId, String name) {
        return create(caller, "rack", name, () -> buildings.findInOrg(caller.orgId(), buildingId)
                        .onItem().ifNull().failWith(() -> ApiErrors.notFound("building", List.of(buildingId.toString())))
                        .chain(building -> racks.persistAndFlush(new Rack(building, name))),
                "rack_created", r -> new JsonObject().put("rack_id", r.getId().toString()));
    }

    public Uni<DeviceGroup> createGroup(Caller caller, String name) {
        return create(caller, "group", name, () -> groups.persistAndFlush(new DeviceGroup(caller.orgId(), name)),
                "group_created", g -> new JsonObject().put("group_id", g.getId().toString()));
    }

    /** Sites ordered by name, after {@code afterName} (null: from the first). */
    public Uni<List<Site>> sites(Caller caller, String afterName, int limit) {
        return Panache.withSession(() -> sites.pageByName(caller.orgId(), afterName, limit));
    }

    /** Buildings ordered by id, of one site when {@code siteId} is set. */
    public Uni<List<Building>> buildings(Caller caller, UUID siteId, UUID afterId, int limit) {
        return Panache.withSession(() -> buildings.pageById(caller.orgId(), siteId, afterId, limit));
    }

    /** Racks ordered by id, of one building when {@code buildingId} is set. */
    public Uni<List<Rack>> racks(Caller caller, UUID buildingId, UUID afterId, int limit) {
        return Panache.withSession(() -> racks.pageById(caller.orgId(), buildingId, afterId, limit));
    }

    /** Device groups ordered by name, after {@code afterName} (null: from the first). */
    public Uni<List<DeviceGroup>> groups(Caller caller, String afterName, int limit) {
        return Panache.withSession(() -> groups.pageByName(caller.orgId(), afterName, limit));
    }

    private static <E> Uni<E> create(Caller caller, String resource, String name, Supplier<Uni<E>> insert,
            String activityType, Function<E, JsonObject> activity) {
        return Panache.withTransaction(() -> insert.get()
                        .call(entity -> Panache.getSession().chain(session -> ActivityLog.record(session, caller,
                                activityType, null, null, activity.apply(entity)))))
                .onFailure().transform(e -> nameTaken(e, resource, name));
    }

    private static Throwable nameTaken(Throwable e, String resource, String name) {
        if (UniqueViolation.in(e)) {
            return ApiErrors.nameTaken(resource, name);
        }
        return e;
    }
}
