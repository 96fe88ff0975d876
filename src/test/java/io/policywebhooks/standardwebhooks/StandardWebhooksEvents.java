package io.policywebhooks.standardwebhooks;

import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import io.policywebhooks.store.Attributes;
import io.policywebhooks.store.EventRecord;
import io.policywebhooks.store.StateUpdate;
import io.policywebhooks.provider.Delivery;
import io.policywebhooks.provider.Headers;
import io.policywebhooks.provider.JsonFields;

/**
 * {@code {"type": "policy.<status>", "timestamp": "<ISO-8601>", "data": {"id": …}}}: a policy state ordered by the
 * body's timestamp. The event key is {@code webhook-id}, which this scheme signs.
 */
final class StandardWebhooksEvents {
    static final String PROVIDER = "standard-webhooks";

    private StandardWebhooksEvents() {
    }

    static Delivery map(byte[] rawBody, JsonNode json, Headers headers, Instant receivedAt) {
        JsonNode root = json != null && json.isObject() ? json : null;
        String type = JsonFields.text(root, "type");
        type = type == null ? Delivery.UNKNOWN_TYPE : type;
        JsonNode data = root == null ? null : root.get("data");
        String objectId = JsonFields.text(data, "id");
        Instant at = Attributes.instant(root == null ? null : root.get("timestamp"));
        String id = headers.get(StandardWebhooksVerifier.ID_HEADER);
        String eventId = PROVIDER + "#" + (id != null && !id.isBlank() && id.length() <= 256 ? id
                : Delivery.bodyKey(rawBody));
        EventRecord event = new EventRecord(eventId, PROVIDER, type, type.contains(".") ? type.substring(0,
                type.indexOf('.')) : null, objectId, at, receivedAt, rawBody, json, Map.of(), null);
        if (objectId == null || !type.startsWith("policy.")) {
            return new Delivery(event, List.of());
        }
        Map<String, Object> state = StateUpdate.attributes(PROVIDER,
                type.substring("policy.".length()).toUpperCase(Locale.ROOT), type, eventId, at != null ? at : receivedAt);
        String orderKey = at == null ? StateUpdate.LOWEST : StateUpdate.zeroPadded(at.toEpochMilli(), 15) + "#" + eventId;
        return new Delivery(event, List.of(new StateUpdate(StateUpdate.Kind.POLICY, objectId, null, orderKey, state)));
    }
}
