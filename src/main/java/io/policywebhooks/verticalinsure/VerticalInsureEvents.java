package io.policywebhooks.verticalinsure;

import static io.policywebhooks.store.Tables.*;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import io.policywebhooks.store.Attributes;
import io.policywebhooks.store.EventRecord;
import io.policywebhooks.store.StateUpdate;
import io.policywebhooks.webhook.Delivery;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Maps a Vertical Insure event ({@code {"event": …, "webhook": …, "data": …}}) to what is stored.
 *
 * <p>Vertical Insure sends no event id and no event time. The event key is the body hash, and the state guard
 * orders by the policy {@code version} (absent = 1), then a lifecycle rank, then the event id:
 * {@code UNKNOWN 0 < PENDING 1 < BIND_FAILED, PAYMENT_FAILED, INVALID 2 < ACTIVE 3 < CANCELLED 4}. So an
 * endorsement (higher version) always wins, a late bind never revives a cancelled policy, and a late
 * {@code PENDING} never overwrites {@code ACTIVE}, whatever the arrival order.
 */
public final class VerticalInsureEvents {
    public static final String PROVIDER = "vertical-insure";

    private VerticalInsureEvents() {
    }

    public static Delivery map(byte[] rawBody, JsonNode json, Instant receivedAt) {
        JsonNode root = json != null && json.isObject() ? json : null;
        String type = text(root, "event");
        if (type == null) {
            type = Delivery.UNKNOWN_TYPE;
        }
        JsonNode policy = policy(type, root);
        String policyId = text(policy, "id");
        String eventId = PROVIDER + "#" + Delivery.bodyKey(rawBody);

        Map<String, AttributeValue> extra = new HashMap<>();
        JsonNode isTest = policy == null ? null : policy.get("is_test");
        if (isTest != null && isTest.isBoolean()) {
            extra.put(IS_TEST, AttributeValue.fromBool(isTest.booleanValue()));
        }
        EventRecord event = new EventRecord(eventId, PROVIDER, type, objectType(type), policyId, null, receivedAt,
                rawBody, json, extra);
        StateUpdate state = policyId != null && type.startsWith("policy_")
                ? state(type, policy, policyId, eventId, receivedAt)
                : null;
        return new Delivery(event, state);
    }

    /** The policy the event is about: {@code current_policy} for an endorsement, else {@code data} itself. */
    private static JsonNode policy(String type, JsonNode root) {
        JsonNode data = root == null ? null : root.get("data");
        if (data == null || !data.isObject()) {
            return null;
        }
        JsonNode current = data.get("current_policy");
        if ("policy_endorsed".equals(type) || (current != null && current.isObject())) {
            return current != null && current.isObject() ? current : null;
        }
        return data;
    }

    private static String objectType(String type) {
        if (type.startsWith("policy_")) {
            return "policy";
        }
        return type.startsWith("payout_") ? "payout" : null;
    }

    /** The normalized status: from the event type where it is unambiguous, else from {@code policy_status}. */
    static String status(String type, JsonNode policy) {
        switch (type) {
            case "policy_bind_complete":
                return "ACTIVE";
            case "policy_bind_failed":
                return "BIND_FAILED";
            case "policy_purchase_invalid":
                return "INVALID";
            case "policy_payment_failed":
                return "PAYMENT_FAILED";
            case "policy_canceled":
                return "CANCELLED";
            default: // policy_endorsed, policy_purchase_complete, and events we do not know yet
                String sent = text(policy, "policy_status");
                if (sent == null) {
                    return "UNKNOWN";
                }
                switch (sent.toUpperCase(java.util.Locale.ROOT)) {
                    case "ACTIVE":
                        return "ACTIVE";
                    case "CANCELED":
                    case "CANCELLED":
                        return "CANCELLED";
                    case "PENDING":
                        return "PENDING";
                    case "BIND_FAILED":
                        return "BIND_FAILED";
                    case "REQUIRES_PAYMENT":
                    case "PAYMENT_FAILED":
                        return "PAYMENT_FAILED";
                    case "INVALID":
                        return "INVALID";
                    default:
                        return "UNKNOWN";
                }
        }
    }

    static int rank(String status) {
        switch (status) {
            case "PENDING":
                return 1;
            case "BIND_FAILED":
            case "PAYMENT_FAILED":
            case "INVALID":
                return 2;
            case "ACTIVE":
                return 3;
            case "CANCELLED":
                return 4;
            default:
                return 0;
        }
    }

    private static StateUpdate state(String type, JsonNode policy, String id, String eventId, Instant receivedAt) {
        String status = status(type, policy);
        long version = version(policy.get("version"));
        Map<String, AttributeValue> item = new HashMap<>();
        item.put(PROVIDER_ATTRIBUTE, AttributeValue.fromS(PROVIDER));
        item.put(STATUS, AttributeValue.fromS(status));
        item.put("version", AttributeValue.fromN(Long.toString(version)));
        Attributes.putText(item, "policy_status", policy.get("policy_status"));
        Attributes.putText(item, "policy_number", policy.get("policy_number"));
        Attributes.putText(item, "master_policy_id", policy.get("master_policy_id"));
        Attributes.putText(item, "quote_id", policy.get("quote_id"));
        Attributes.putText(item, "currency", policy.get("currency"));
        Attributes.putJson(item, "customer", policy.get("customer"));
        for (String date : new String[] {"issued_date", "effective_date", "expiration_date", "quote_date"}) {
            putIsoDate(item, date, policy.get(date));
        }
        JsonNode premium = policy.get("premium_amount");
        if (premium != null && premium.isIntegralNumber()) {
            item.put("premium_amount", AttributeValue.fromN(premium.asText())); // minor units, as sent
        }
        JsonNode isTest = policy.get("is_test");
        if (isTest != null && isTest.isBoolean()) {
            item.put(IS_TEST, AttributeValue.fromBool(isTest.booleanValue()));
        }
        item.put(LAST_EVENT_TYPE, AttributeValue.fromS(type));
        item.put(LAST_EVENT_ID, AttributeValue.fromS(eventId));
        item.put(LAST_EVENT_AT, AttributeValue.fromS(Attributes.iso(receivedAt)));
        return new StateUpdate(StateUpdate.Kind.POLICY, id, orderKey(version, rank(status), eventId), item);
    }

    /** Sorts as a string: zero-padded version, lifecycle rank, event id. */
    static String orderKey(long version, int rank, String eventId) {
        return Attributes.zeroPadded(version, 10) + "#" + rank + "#" + eventId; // String.format: ~1 µs
    }

    private static long version(JsonNode node) {
        if (node != null && node.isIntegralNumber() && node.canConvertToLong()) {
            long v = node.asLong();
            return v >= 0 && v < 10_000_000_000L ? v : 1;
        }
        return 1;
    }

    /** Vertical Insure dates are already ISO-8601 (a date or a date-time); kept as sent when they read as such. */
    private static void putIsoDate(Map<String, AttributeValue> item, String name, JsonNode node) {
        if (node != null && node.isTextual() && Attributes.instant(node) != null) {
            item.put(name, AttributeValue.fromS(node.textValue()));
        }
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node == null ? null : node.get(field);
        return value != null && value.isTextual() && !value.textValue().isEmpty() ? value.textValue() : null;
    }
}
