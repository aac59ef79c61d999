package fleet.domain.scope;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

/**
 * Which devices of an organization something applies to: the whole organization, topology ids (sites, buildings,
 * racks or groups) or device identifiers. One value serves a curtailment's scope, a command's selector and a
 * schedule's selector.
 *
 * <p>Stored form ({@code curtailment_event.scope}, {@code schedule.selector}): {@code {"kind": "whole_org"}},
 * {@code {"kind": "site_ids", "ids": [...]}} (likewise {@code building_ids}, {@code rack_ids}, {@code group_ids}) or
 * {@code {"kind": "device_identifiers", "identifiers": [...]}}; {@link #toMap()} and {@link #fromMap} are that form as
 * plain maps and lists, so rows written by any earlier release decode unchanged.
 */
public record DeviceScope(Kind kind, List<UUID> ids, List<String> identifiers) {

    /** The most distinct topology ids one scope may name. */
    public static final int MAX_TOPOLOGY_IDS = 256;
    /** The most distinct device identifiers one scope may list. */
    public static final int MAX_DEVICE_IDENTIFIERS = 10_000;

    private static final String KIND = "kind";
    private static final String IDS = "ids";
    private static final String IDENTIFIERS = "identifiers";

    /** The selector types. {@link #wireName()} is both the contract's field name and the stored {@code kind}. */
    public enum Kind {
        WHOLE_ORG("whole_org", null),
        SITES("site_ids", "site"),
        BUILDINGS("building_ids", "building"),
        RACKS("rack_ids", "rack"),
        GROUPS("group_ids", "group"),
        DEVICES("device_identifiers", null);

        private final String wireName;
        private final String resource;

        Kind(String wireName, String resource) {
            this.wireName = wireName;
            this.resource = resource;
        }

        public String wireName() {
            return wireName;
        }

        /** What a topology id of this kind names ("site", "building", "rack", "group"); null for the others. */
        public String resource() {
            return resource;
        }

        /** True for the kinds that name topology ids. */
        public boolean isTopology() {
            return resource != null;
        }

        public static Kind fromWireName(String wireName) {
            for (Kind k : values()) {
                if (k.wireName.equals(wireName)) {
                    return k;
                }
            }
            throw new IllegalArgumentException("unknown scope kind " + wireName);
        }
    }

    public DeviceScope {
        if (kind == null) {
            throw new IllegalArgumentException("a scope needs a kind");
        }
        ids = List.copyOf(ids);
        identifiers = List.copyOf(identifiers);
        if (!kind.isTopology() && !ids.isEmpty()) {
            throw new IllegalArgumentException("a " + kind.wireName() + " scope has no ids");
        }
        if (kind != Kind.DEVICES && !identifiers.isEmpty()) {
            throw new IllegalArgumentException("a " + kind.wireName() + " scope has no identifiers");
        }
    }

    public static DeviceScope wholeOrg() {
        return new DeviceScope(Kind.WHOLE_ORG, List.of(), List.of());
    }

    /** A topology scope; duplicates dropped and ids sorted, so equal scopes compare (and fingerprint) equally. */
    public static DeviceScope topology(Kind kind, Collection<UUID> ids) {
        if (!kind.isTopology()) {
            throw new IllegalArgumentException(kind.wireName() + " is not a topology kind");
        }
        return new DeviceScope(kind, List.copyOf(new TreeSet<>(ids)), List.of());
    }

    /** A device-identifier scope; duplicates dropped and identifiers sorted. */
    public static DeviceScope devices(Collection<String> identifiers) {
        return new DeviceScope(Kind.DEVICES, List.of(), List.copyOf(new TreeSet<>(identifiers)));
    }

    /** The ids of {@link #ids()} not in {@code found}, in scope order. */
    public List<UUID> missingIds(Set<UUID> found) {
        return ids.stream().filter(id -> !found.contains(id)).toList();
    }

    /** The identifiers of {@link #identifiers()} not in {@code found}, in scope order. */
    public List<String> missingIdentifiers(Set<String> found) {
        return identifiers.stream().filter(id -> !found.contains(id)).toList();
    }

    /** The stored form: kind first, then {@code ids} or {@code identifiers} when not empty. */
    public Map<String, Object> toMap() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put(KIND, kind.wireName());
        if (!ids.isEmpty()) {
            out.put(IDS, ids.stream().map(UUID::toString).toList());
        }
        if (!identifiers.isEmpty()) {
            out.put(IDENTIFIERS, identifiers);
        }
        return out;
    }

    /**
     * Reads the stored form (lists may be any {@link Iterable} of strings, as JSON libraries hand them back).
     *
     * @throws IllegalArgumentException on an unknown kind or a malformed list
     */
    public static DeviceScope fromMap(Map<String, ?> stored) {
        Object kind = stored.get(KIND);
        if (!(kind instanceof String name)) {
            throw new IllegalArgumentException("a stored scope needs a kind, got " + stored);
        }
        List<UUID> ids = new ArrayList<>();
        for (String s : strings(stored.get(IDS))) {
            ids.add(UUID.fromString(s));
        }
        return new DeviceScope(Kind.fromWireName(name), ids, strings(stored.get(IDENTIFIERS)));
    }

    private static List<String> strings(Object list) {
        if (list == null) {
            return List.of();
        }
        if (!(list instanceof Iterable<?> items)) {
            throw new IllegalArgumentException("expected a list, got " + list);
        }
        List<String> out = new ArrayList<>();
        for (Object item : items) {
            if (!(item instanceof String s)) {
                throw new IllegalArgumentException("expected a string, got " + item);
            }
            out.add(s);
        }
        return out;
    }
}
