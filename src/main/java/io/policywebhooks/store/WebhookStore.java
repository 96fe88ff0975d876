package io.policywebhooks.store;

import static io.policywebhooks.store.Tables.*;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;

/**
 * The two writes of a delivery. Each is idempotent on its own, so no transaction is needed (and dynalite has
 * none): a redelivery after a failure between them stores no second event and completes the state write.
 * <ul>
 * <li>{@link #putEvent}: {@code attribute_not_exists(event_id)} makes the first delivery the only one stored.</li>
 * <li>{@link #applyState}: {@code last_event_order < :order} lets only a newer event change the state, whatever
 * the arrival order, and makes re-applying the same event a no-op.</li>
 * </ul>
 * Any other DynamoDB failure propagates, so the caller answers 5xx and the provider retries.
 */
public final class WebhookStore {
    public enum Applied {
        /** the state now reflects this event */
        APPLIED,
        /** a newer (or the same) event is already reflected; nothing written */
        STALE
    }

    private final DynamoDbClient dynamo;
    private final Names tables;

    public WebhookStore(DynamoDbClient dynamo, Names tables) {
        this.dynamo = dynamo;
        this.tables = tables;
    }

    /** @return true when stored, false when an event with this id was already stored (a duplicate) */
    public boolean putEvent(EventRecord event) {
        Map<String, AttributeValue> item = eventItem(event, true);
        try {
            put(item);
            return true;
        } catch (ConditionalCheckFailedException duplicate) {
            return false;
        } catch (DynamoDbException e) {
            if (event.payload() == null || e.statusCode() != 400 || !isValidation(e)) {
                throw e;
            }
            // The parsed map could not be stored (item too large, a shape DynamoDB refuses): the raw body can.
            try {
                put(eventItem(event, false));
                return true;
            } catch (ConditionalCheckFailedException duplicate) {
                return false;
            }
        }
    }

    private void put(Map<String, AttributeValue> item) {
        dynamo.putItem(b -> b.tableName(tables.events())
                .item(item)
                .conditionExpression("attribute_not_exists(#id)")
                .expressionAttributeNames(Map.of("#id", EVENT_ID)));
    }

    private static boolean isValidation(DynamoDbException e) {
        String code = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
        return code != null && code.contains("ValidationException");
    }

    static Map<String, AttributeValue> eventItem(EventRecord event, boolean withPayload) {
        Map<String, AttributeValue> item = new HashMap<>(event.extra());
        item.put(EVENT_ID, s(event.eventId()));
        item.put(PROVIDER_ATTRIBUTE, s(event.provider()));
        item.put(TYPE, s(event.type()));
        putIfPresent(item, OBJECT_TYPE, event.objectType());
        putIfPresent(item, OBJECT_ID, event.objectId());
        if (event.createdAt() != null) {
            item.put(CREATED_AT, s(Attributes.iso(event.createdAt())));
        }
        item.put(RECEIVED_AT, s(Attributes.iso(event.receivedAt())));
        String text = utf8(event.rawBody());
        if (text != null) {
            item.put(RAW_BODY, s(text));
        } else {
            item.put(RAW_BODY_BYTES, AttributeValue.fromB(SdkBytes.fromByteArray(event.rawBody())));
        }
        if (event.payload() == null) {
            item.put(PARSE_ERROR, s("body is not JSON"));
        } else if (withPayload) {
            AttributeValue payload = Attributes.json(event.payload());
            if (payload != null) {
                item.put(PAYLOAD, payload);
            } else {
                item.put(PARSE_ERROR, s("JSON has no DynamoDB form"));
            }
        } else {
            item.put(PARSE_ERROR, s("parsed JSON refused by DynamoDB"));
        }
        return item;
    }

    /**
     * Writes the state if the event is newer than the one the item reflects. Attributes the event does not carry
     * keep their stored values.
     */
    public Applied applyState(StateUpdate update, Instant now) {
        String table = update.kind() == StateUpdate.Kind.POLICY ? tables.policies() : tables.assignments();
        String keyName = update.kind() == StateUpdate.Kind.POLICY ? POLICY_ID : ASSIGNMENT_ID;

        Map<String, String> names = new HashMap<>();
        Map<String, AttributeValue> values = new HashMap<>();
        StringBuilder set = new StringBuilder("SET ");
        int i = 0;
        Map<String, AttributeValue> attributes = new HashMap<>(update.attributes());
        attributes.remove(keyName);
        attributes.put(LAST_EVENT_ORDER, s(update.orderKey()));
        attributes.put(UPDATED_AT, s(Attributes.iso(now)));
        for (Map.Entry<String, AttributeValue> attribute : attributes.entrySet()) {
            if (i > 0) {
                set.append(", ");
            }
            set.append("#a").append(i).append(" = :v").append(i);
            names.put("#a" + i, attribute.getKey());
            values.put(":v" + i, attribute.getValue());
            i++;
        }
        names.put("#key", keyName);
        names.put("#order", LAST_EVENT_ORDER);
        values.put(":order", s(update.orderKey()));
        try {
            dynamo.updateItem(b -> b.tableName(table)
                    .key(Map.of(keyName, s(update.id())))
                    .updateExpression(set.toString())
                    .conditionExpression("attribute_not_exists(#key) OR #order < :order")
                    .expressionAttributeNames(names)
                    .expressionAttributeValues(values));
            return Applied.APPLIED;
        } catch (ConditionalCheckFailedException newerOrSame) {
            return Applied.STALE;
        }
    }

    private static void putIfPresent(Map<String, AttributeValue> item, String name, String value) {
        if (value != null && !value.isEmpty()) {
            item.put(name, s(value));
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
