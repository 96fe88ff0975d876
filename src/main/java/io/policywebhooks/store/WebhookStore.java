package io.policywebhooks.store;

import static io.policywebhooks.store.Schema.*;

import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

import software.amazon.awssdk.awscore.AwsRequestOverrideConfiguration;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;

/**
 * The writes of a delivery. Each is idempotent on its own, so no transaction is needed (and dynalite has none): a
 * redelivery after a failure between them stores no second event and completes the state write.
 * <ul>
 * <li>{@link #putEvent}: {@code attribute_not_exists(event_id)} makes the first delivery the one stored; every
 * later one only counts itself ({@code deliveries}, {@code last_received_at}), once: the count is conditional on
 * the delivery's id not being in {@code delivery_ids} yet.</li>
 * <li>{@link #applyState}: the ordering guard ({@link StateUpdate}) lets only a newer event change the state,
 * whatever the arrival order, and makes re-applying the same event a no-op.</li>
 * </ul>
 * Every conditional write asks for the item its condition failed on ({@code ALL_OLD}, in the same call), so that a
 * write the SDK retried after its answer was lost recognises its own earlier attempt ({@link Attempt}) and reports
 * what that attempt did, not a redelivery or a stale state. Each call is bounded by the attempt's deadline.
 * Data DynamoDB would refuse (see {@link DynamoLimits}) is left out before writing and named in the result; if
 * DynamoDB still answers {@code ValidationException}, the smallest item that fits is written instead. Any other
 * DynamoDB failure propagates, so the caller answers 5xx and the provider retries.
 */
public final class WebhookStore {
    public enum Applied {
        /** the state now reflects this event */
        APPLIED,
        /** a newer (or the same) event is already reflected; nothing written */
        STALE,
        /** not written, for the {@link Refusal} the write names */
        REFUSED,
        /**
         * re-applying a stored event ({@link ReprocessStore#reapply}): the state already is exactly
         * what this event writes; nothing written
         */
        CURRENT
    }

    /** Why a state was not written although its event is not known to be older. */
    public enum Refusal {
        /** DynamoDB cannot hold this state at all: its key is refused */
        KEY_REFUSED,
        /**
         * The event's time is unreadable ({@link StateUpdate#LOWEST}) and the state reflects another event: whether
         * this one is newer cannot be known, so it never overwrites.
         */
        UNREADABLE_TIME
    }

    /**
     * @param duplicate true when the event was already stored (this delivery was counted on it)
     * @param leftOut   attributes not stored because DynamoDB refuses them, as {@code event.<name>}
     */
    public record EventWrite(boolean duplicate, List<String> leftOut) {
    }

    /**
     * @param leftOut attributes not stored, as {@code <policy|assignment>.<name>}; the kind alone when DynamoDB
     *                refused the state's key ({@link Refusal#KEY_REFUSED})
     * @param refusal why, for {@link Applied#REFUSED}; else null
     */
    public record StateWrite(Applied applied, List<String> leftOut, Refusal refusal) {
        StateWrite(Applied applied, List<String> leftOut) {
            this(applied, leftOut, null);
        }
    }

    /** The DynamoDB table a call goes to. */
    public enum Table {
        EVENTS, POLICIES, ASSIGNMENTS
    }

    /**
     * Every DynamoDB operation this store calls, by table: the function's IAM policy in template.yaml grants exactly
     * these ({@code TemplateAgreementTest}); {@code WebhookStoreLimitsTest} checks the store calls nothing else.
     */
    public static final Map<Table, Set<String>> OPERATIONS = Map.of(
            Table.EVENTS, Set.of("PutItem", "UpdateItem"), // the event once; each redelivery's count
            Table.POLICIES, Set.of("UpdateItem"),
            Table.ASSIGNMENTS, Set.of("UpdateItem"));

    /**
     * The DynamoDB failure budget of one call. Providers give up after 10 s and retry later, and the Lambda times
     * out at 5 s, so a delivery must fail fast rather than hang: each attempt gets 1 s, a call at most 2 s in all,
     * with the SDK's standard retry strategy (3 attempts, jittered backoff, throttling and 5xx retried). A delivery
     * with a deadline gives each call at most what is left of it ({@link Attempt}).
     */
    public static final Duration ATTEMPT_TIMEOUT = Duration.ofSeconds(1);
    public static final Duration CALL_TIMEOUT = Duration.ofSeconds(2);
    public static final int MAX_ATTEMPTS = 3;
    /** The HTTP client's: a connection and a silent socket give up within the attempt's second. */
    public static final Duration CONNECTION_TIMEOUT = Duration.ofSeconds(1);
    public static final Duration SOCKET_TIMEOUT = Duration.ofSeconds(1);

    /** What a state write keeps when DynamoDB refuses the full one: enough to answer "what is its status". */
    private static final Set<String> CORE_STATE = Set.of(PROVIDER_ATTRIBUTE, STATUS, LAST_EVENT_TYPE,
            LAST_EVENT_ID, LAST_EVENT_AT, LAST_EVENT_ORDER, LAST_DELIVERY_ID, UPDATED_AT, VERSION);
    private static final AttributeValue ONE = AttributeValue.fromN("1");
    /** The delivery id of the reprocess command's state writes ({@code last_delivery_id}). */
    public static final String REPROCESS = "reprocess";

    private final DynamoDbClient dynamo;
    private final Schema.TableNames tables;

    public WebhookStore(DynamoDbClient dynamo, Schema.TableNames tables) {
        this.dynamo = dynamo;
        this.tables = tables;
    }

    /** As {@link #putEvent(EventRecord, Attempt)}, for a delivery with a random id and no deadline. */
    public EventWrite putEvent(EventRecord event) {
        return putEvent(event, Attempt.unbounded(Attempt.randomDeliveryId()));
    }

    /** Stores the event, or counts a redelivery of one already stored. */
    public EventWrite putEvent(EventRecord event, Attempt attempt) {
        List<String> leftOut = new ArrayList<>();
        Map<String, AttributeValue> item = eventItem(event, leftOut);
        item.put(DELIVERY_IDS, AttributeValue.fromSs(List.of(attempt.deliveryId())));
        try {
            return firstOrRedelivery(event, item, attempt, leftOut);
        } catch (DynamoDbException e) {
            if (!isValidation(e)) {
                throw e;
            }
            // Refused despite the checks: the event with its raw body always fits (the body size is capped).
            Map<String, AttributeValue> minimal = minimalEventItem(item);
            item.keySet().stream().filter(name -> !minimal.containsKey(name)).sorted()
                    .forEach(name -> leftOut.add("event." + name));
            return firstOrRedelivery(event, minimal, attempt, leftOut);
        }
    }

    private EventWrite firstOrRedelivery(EventRecord event, Map<String, AttributeValue> item, Attempt attempt,
            List<String> leftOut) {
        try {
            dynamo.putItem(b -> b.tableName(tables.events())
                    .item(item)
                    .conditionExpression("attribute_not_exists(#id)")
                    .expressionAttributeNames(Map.of("#id", EVENT_ID))
                    .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)
                    .overrideConfiguration(within(attempt)));
            return new EventWrite(false, leftOut);
        } catch (ConditionalCheckFailedException alreadyStored) {
            if (counted(alreadyStored.item(), attempt)) {
                return new EventWrite(false, leftOut); // this delivery's own put, retried after a lost answer
            }
            countRedelivery(event, alreadyStored.item(), attempt);
            return new EventWrite(true, leftOut);
        }
    }

    /**
     * One write per redelivery: ADD is atomic, so concurrent redeliveries each count, and the delivery's id in the
     * same write makes a retry of it fail its condition instead of counting twice.
     */
    private void countRedelivery(EventRecord event, Map<String, AttributeValue> stored, Attempt attempt) {
        Map<String, String> names = new HashMap<>(Map.of("#id", EVENT_ID, "#last", LAST_RECEIVED_AT,
                "#deliveries", DELIVERIES));
        Map<String, AttributeValue> values = new HashMap<>(Map.of(
                ":at", s(Attributes.iso(event.receivedAt())), ":one", ONE));
        String update = "SET #last = :at ADD #deliveries :one";
        String condition = "attribute_exists(#id)";
        if (roomForDeliveryId(stored, attempt)) {
            names.put("#ids", DELIVERY_IDS);
            values.put(":ids", AttributeValue.fromSs(List.of(attempt.deliveryId())));
            values.put(":delivery", s(attempt.deliveryId()));
            update += ", #ids :ids";
            condition += " AND NOT contains(#ids, :delivery)";
        }
        String updateExpression = update;
        String conditionExpression = condition;
        try {
            dynamo.updateItem(b -> b.tableName(tables.events())
                    .key(Map.of(EVENT_ID, s(event.eventId())))
                    .updateExpression(updateExpression)
                    .conditionExpression(conditionExpression)
                    .expressionAttributeNames(names)
                    .expressionAttributeValues(values)
                    .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)
                    .overrideConfiguration(within(attempt)));
        } catch (ConditionalCheckFailedException e) {
            if (!counted(e.item(), attempt)) {
                throw e; // the event is gone: the provider's retry stores it again
            }
            // already counted by this delivery's own earlier attempt, whose answer was lost
        }
    }

    /** Whether the stored event already counts this delivery. */
    private static boolean counted(Map<String, AttributeValue> stored, Attempt attempt) {
        AttributeValue ids = stored == null ? null : stored.get(DELIVERY_IDS);
        return ids != null && ids.hasSs() && ids.ss().contains(attempt.deliveryId());
    }

    /**
     * Whether the delivery's id still fits the stored event item. Near DynamoDB's item size (a body close to the
     * cap, redelivered hundreds of times) a redelivery is counted without its id, so only there may a lost answer
     * count one delivery twice.
     */
    private static boolean roomForDeliveryId(Map<String, AttributeValue> stored, Attempt attempt) {
        long idBytes = DynamoLimits.valueBytes(s(attempt.deliveryId()));
        return stored == null || DynamoLimits.itemBytes(stored) + idBytes <= DynamoLimits.MAX_ITEM_BYTES;
    }

    /** The call's time budget: what is left of the attempt's deadline, at most {@link #CALL_TIMEOUT}. */
    private static Consumer<AwsRequestOverrideConfiguration.Builder> within(Attempt attempt) {
        Duration timeout = attempt.callTimeout(CALL_TIMEOUT); // throws when the deadline has passed
        return o -> {
            if (attempt.bounded()) {
                o.apiCallTimeout(timeout);
            }
        };
    }

    private static boolean isValidation(DynamoDbException e) {
        String code = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
        return code != null && code.contains("ValidationException");
    }

    /**
     * The event item, with what DynamoDB would refuse left out and named in {@code leftOut}; also what
     * {@link ReprocessStore#refresh} makes a stored event's parsed attributes, exactly as a delivery would store them.
     */
    static Map<String, AttributeValue> eventItem(EventRecord event, List<String> leftOut) {
        Map<String, AttributeValue> item = new HashMap<>();
        LimitedPut limited = new LimitedPut(EVENT_KEY_LIMITS, "event.", leftOut);
        event.extra().forEach((name, value) -> limited.put(item, name, value));
        limited.put(item, EVENT_ID, event.eventId());
        limited.put(item, PROVIDER_ATTRIBUTE, event.provider());
        limited.put(item, TYPE, event.type());
        limited.put(item, OBJECT_TYPE, event.objectType());
        limited.put(item, OBJECT_ID, event.objectId());
        limited.put(item, CREATED_AT, event.createdAt());
        limited.put(item, RECEIVED_AT, event.receivedAt());
        limited.put(item, LAST_RECEIVED_AT, event.receivedAt());
        item.put(DELIVERIES, ONE);
        limited.put(item, PARSE_NOTE, event.parseNote());
        String text = utf8(event.rawBody());
        if (text != null) {
            item.put(RAW_BODY, s(text));
        } else {
            item.put(RAW_BODY_BYTES, AttributeValue.fromB(SdkBytes.fromByteArray(event.rawBody())));
        }
        if (event.payload() == null) {
            item.put(PARSE_ERROR, s("body is not JSON"));
        } else if (!limited.put(item, PAYLOAD, event.payload())) {
            item.put(PARSE_ERROR, s("JSON has no DynamoDB form"));
        } else if (DynamoLimits.itemBytes(item) > DynamoLimits.MAX_ITEM_BYTES) {
            item.remove(PAYLOAD);
            leftOut.add("event." + PAYLOAD);
            item.put(PARSE_ERROR, s("parsed JSON over DynamoDB's item size"));
        }
        return item;
    }

    /** The smallest event item: key, provider, receipt, delivery count and the raw body. */
    private static Map<String, AttributeValue> minimalEventItem(Map<String, AttributeValue> item) {
        Map<String, AttributeValue> minimal = new HashMap<>();
        for (String name : List.of(EVENT_ID, PROVIDER_ATTRIBUTE, RECEIVED_AT, LAST_RECEIVED_AT, DELIVERIES,
                DELIVERY_IDS, RAW_BODY, RAW_BODY_BYTES)) {
            AttributeValue value = item.get(name);
            if (value != null) {
                minimal.put(name, value);
            }
        }
        minimal.put(PARSE_ERROR, s("refused by DynamoDB; stored raw"));
        return minimal;
    }

    /** As {@link #applyState(StateUpdate, Instant, Attempt)}, for a delivery with a random id and no deadline. */
    public StateWrite applyState(StateUpdate update, Instant now) {
        return applyState(update, now, Attempt.unbounded(Attempt.randomDeliveryId()));
    }

    /**
     * Writes the state if the event sorts after the one the item reflects (see {@link StateUpdate}). Attributes the
     * event does not carry keep their stored values.
     */
    public StateWrite applyState(StateUpdate update, Instant now, Attempt attempt) {
        return applyState(update, now, attempt, null);
    }

    /**
     * As {@link #applyState(StateUpdate, Instant)}, for re-applying a stored event after a mapping fix (its writes
     * name the delivery {@value #REPROCESS}). {@code stored} is the state item as read just before, or null. When it
     * names this event as its last event, what it holds is this event's as an earlier mapping wrote it, order key and
     * version included, so neither is trusted: the write also passes while the item still names this event (one
     * condition, so a newer event written meanwhile still wins), and it removes the attributes the item has that this
     * mapping no longer gives (never {@code version}, which an event without one leaves as it is). When the item
     * already is what this write would make it, nothing is written ({@link Applied#CURRENT}).
     */
    StateWrite applyState(StateUpdate update, Instant now, Map<String, AttributeValue> stored) {
        return applyState(update, now, Attempt.unbounded(REPROCESS), stored);
    }

    private StateWrite applyState(StateUpdate update, Instant now, Attempt attempt,
            Map<String, AttributeValue> stored) {
        boolean policy = update.kind() == StateUpdate.Kind.POLICY;
        String kind = policy ? "policy" : "assignment";
        String keyName = keyName(update.kind());
        Map<String, Integer> keyLimits = policy ? POLICY_KEY_LIMITS : ASSIGNMENT_KEY_LIMITS;
        List<String> leftOut = new ArrayList<>();
        if (!DynamoLimits.keyFits(update.id(), keyLimits.get(keyName))) {
            leftOut.add(kind);
            return new StateWrite(Applied.REFUSED, leftOut, Refusal.KEY_REFUSED);
        }

        Map<String, AttributeValue> set = new HashMap<>();
        LimitedPut limited = new LimitedPut(keyLimits, kind + ".", leftOut);
        update.attributes().forEach((name, value) -> {
            if (!name.equals(keyName)) {
                limited.put(set, name, value);
            }
        });
        set.put(LAST_EVENT_ORDER, s(update.orderKey()));
        set.put(UPDATED_AT, s(Attributes.iso(now)));
        set.put(LAST_DELIVERY_ID, s(attempt.deliveryId()));
        if (update.version() != null) {
            set.put(VERSION, AttributeValue.fromN(update.version().toString()));
        }
        fitItemSize(set, kind, leftOut);
        Repair repair = Repair.of(update, stored, set, keyName);
        if (repair != null && repair.current()) {
            return new StateWrite(Applied.CURRENT, leftOut);
        }

        String table = tables.of(update.kind());
        try {
            return update(table, keyName, update, set, attempt, leftOut, repair);
        } catch (DynamoDbException e) {
            if (!isValidation(e)) {
                throw e;
            }
            set.keySet().stream().filter(name -> !CORE_STATE.contains(name)).sorted()
                    .forEach(name -> leftOut.add(kind + "." + name));
            set.keySet().retainAll(CORE_STATE);
            try {
                return update(table, keyName, update, set, attempt, leftOut,
                        repair == null ? null : Repair.of(update, stored, set, keyName));
            } catch (DynamoDbException again) {
                if (!isValidation(again)) {
                    throw again;
                }
                leftOut.add(kind);
                return new StateWrite(Applied.REFUSED, leftOut, Refusal.KEY_REFUSED);
            }
        }
    }

    /** Drops the largest non-core attributes until the item fits DynamoDB's item size. */
    private static void fitItemSize(Map<String, AttributeValue> set, String kind, List<String> leftOut) {
        if (fits(set)) {
            return; // every state write passes here: size each value and sort only when it is too large
        }
        List<String> largestFirst = set.keySet().stream().filter(name -> !CORE_STATE.contains(name))
                .sorted(Comparator.comparingLong((String name) -> DynamoLimits.valueBytes(set.get(name))).reversed())
                .toList();
        for (String name : largestFirst) {
            if (fits(set)) {
                return;
            }
            set.remove(name);
            leftOut.add(kind + "." + name);
        }
    }

    /** Whether a state item of these attributes fits, counting its key at its most, 1 KB. */
    private static boolean fits(Map<String, AttributeValue> set) {
        return DynamoLimits.itemBytes(set) + DynamoLimits.MAX_SORT_KEY_BYTES <= DynamoLimits.MAX_ITEM_BYTES;
    }

    private StateWrite update(String table, String keyName, StateUpdate update, Map<String, AttributeValue> set,
            Attempt attempt, List<String> leftOut, Repair repair) {
        UpdateExpression expression = new UpdateExpression(set, repair == null ? List.of() : repair.remove())
                .name("#key", keyName).name("#order", LAST_EVENT_ORDER).value(":order", s(update.orderKey()));
        String condition;
        if (update.version() == null) {
            condition = "attribute_not_exists(#key) OR #order < :order";
        } else {
            // The version decides only when the stored state has one too; otherwise the order key does.
            expression.name("#version", VERSION).value(":version", AttributeValue.fromN(update.version().toString()));
            condition = "attribute_not_exists(#key) OR #version < :version"
                    + " OR (#version = :version AND #order < :order)"
                    + " OR (attribute_not_exists(#version) AND #order < :order)";
        }
        if (repair != null) {
            expression.name("#last", LAST_EVENT_ID).value(":last", s(repair.eventId()));
        }
        String guard = repair == null ? condition : condition + " OR #last = :last";
        try {
            dynamo.updateItem(b -> b.tableName(table)
                    .key(Map.of(keyName, s(update.id())))
                    .updateExpression(expression.expression())
                    .conditionExpression(guard)
                    .expressionAttributeNames(expression.names())
                    .expressionAttributeValues(expression.values())
                    .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)
                    .overrideConfiguration(within(attempt)));
            return new StateWrite(Applied.APPLIED, leftOut);
        } catch (ConditionalCheckFailedException notAfter) {
            return refused(update, notAfter.item(), attempt, leftOut);
        }
    }

    /** What a state write whose guard failed did, told from the item the guard failed on. */
    private static StateWrite refused(StateUpdate update, Map<String, AttributeValue> stored, Attempt attempt,
            List<String> leftOut) {
        String storedEvent = Attributes.text(stored, LAST_EVENT_ID);
        Object eventId = update.attributes().get(LAST_EVENT_ID);
        boolean sameEvent = storedEvent != null && storedEvent.equals(eventId);
        if (sameEvent && attempt.deliveryId().equals(Attributes.text(stored, LAST_DELIVERY_ID))) {
            return new StateWrite(Applied.APPLIED, leftOut); // this delivery's own write, retried after a lost answer
        }
        if (update.orderKey().equals(StateUpdate.LOWEST) && !sameEvent && !olderVersion(update, stored)) {
            return new StateWrite(Applied.REFUSED, leftOut, Refusal.UNREADABLE_TIME);
        }
        return new StateWrite(Applied.STALE, leftOut);
    }

    /** Whether both carry a version and the stored one is higher: the event is older whatever its time. */
    private static boolean olderVersion(StateUpdate update, Map<String, AttributeValue> stored) {
        AttributeValue version = stored == null ? null : stored.get(VERSION);
        return update.version() != null && version != null && version.n() != null
                && new BigDecimal(version.n()).compareTo(BigDecimal.valueOf(update.version())) > 0;
    }

    /**
     * Re-applying the event the stored state names as its last one: the attributes to remove (the stored item's that
     * the write does not set, but for its key, {@code updated_at} and {@code version}), and whether the item already
     * is what the write would make it.
     */
    private record Repair(String eventId, List<String> remove, boolean current) {
        private static final Set<String> KEPT = Set.of(UPDATED_AT, VERSION, LAST_DELIVERY_ID);

        /** Null when {@code stored} is absent or names another event. */
        static Repair of(StateUpdate update, Map<String, AttributeValue> stored, Map<String, AttributeValue> set,
                String keyName) {
            AttributeValue last = stored == null ? null : stored.get(LAST_EVENT_ID);
            if (last == null || !(update.attributes().get(LAST_EVENT_ID) instanceof String eventId)
                    || !eventId.equals(last.s())) {
                return null;
            }
            List<String> remove = stored.keySet().stream()
                    .filter(name -> !set.containsKey(name) && !name.equals(keyName) && !KEPT.contains(name))
                    .sorted().toList();
            boolean current = remove.isEmpty() && set.entrySet().stream().allMatch(attribute ->
                    KEPT.contains(attribute.getKey()) && !attribute.getKey().equals(VERSION)
                            || Attributes.same(attribute.getValue(),
                            stored.get(attribute.getKey())));
            return new Repair(eventId, remove, current);
        }
    }

    /**
     * Puts plain values into an item, leaving out (and naming) each one DynamoDB would refuse: no DynamoDB form
     * ({@link Attributes#value}), or a key attribute of the table or an index that is not a non-empty string within
     * its byte limit.
     */
    private record LimitedPut(Map<String, Integer> keyLimits, String prefix, List<String> leftOut) {
        /** @return whether {@code value} was put; false for null (nothing to store) and for refused values */
        boolean put(Map<String, AttributeValue> item, String name, Object value) {
            if (value == null) {
                return false;
            }
            AttributeValue converted = Attributes.value(value);
            Integer keyLimit = keyLimits.get(name);
            if (converted == null
                    || (keyLimit != null && (converted.s() == null || !DynamoLimits.keyFits(converted.s(), keyLimit)))) {
                leftOut.add(prefix + name);
                return false;
            }
            item.put(name, converted);
            return true;
        }
    }

    private static AttributeValue s(String value) {
        return AttributeValue.fromS(value);
    }

    /** The body as text when it is valid UTF-8 (so it round-trips byte for byte), else null. */
    private static String utf8(byte[] body) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(body))
                    .toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}
