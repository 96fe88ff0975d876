package io.policywebhooks.deploy;

import java.util.Base64;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.policywebhooks.store.RecordingDynamoDb;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The DynamoDB stream record ({@code NEW_AND_OLD_IMAGES}) a recorded write leaves, in the form a pipe reads it:
 * DynamoDB's record layout ({@code eventName}, {@code dynamodb.Keys}, {@code NewImage}, {@code OldImage},
 * {@code SequenceNumber}, {@code StreamViewType}, ...) with attribute values in DynamoDB's typed JSON. A write whose
 * condition failed, or that changed nothing, leaves no record: DynamoDB writes none then.
 */
public final class StreamRecords {
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    private static final String REGION = "us-east-1";
    private static final String ACCOUNT = "123456789012";

    private long sequence = 100_000_000_000_000_000L;

    /** The record of {@code write}, or null when it leaves none. */
    public ObjectNode of(RecordingDynamoDb.Write write, long epochSeconds) {
        if (!write.applied() || java.util.Objects.equals(write.before(), write.after())) {
            return null;
        }
        String eventName = write.before() == null ? "INSERT" : write.after() == null ? "REMOVE" : "MODIFY";
        Map<String, AttributeValue> any = write.after() != null ? write.after() : write.before();
        ObjectNode dynamodb = JSON.objectNode();
        dynamodb.put("ApproximateCreationDateTime", epochSeconds);
        dynamodb.set("Keys", image(Map.of(write.keyName(), any.get(write.keyName()))));
        if (write.after() != null) {
            dynamodb.set("NewImage", image(write.after()));
        }
        if (write.before() != null) {
            dynamodb.set("OldImage", image(write.before()));
        }
        sequence += 1 + (sequence % 7); // increasing, not consecutive, as DynamoDB's are
        dynamodb.put("SequenceNumber", "44215845" + sequence);
        dynamodb.put("SizeBytes", dynamodb.toString().length());
        dynamodb.put("StreamViewType", "NEW_AND_OLD_IMAGES");

        ObjectNode record = JSON.objectNode();
        record.put("eventID", Long.toHexString(sequence));
        record.put("eventName", eventName);
        record.put("eventVersion", "1.1");
        record.put("eventSource", "aws:dynamodb");
        record.put("awsRegion", REGION);
        record.set("dynamodb", dynamodb);
        record.put("eventSourceARN", "arn:aws:dynamodb:" + REGION + ":" + ACCOUNT + ":table/" + write.table()
                + "/stream/2026-12-01T00:00:00.000");
        return record;
    }

    /** A REMOVE record of an item (nothing in the application deletes one; the filter must drop it). */
    ObjectNode removal(String table, String keyName, Map<String, AttributeValue> item) {
        return of(new RecordingDynamoDb.Write(table, keyName, "DeleteItem", item, null, true, null), 0);
    }

    /** An item in DynamoDB JSON, as a stream record's image or an export's {@code Item} holds it. */
    public static ObjectNode image(Map<String, AttributeValue> item) {
        ObjectNode image = JSON.objectNode();
        new TreeMap<>(item).forEach((name, value) -> image.set(name, typed(value)));
        return image;
    }

    /** One attribute value in DynamoDB's JSON: {@code {"S": "..."}}, {@code {"N": "1"}}, {@code {"M": {...}}}... */
    public static JsonNode typed(AttributeValue value) {
        ObjectNode node = JSON.objectNode();
        switch (value.type()) {
            case S -> node.put("S", value.s());
            case N -> node.put("N", value.n());
            case BOOL -> node.put("BOOL", value.bool());
            case NUL -> node.put("NULL", true);
            case B -> node.put("B", base64(value.b()));
            case M -> node.set("M", image(value.m()));
            case L -> {
                ArrayNode list = node.putArray("L");
                value.l().forEach(v -> list.add(typed(v)));
            }
            case SS -> value.ss().forEach(node.putArray("SS")::add);
            case NS -> value.ns().forEach(node.putArray("NS")::add);
            case BS -> {
                ArrayNode list = node.putArray("BS");
                value.bs().forEach(b -> list.add(base64(b)));
            }
            default -> throw new IllegalArgumentException("no DynamoDB JSON for " + value);
        }
        return node;
    }

    private static String base64(SdkBytes bytes) {
        return Base64.getEncoder().encodeToString(bytes.asByteArray());
    }
}
