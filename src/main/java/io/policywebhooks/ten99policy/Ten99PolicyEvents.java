package io.policywebhooks.ten99policy;

import static io.policywebhooks.store.Tables.*;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import io.policywebhooks.store.Attributes;
import io.policywebhooks.store.EventRecord;
import io.policywebhooks.store.StateUpdate;
import io.policywebhooks.webhook.Delivery;
import io.policywebhooks.webhook.Headers;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Maps a 1099Policy event to what is stored. 1099Policy's docs disagree on the envelope, so both are read: the
 * object directly in {@code data} or in {@code data.object}; times as unix seconds or ISO-8601; the event
 * {@code id} present or not.
 *
 * <p>Ordering: the state guard key is the event's {@code created} time (receipt time when absent), then a rank
 * that breaks same-second ties by lifecycle (active &lt; cancelled &lt; reactivated), then the event id, so the
 * final state does not depend on arrival order.
 */
public final class Ten99PolicyEvents {
    public static final String PROVIDER = "1099policy";
    static final String IDEMPOTENCY_KEY_HEADER = "X-Convoy-Idempotency-Key";
    static final String EVENT_ID_HEADER = "X-Convoy-Event-ID";
    private static final int MAX_ID_CHARS = 256;

    private Ten99PolicyEvents() {
    }

    public static Delivery map(byte[] rawBody, JsonNode json, Headers headers, Instant receivedAt) {
        JsonNode root = json != null && json.isObject() ? json : null;
        String type = text(root, "type");
        if (type == null) {
            type = Delivery.UNKNOWN_TYPE;
        }
        JsonNode object = dataObject(root);
        String objectId = text(object, "id");
        String objectType = objectType(type, object);
        Instant createdAt = root == null ? null : Attributes.instant(root.get("created"));
        String eventId = PROVIDER + "#" + eventKey(root, headers, rawBody);

        EventRecord event = new EventRecord(eventId, PROVIDER, type, objectType, objectId, createdAt, receivedAt,
                rawBody, json, Map.of());
        return new Delivery(event, state(type, object, objectId, eventId, createdAt != null ? createdAt : receivedAt));
    }

    /** The event's own id, else Convoy's delivery headers, else the body hash (a retry re-signs, same body). */
    private static String eventKey(JsonNode root, Headers headers, byte[] rawBody) {
        String id = text(root, "id");
        if (usable(id)) {
            return id;
        }
        String header = headers.get(IDEMPOTENCY_KEY_HEADER);
        if (!usable(header)) {
            header = headers.get(EVENT_ID_HEADER);
        }
        return usable(header) ? header.trim() : Delivery.bodyKey(rawBody);
    }

    private static boolean usable(String id) {
        return id != null && !id.isBlank() && id.length() <= MAX_ID_CHARS;
    }

    private static JsonNode dataObject(JsonNode root) {
        JsonNode data = root == null ? null : root.get("data");
        if (data == null || !data.isObject()) {
            return null;
        }
        JsonNode nested = data.get("object");
        return nested != null && nested.isObject() ? nested : data;
    }

    private static String objectType(String type, JsonNode object) {
        String declared = text(object, "object");
        if (declared != null) {
            return declared;
        }
        int dot = type.indexOf('.');
        String prefix = dot > 0 ? type.substring(0, dot) : null;
        // 1099Policy's table: application.* events carry a session object.
        return "application".equals(prefix) ? "session" : prefix;
    }

    private static StateUpdate state(String type, JsonNode object, String objectId, String eventId, Instant orderAt) {
        if (objectId == null) {
            return null;
        }
        switch (type) {
            case "policy.active":
            case "policy.active.media":
                return policy(object, objectId, "ACTIVE", 1, type, eventId, orderAt);
            case "policy.cancelled":
                return policy(object, objectId, "CANCELLED", 2, type, eventId, orderAt);
            case "policy.reactivated":
                return policy(object, objectId, "ACTIVE", 3, type, eventId, orderAt);
            case "assignment.active":
                return assignment(object, objectId, "ACTIVE", 1, type, eventId, orderAt);
            case "assignment.cancelled":
                return assignment(object, objectId, "CANCELLED", 2, type, eventId, orderAt);
            default:
                return null;
        }
    }

    private static StateUpdate policy(JsonNode object, String id, String status, int rank, String type,
            String eventId, Instant orderAt) {
        Map<String, AttributeValue> item = common(status, type, eventId, orderAt);
        JsonNode active = object.get("is_active");
        if (active != null && active.isBoolean()) {
            item.put("is_active", AttributeValue.fromBool(active.booleanValue()));
        }
        Attributes.putText(item, "quote", object.get("quote"));
        Attributes.putText(item, "pdf_url", object.get("pdf_url"));
        Attributes.putText(item, CONTRACTOR, object.get("contractor"));
        Attributes.putJson(item, "certificates", object.get("certificates"));
        Attributes.putTime(item, "effective_date", object.get("effective_date"));
        Attributes.putTime(item, "expiration_date", object.get("expiration_date"));
        return new StateUpdate(StateUpdate.Kind.POLICY, id, orderKey(orderAt, rank, eventId), item);
    }

    private static StateUpdate assignment(JsonNode object, String id, String status, int rank, String type,
            String eventId, Instant orderAt) {
        Map<String, AttributeValue> item = common(status, type, eventId, orderAt);
        Attributes.putText(item, CONTRACTOR, object.get("contractor"));
        Attributes.putText(item, JOB, object.get("job"));
        Attributes.putText(item, "policy", object.get("policy"));
        Attributes.putJson(item, "certificates", object.get("certificates"));
        Attributes.putTime(item, "effective_date", object.get("effective_date"));
        Attributes.putTime(item, "end_date", object.get("end_date"));
        return new StateUpdate(StateUpdate.Kind.ASSIGNMENT, id, orderKey(orderAt, rank, eventId), item);
    }

    private static Map<String, AttributeValue> common(String status, String type, String eventId, Instant at) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put(PROVIDER_ATTRIBUTE, AttributeValue.fromS(PROVIDER));
        item.put(STATUS, AttributeValue.fromS(status));
        item.put(LAST_EVENT_TYPE, AttributeValue.fromS(type));
        item.put(LAST_EVENT_ID, AttributeValue.fromS(eventId));
        item.put(LAST_EVENT_AT, AttributeValue.fromS(Attributes.iso(at)));
        return item;
    }

    /** Sorts as a string: zero-padded epoch millis, lifecycle rank, event id. */
    static String orderKey(Instant at, int rank, String eventId) {
        return Attributes.zeroPadded(at.toEpochMilli(), 15) + "#" + rank + "#" + eventId; // String.format: ~1 µs
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node == null ? null : node.get(field);
        return value != null && value.isTextual() && !value.textValue().isEmpty() ? value.textValue() : null;
    }
}
