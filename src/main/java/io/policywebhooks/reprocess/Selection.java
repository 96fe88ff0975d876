package io.policywebhooks.reprocess;

import java.time.Instant;
import java.util.List;

/**
 * Which stored events to reprocess. Every criterion given must hold (AND); none given selects every event.
 *
 * @param provider         the provider's name: events whose {@code event_id} starts with {@code <provider>#} (how
 *                         every event id is formed), or null for all
 * @param type             the stored {@code type}, or null for all
 * @param receivedFrom     the first {@code received_at} included, or null
 * @param receivedUntil    the first {@code received_at} no longer included (exclusive), or null
 * @param eventIds         exact {@code event_id}s; empty for any
 */
public record Selection(String provider, String type, Instant receivedFrom, Instant receivedUntil,
        List<String> eventIds) {

    public Selection {
        eventIds = eventIds == null ? List.of() : List.copyOf(eventIds);
        if (receivedFrom != null && receivedUntil != null && !receivedFrom.isBefore(receivedUntil)) {
            throw new IllegalArgumentException("--from must be before --to");
        }
    }

    /** Every stored event. */
    public static Selection all() {
        return new Selection(null, null, null, null, List.of());
    }

    public Selection withProvider(String name) {
        return new Selection(name, type, receivedFrom, receivedUntil, eventIds);
    }

    public Selection withType(String name) {
        return new Selection(provider, name, receivedFrom, receivedUntil, eventIds);
    }

    public Selection withReceived(Instant from, Instant until) {
        return new Selection(provider, type, from, until, eventIds);
    }

    public Selection withEventIds(List<String> ids) {
        return new Selection(provider, type, receivedFrom, receivedUntil, ids);
    }
}
