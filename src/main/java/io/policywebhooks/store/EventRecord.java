package io.policywebhooks.store;

import java.time.Instant;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One delivery as it goes into the events table, in plain values (the store alone knows DynamoDB's forms).
 *
 * @param eventId    the table key: {@code <provider>#<event id or sha256:…>}, from signed content only
 * @param type       the provider's event type, or {@code unknown}
 * @param objectType null when unknown
 * @param objectId   null when the event names no object
 * @param createdAt  the provider's event time, null when it sends none or it is unreadable
 * @param rawBody    the body exactly as received
 * @param payload    the parsed JSON, null when the body is not JSON
 * @param extra      provider-specific attributes in plain values (a provider's own fields, its kept headers)
 * @param parseNote  why something the mapping needs could not be read, else null
 */
public record EventRecord(String eventId, String provider, String type, String objectType, String objectId,
        Instant createdAt, Instant receivedAt, byte[] rawBody, JsonNode payload, Map<String, Object> extra,
        String parseNote) {
}
