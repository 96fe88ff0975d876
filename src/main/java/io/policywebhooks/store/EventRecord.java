package io.policywebhooks.store;

import java.time.Instant;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * One delivery as it goes into the events table.
 *
 * @param eventId    the table key: {@code <provider>#<event id or sha256:…>}
 * @param type       the provider's event type, or {@code unknown}
 * @param objectType null when unknown
 * @param objectId   null when the event names no object
 * @param createdAt  the provider's event time, null when it sends none
 * @param rawBody    the body exactly as received
 * @param payload    the parsed JSON, null when the body is not JSON
 * @param extra      provider-specific attributes (e.g. {@code is_test})
 */
public record EventRecord(String eventId, String provider, String type, String objectType, String objectId,
        Instant createdAt, Instant receivedAt, byte[] rawBody, JsonNode payload,
        Map<String, AttributeValue> extra) {
}
