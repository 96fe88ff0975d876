package io.policywebhooks.store;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * The latest state of one policy or assignment, carried by one event, in plain values.
 *
 * <p>The ordering guard: {@code version}, when this event and the stored state both carry one, decides (higher
 * wins; equal goes on to {@code orderKey}); otherwise {@code orderKey} decides, as a string. The write happens only
 * when this event sorts after the one the state reflects, so re-applying an event changes nothing.
 *
 * @param kind       which table
 * @param id         the item's key value ({@code policy_id} or {@code assignment_id})
 * @param version    the object's version when the event carries one, else null
 * @param orderKey   sorts after the key of every older event; {@link #LOWEST} sorts before every other key
 * @param attributes the attributes to set, in plain values (key, guard and {@code updated_at} excluded)
 */
public record StateUpdate(Kind kind, String id, Long version, String orderKey, Map<String, Object> attributes) {
    public enum Kind {
        POLICY, ASSIGNMENT
    }

    /**
     * The order key of an event whose time is unknown: it can create a state that does not exist yet and never
     * overwrites one: every order key starts with a digit, so each other key sorts after it, and a second
     * LOWEST is not greater than the first.
     */
    public static final String LOWEST = "0";

    /** Whether this event sorts after {@code other}'s by the ordering guard. */
    public boolean sortsAfter(StateUpdate other) {
        return sortsAfter(version, orderKey, other.version, other.orderKey);
    }

    /**
     * The ordering guard as the store's conditions apply it: the versions when both are given and they differ, else
     * the order keys.
     */
    static boolean sortsAfter(Long version, String orderKey, Long otherVersion, String otherOrderKey) {
        if (version != null && otherVersion != null && !version.equals(otherVersion)) {
            return version > otherVersion;
        }
        return orderKey.compareTo(otherOrderKey) > 0;
    }

    /**
     * A new mutable map of the attributes every state carries: {@code provider}, {@code status} and the
     * {@code last_event_*} fields; a provider adds its own.
     */
    public static Map<String, Object> attributes(String provider, String status, String eventType, String eventId,
            Instant eventAt) {
        Map<String, Object> attributes = new HashMap<>();
        attributes.put(Schema.PROVIDER_ATTRIBUTE, provider);
        attributes.put(Schema.STATUS, status);
        attributes.put(Schema.LAST_EVENT_TYPE, eventType);
        attributes.put(Schema.LAST_EVENT_ID, eventId);
        attributes.put(Schema.LAST_EVENT_AT, eventAt);
        return attributes;
    }

    /**
     * {@code value} (non-negative) in decimal, zero-padded to {@code digits}, so such numbers sort as strings: the
     * one number format of order keys ({@code String.format} would cost ~1 µs per event).
     */
    public static String zeroPadded(long value, int digits) {
        if (value < 0) {
            throw new IllegalArgumentException("order key numbers are never negative: " + value);
        }
        String decimal = Long.toString(value);
        return decimal.length() >= digits ? decimal : "0".repeat(digits - decimal.length()) + decimal;
    }
}
