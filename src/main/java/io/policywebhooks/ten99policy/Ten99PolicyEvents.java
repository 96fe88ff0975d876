package io.policywebhooks.ten99policy;

import static io.policywebhooks.store.Schema.*;
import static io.policywebhooks.provider.JsonFields.*;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import io.policywebhooks.store.Attributes;
import io.policywebhooks.store.EventRecord;
import io.policywebhooks.store.StateUpdate;
import io.policywebhooks.provider.Delivery;

/**
 * Maps a 1099Policy event to what is stored. 1099Policy's docs disagree on the envelope, so both are read: the
 * object directly in {@code data} or in {@code data.object}; the event {@code id} present or not.
 *
 * <p>Identity comes from signed content only: the body's {@code id}, else the SHA-256 of the raw body (a Convoy
 * retry re-signs the same body). Convoy's id headers are not signed: {@link Ten99PolicyProvider} keeps them as
 * plain attributes, never part of a key.
 *
 * <p>Ordering: the state guard key is the event's {@code created} time ({@link Attributes#instant}: seconds,
 * milliseconds or ISO-8601), then a rank that breaks same-millisecond ties by lifecycle (active &lt; cancelled &lt;
 * reactivated), then the event id, so the final state does not depend on arrival order. An event whose
 * {@code created} is missing or unreadable orders lowest ({@link StateUpdate#LOWEST}): it can create a state, never
 * overwrite one.
 */
public final class Ten99PolicyEvents {
    public static final String PROVIDER = "1099policy";
    // State and event attributes of this provider's own (the shared ones are in Schema)
    public static final String IS_ACTIVE = "is_active";
    public static final String QUOTE = "quote";
    public static final String PDF_URL = "pdf_url";
    public static final String CERTIFICATES = "certificates";
    /** Longer body ids fall back to the body hash: the key stays far inside DynamoDB's 2,048 bytes. */
    private static final int MAX_ID_CHARS = 256;
    private Ten99PolicyEvents() {
    }

    public static Delivery map(byte[] rawBody, JsonNode json, Instant receivedAt) {
        JsonNode root = json != null && json.isObject() ? json : null;
        String type = text(root, "type");
        if (type == null) {
            type = Delivery.UNKNOWN_TYPE;
        }
        JsonNode object = dataObject(root);
        String objectId = text(object, "id");
        String objectType = objectType(type, object);
        JsonNode created = root == null ? null : root.get("created");
        Instant createdAt = Attributes.instant(created);
        String parseNote = root == null || createdAt != null ? null
                : created == null || created.isNull() ? "created missing: state ordered lowest"
                : "created unreadable: state ordered lowest";
        String eventId = PROVIDER + "#" + eventKey(root, rawBody);

        EventRecord event = new EventRecord(eventId, PROVIDER, type, objectType, objectId, createdAt, receivedAt,
                rawBody, json, Map.of(), parseNote);
        StateUpdate state = objectId == null ? null : state(type, object, objectId, eventId, createdAt, receivedAt);
        return new Delivery(event, state == null ? List.of() : List.of(state));
    }

    /** The body's own id when it has a usable one, else the body hash. */
    private static String eventKey(JsonNode root, byte[] rawBody) {
        String id = text(root, "id");
        return id != null && !id.isBlank() && id.length() <= MAX_ID_CHARS ? id : Delivery.bodyKey(rawBody);
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

    /** What a state event sets: which table, the status, and the rank that breaks same-millisecond ties. */
    private record Lifecycle(StateUpdate.Kind kind, String status, int rank) {
    }

    private static final Map<String, Lifecycle> LIFECYCLE = Map.of(
            "policy.active", new Lifecycle(StateUpdate.Kind.POLICY, "ACTIVE", 1),
            "policy.active.media", new Lifecycle(StateUpdate.Kind.POLICY, "ACTIVE", 1),
            "policy.cancelled", new Lifecycle(StateUpdate.Kind.POLICY, "CANCELLED", 2),
            "policy.reactivated", new Lifecycle(StateUpdate.Kind.POLICY, "ACTIVE", 3),
            "assignment.active", new Lifecycle(StateUpdate.Kind.ASSIGNMENT, "ACTIVE", 1),
            "assignment.cancelled", new Lifecycle(StateUpdate.Kind.ASSIGNMENT, "CANCELLED", 2));

    private static StateUpdate state(String type, JsonNode object, String objectId, String eventId,
            Instant createdAt, Instant receivedAt) {
        Lifecycle lifecycle = LIFECYCLE.get(type);
        if (lifecycle == null) {
            return null;
        }
        Map<String, Object> item = StateUpdate.attributes(PROVIDER, lifecycle.status(), type, eventId,
                createdAt != null ? createdAt : receivedAt);
        putText(item, CONTRACTOR, object.get(CONTRACTOR));
        putJson(item, CERTIFICATES, object.get(CERTIFICATES));
        putTime(item, EFFECTIVE_DATE, object.get(EFFECTIVE_DATE));
        if (lifecycle.kind() == StateUpdate.Kind.POLICY) {
            putBoolean(item, IS_ACTIVE, object.get(IS_ACTIVE));
            putText(item, QUOTE, object.get(QUOTE));
            putText(item, PDF_URL, object.get(PDF_URL));
            putTime(item, EXPIRATION_DATE, object.get(EXPIRATION_DATE));
        } else {
            putText(item, JOB, object.get(JOB));
            putText(item, POLICY, object.get(POLICY));
            putTime(item, END_DATE, object.get(END_DATE));
        }
        String orderKey = createdAt == null ? StateUpdate.LOWEST : orderKey(createdAt, lifecycle.rank(), eventId);
        return new StateUpdate(lifecycle.kind(), objectId, null, orderKey, item);
    }

    /** Sorts as a string: epoch milliseconds (15 digits, zero-padded; within 2000–2100), lifecycle rank, event id. */
    static String orderKey(Instant at, int rank, String eventId) {
        return StateUpdate.zeroPadded(at.toEpochMilli(), 15) + "#" + rank + "#" + eventId;
    }
}
