package io.policywebhooks.verticalinsure;

import static io.policywebhooks.store.Schema.*;
import static io.policywebhooks.provider.JsonFields.*;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import io.policywebhooks.store.Attributes;
import io.policywebhooks.store.EventRecord;
import io.policywebhooks.store.StateUpdate;
import io.policywebhooks.provider.Delivery;

/**
 * Maps a Vertical Insure event ({@code {"event": …, "webhook": …, "data": …}}) to what is stored.
 *
 * <p>Vertical Insure sends no event id and no event time, so the event key is the body hash. The state guard
 * ({@link StateUpdate}): the policy {@code version} decides when both the stored state and the event carry one;
 * otherwise, and on equal versions, the lifecycle rank decides
 * ({@code UNKNOWN 0 < PENDING 1 < BIND_FAILED, PAYMENT_FAILED, INVALID 2 < ACTIVE 3 < SUPERSEDED 4 < CANCELLED 5}),
 * then, at equal rank, an event with a version before one without, then the event id.
 * So a higher version wins, a cancel without version cancels whatever version is stored, a late bind never revives
 * a cancelled or superseded policy, and a late {@code PENDING} never overwrites {@code ACTIVE}, whatever the
 * arrival order. {@code policy_endorsed} writes two states: the current policy, and the previous one as
 * {@code SUPERSEDED} with {@code superseded_by}.
 */
public final class VerticalInsureEvents {
    public static final String PROVIDER = "vertical-insure";
    // State and event attributes of this provider's own (the shared ones are in Schema)
    public static final String IS_TEST = "is_test";
    public static final String QUOTE_ID = "quote_id";
    public static final String POLICY_STATUS = "policy_status";
    public static final String POLICY_NUMBER = "policy_number";
    public static final String MASTER_POLICY_ID = "master_policy_id";
    public static final String CUSTOMER = "customer";
    public static final String CURRENCY = "currency";
    public static final String PREMIUM_AMOUNT = "premium_amount";
    public static final String ISSUED_DATE = "issued_date";
    public static final String QUOTE_DATE = "quote_date";
    /** On a policy an endorsement replaced: the id of the policy that replaced it. */
    public static final String SUPERSEDED_BY = "superseded_by";
    static final String SUPERSEDED = "SUPERSEDED";

    private VerticalInsureEvents() {
    }

    public static Delivery map(byte[] rawBody, JsonNode json, Instant receivedAt) {
        JsonNode root = json != null && json.isObject() ? json : null;
        String type = text(root, "event");
        if (type == null) {
            type = Delivery.UNKNOWN_TYPE;
        }
        JsonNode data = root == null ? null : root.get("data");
        data = data != null && data.isObject() ? data : null;
        JsonNode policy = policy(type, data);
        String policyId = text(policy, "id");
        String eventId = PROVIDER + "#" + Delivery.bodyKey(rawBody);

        Map<String, Object> extra = new HashMap<>();
        putBoolean(extra, IS_TEST, policy == null ? null : policy.get(IS_TEST));
        EventRecord event = new EventRecord(eventId, PROVIDER, type, objectType(type), policyId, null, receivedAt,
                rawBody, json, extra, null);

        List<StateUpdate> states = new ArrayList<>(2);
        if (policyId != null && type.startsWith("policy_")) {
            states.add(state(type, policy, policyId, status(type, policy), eventId, receivedAt));
            JsonNode previous = data.get("previous_policy");
            String previousId = text(previous, "id");
            if ("policy_endorsed".equals(type) && previousId != null && !previousId.equals(policyId)) {
                StateUpdate superseded = state(type, previous, previousId, SUPERSEDED, eventId, receivedAt);
                superseded.attributes().put(SUPERSEDED_BY, policyId);
                states.add(superseded);
            }
        }
        return new Delivery(event, states);
    }

    /** The policy the event is about: {@code current_policy} for an endorsement, else {@code data} itself. */
    private static JsonNode policy(String type, JsonNode data) {
        if (data == null) {
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
                switch (sent.toUpperCase(Locale.ROOT)) {
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
            case SUPERSEDED:
                return 4;
            case "CANCELLED":
                return 5;
            default:
                return 0;
        }
    }

    private static StateUpdate state(String type, JsonNode policy, String id, String status, String eventId,
            Instant receivedAt) {
        Map<String, Object> item = StateUpdate.attributes(PROVIDER, status, type, eventId, receivedAt);
        for (String text : new String[] {POLICY_STATUS, POLICY_NUMBER, MASTER_POLICY_ID, QUOTE_ID, CURRENCY}) {
            putText(item, text, policy.get(text));
        }
        putJson(item, CUSTOMER, policy.get(CUSTOMER));
        for (String date : new String[] {ISSUED_DATE, EFFECTIVE_DATE, EXPIRATION_DATE, QUOTE_DATE}) {
            putIsoDate(item, date, policy.get(date));
        }
        JsonNode premium = policy.get(PREMIUM_AMOUNT);
        if (premium != null && premium.isIntegralNumber()) {
            item.put(PREMIUM_AMOUNT, premium.bigIntegerValue()); // minor units, as sent
        }
        putBoolean(item, IS_TEST, policy.get(IS_TEST));
        Long version = version(policy.get("version"));
        return new StateUpdate(StateUpdate.Kind.POLICY, id, version, orderKey(rank(status), version, eventId), item);
    }

    /**
     * Sorts as a string: lifecycle rank (one digit), then the version (19 digits, zero-padded; none sorts first, so
     * at equal rank an event that carries a version outranks one that does not), then the event id.
     */
    static String orderKey(int rank, Long version, String eventId) {
        return rank + "#" + (version == null ? "" : StateUpdate.zeroPadded(version, 19)) + "#" + eventId;
    }

    /** The policy's version when it is a non-negative integer (a long), else null (absent: the rank decides). */
    static Long version(JsonNode node) {
        return node != null && node.isIntegralNumber() && node.canConvertToLong() && node.longValue() >= 0
                ? node.longValue()
                : null;
    }

    /** Vertical Insure dates are already ISO-8601 (a date or a date-time); kept as sent when they read as such. */
    private static void putIsoDate(Map<String, Object> item, String name, JsonNode node) {
        if (node != null && node.isTextual() && Attributes.instant(node) != null) {
            item.put(name, node.textValue());
        }
    }
}
