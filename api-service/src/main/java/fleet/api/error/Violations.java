package fleet.api.error;

import io.grpc.StatusRuntimeException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** Collects every field violation of a request, so one response names all of them. */
public final class Violations {

    private final List<ApiErrors.Violation> list = new ArrayList<>();

    public Violations add(String field, String description) {
        list.add(new ApiErrors.Violation(field, description));
        return this;
    }

    public boolean isEmpty() {
        return list.isEmpty();
    }

    public int size() {
        return list.size();
    }

    public void throwIfAny() {
        if (!list.isEmpty()) {
            throw ApiErrors.invalidArgument(List.copyOf(list));
        }
    }

    public StatusRuntimeException toException() {
        return ApiErrors.invalidArgument(List.copyOf(list));
    }

    /** A UUID field: required or optional; returns null when absent or bad (the violation is recorded). */
    public UUID uuid(String field, String value, boolean required) {
        if (value == null || value.isEmpty()) {
            if (required) {
                add(field, "is required");
            }
            return null;
        }
        try {
            if (value.length() != 36) {
                throw new IllegalArgumentException();
            }
            return UUID.fromString(value);
        } catch (IllegalArgumentException e) {
            add(field, "must be a UUID");
            return null;
        }
    }

    /** Strict uint32 → int32: above 2 147 483 647 is a violation, never saturated. Returns -1 when out of range. */
    public int int32(String field, int wireValue) {
        if (wireValue < 0) {
            add(field, "must be at most 2147483647 (got " + Integer.toUnsignedString(wireValue) + ")");
            return -1;
        }
        return wireValue;
    }

    /** A uint32 within [min, max]; returns the value, or min when out of range (the violation is recorded). */
    public int bounded(String field, int wireValue, int min, int max) {
        int v = int32(field, wireValue);
        if (v < 0) {
            return min;
        }
        if (v < min || v > max) {
            add(field, "must be between " + min + " and " + max + " (got " + v + ")");
            return min;
        }
        return v;
    }

    /** Optional text of at most max characters. */
    public String text(String field, String value, int max) {
        if (value != null && value.length() > max) {
            add(field, "must be at most " + max + " characters");
        }
        return value == null || value.isEmpty() ? null : value;
    }

    /** Required text: 1..max characters, not blank after trim. */
    public String requiredText(String field, String value, int max) {
        if (value == null || value.isBlank()) {
            add(field, "is required and must not be blank");
            return null;
        }
        if (value.length() > max) {
            add(field, "must be at most " + max + " characters");
            return null;
        }
        return value;
    }
}
