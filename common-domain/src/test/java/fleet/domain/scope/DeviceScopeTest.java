package fleet.domain.scope;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import fleet.domain.scope.DeviceScope.Kind;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The scope value and its stored form (the {@code jsonb} of events and schedules, as plain maps and lists). */
class DeviceScopeTest {

    private static final UUID A = UUID.fromString("00000000-0000-0000-0000-00000000000a");
    private static final UUID B = UUID.fromString("00000000-0000-0000-0000-00000000000b");

    @Test
    void storedKindNamesNeverChange() {
        // rows written by earlier releases carry these names: renaming one would make them undecodable
        assertThat(List.of(Kind.values()).stream().map(Kind::wireName)).containsExactly("whole_org", "site_ids",
                "building_ids", "rack_ids", "group_ids", "device_identifiers");
        for (Kind k : Kind.values()) {
            assertThat(Kind.fromWireName(k.wireName())).isEqualTo(k);
        }
        assertThat(List.of(Kind.values()).stream().filter(Kind::isTopology).map(Kind::resource))
                .containsExactly("site", "building", "rack", "group");
        assertThat(Kind.WHOLE_ORG.resource()).isNull();
        assertThat(Kind.DEVICES.resource()).isNull();
    }

    @Test
    void factoriesDropDuplicatesAndSortSoEqualScopesAreEqual() {
        assertThat(DeviceScope.topology(Kind.RACKS, List.of(B, A, B))).isEqualTo(DeviceScope.topology(Kind.RACKS, List.of(A, B)))
                .extracting(DeviceScope::ids).isEqualTo(List.of(A, B));
        assertThat(DeviceScope.devices(List.of("m-2", "m-1", "m-2")).identifiers()).containsExactly("m-1", "m-2");
        assertThat(DeviceScope.wholeOrg().ids()).isEmpty();
        assertThatThrownBy(() -> DeviceScope.topology(Kind.DEVICES, List.of(A))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aScopeHoldsOnlyWhatItsKindNames() {
        assertThatThrownBy(() -> new DeviceScope(null, List.of(), List.of())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new DeviceScope(Kind.DEVICES, List.of(A), List.of("m-1")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new DeviceScope(Kind.SITES, List.of(A), List.of("m-1")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new DeviceScope(Kind.WHOLE_ORG, List.of(A), List.of()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void storedFormIsKindThenItsList() {
        assertThat(DeviceScope.wholeOrg().toMap()).containsExactly(Map.entry("kind", "whole_org"));
        assertThat(DeviceScope.topology(Kind.GROUPS, List.of(B, A)).toMap()).containsExactly(
                Map.entry("kind", "group_ids"), Map.entry("ids", List.of(A.toString(), B.toString())));
        assertThat(DeviceScope.devices(List.of("m-1")).toMap()).containsExactly(
                Map.entry("kind", "device_identifiers"), Map.entry("identifiers", List.of("m-1")));
    }

    @Test
    void everyKindSurvivesTheStoredForm() {
        List<DeviceScope> scopes = List.of(DeviceScope.wholeOrg(), DeviceScope.topology(Kind.SITES, List.of(A)),
                DeviceScope.topology(Kind.BUILDINGS, List.of(A, B)), DeviceScope.topology(Kind.RACKS, List.of(B)),
                DeviceScope.topology(Kind.GROUPS, List.of(A)), DeviceScope.devices(List.of("m-1", "m-2")));
        for (DeviceScope s : scopes) {
            assertThat(DeviceScope.fromMap(s.toMap())).isEqualTo(s);
        }
    }

    @Test
    void decodesListsAsJsonLibrariesHandThemBack() {
        // Vert.x hands back JsonArray, Jackson a List: any Iterable of strings is a list; order is kept as stored
        Map<String, Object> stored = Map.of("kind", "rack_ids", "ids", new ArrayDeque<>(List.of(B.toString(), A.toString())));
        assertThat(DeviceScope.fromMap(stored)).isEqualTo(new DeviceScope(Kind.RACKS, List.of(B, A), List.of()));
    }

    @Test
    void refusesWhatIsNotAStoredScope() {
        assertThatThrownBy(() -> DeviceScope.fromMap(Map.of("kind", "planet_ids"))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("planet_ids");
        assertThatThrownBy(() -> DeviceScope.fromMap(Map.of("ids", List.of(A.toString()))))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> DeviceScope.fromMap(Map.of("kind", "site_ids", "ids", List.of("not-a-uuid"))))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> DeviceScope.fromMap(Map.of("kind", "device_identifiers", "identifiers", List.of(7))))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> DeviceScope.fromMap(Map.of("kind", "device_identifiers", "identifiers", "m-1")))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void missingMembersAreListedInScopeOrder() {
        DeviceScope sites = DeviceScope.topology(Kind.SITES, List.of(B, A));
        assertThat(sites.missingIds(Set.of())).containsExactly(A, B);
        assertThat(sites.missingIds(Set.of(A))).containsExactly(B);
        DeviceScope devices = DeviceScope.devices(List.of("m-3", "m-1", "m-2"));
        assertThat(devices.missingIdentifiers(Set.of("m-2"))).containsExactly("m-1", "m-3");
        assertThat(devices.missingIdentifiers(Set.of("m-1", "m-2", "m-3"))).isEmpty();
    }
}
