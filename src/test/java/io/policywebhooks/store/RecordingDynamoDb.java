package io.policywebhooks.store;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemResponse;

/**
 * A DynamoDB client in front of a real one (dynalite) that sends the store's PutItem and UpdateItem and records each
 * with the item before and after it (consistent GetItems around the write) and whether its condition held. What a
 * DynamoDB stream would hold for the write follows from that: the cost benchmark prices the writes, and
 * {@code StateEventRun} turns them into stream records. Each write also asks for
 * {@code ReturnConsumedCapacity.INDEXES}, so the units the server reports are recorded too.
 */
public final class RecordingDynamoDb implements DynamoDbClient {
    /**
     * One write as the server saw it.
     *
     * @param table    the table's name
     * @param keyName  its hash key attribute
     * @param before   the item before (null: none)
     * @param after    the item after (null: none; equal to before when the condition failed)
     * @param applied  whether the condition held
     * @param capacity the units the server reported (null when it reported none)
     */
    public record Write(String table, String keyName, String operation, Map<String, AttributeValue> before,
            Map<String, AttributeValue> after, boolean applied, ConsumedCapacity capacity) {
    }

    private final DynamoDbClient server;
    private final Map<String, String> keys = new HashMap<>();
    private List<Write> writes = new ArrayList<>();

    public RecordingDynamoDb(DynamoDbClient server) {
        this.server = server;
    }

    /** Makes the tables of {@code names} known (their hash keys, from {@link Schema#all}). */
    public void tables(Schema.TableNames names) {
        for (CreateTableRequest table : Schema.all(names)) {
            keys.put(table.tableName(), table.keySchema().get(0).attributeName());
        }
    }

    /** The writes {@code work} sent, in order. */
    public List<Write> record(Runnable work) {
        writes = new ArrayList<>();
        work.run();
        return writes;
    }

    @Override
    public PutItemResponse putItem(PutItemRequest request) {
        String key = keys.get(request.tableName());
        Map<String, AttributeValue> id = Map.of(key, request.item().get(key));
        PutItemRequest counted = request.toBuilder().returnConsumedCapacity(ReturnConsumedCapacity.INDEXES).build();
        PutItemResponse[] response = new PutItemResponse[1];
        send(request.tableName(), "PutItem", id, () -> (response[0] = server.putItem(counted)).consumedCapacity());
        return response[0];
    }

    @Override
    public UpdateItemResponse updateItem(UpdateItemRequest request) {
        UpdateItemRequest counted = request.toBuilder().returnConsumedCapacity(ReturnConsumedCapacity.INDEXES).build();
        UpdateItemResponse[] response = new UpdateItemResponse[1];
        send(request.tableName(), "UpdateItem", request.key(),
                () -> (response[0] = server.updateItem(counted)).consumedCapacity());
        return response[0];
    }

    private void send(String table, String operation, Map<String, AttributeValue> key,
            Supplier<ConsumedCapacity> write) {
        String keyName = keys.get(table);
        Map<String, AttributeValue> before = get(table, key);
        try {
            ConsumedCapacity consumed = write.get();
            writes.add(new Write(table, keyName, operation, before, get(table, key), true, consumed));
        } catch (ConditionalCheckFailedException refused) {
            writes.add(new Write(table, keyName, operation, before, before, false, null));
            throw refused;
        }
    }

    private Map<String, AttributeValue> get(String table, Map<String, AttributeValue> key) {
        Map<String, AttributeValue> item = server.getItem(b -> b.tableName(table).key(key).consistentRead(true))
                .item();
        return item == null || item.isEmpty() ? null : item;
    }

    @Override
    public String serviceName() {
        return SERVICE_NAME;
    }

    @Override
    public void close() {
    }
}
