package io.policywebhooks.reprocess;

import java.math.BigDecimal;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;

import io.policywebhooks.store.Schema;
import io.policywebhooks.store.WebhookStore;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemResponse;

/**
 * dynalite behind a recorder of the operations called (by table and by index), that can also hold back keys
 * from BatchGetItem (as DynamoDB does under load) and delete an item right after it was read.
 */
final class ObservedDynamoDb implements DynamoDbClient {
    private final DynamoDbClient real;
    private final Map<String, WebhookStore.Table> tableByName;
    final Map<WebhookStore.Table, Set<String>> byTable = new EnumMap<>(WebhookStore.Table.class);
    final Map<String, Set<String>> byIndex = new TreeMap<>();
    int unprocessedRounds;
    int batchGets;
    boolean deleteAfterRead;
    /** Runs before each DeleteItem reaches dynalite (a delivery arriving meanwhile). */
    Consumer<DeleteItemRequest> beforeDelete = request -> {
    };
    /** Runs after each GetItem of a state item (a delivery arriving between the read and the write). */
    Consumer<GetItemRequest> afterStateRead = request -> {
    };
    /** UpdateItem on this table fails as DynamoDB does when it is unavailable. */
    WebhookStore.Table failUpdates;
    /** Return numbers without leading and trailing zeroes, as DynamoDB does. */
    boolean trimNumbers;

    ObservedDynamoDb(DynamoDbClient real, Schema.TableNames tables) {
        this.real = real;
        this.tableByName = Map.of(tables.events(), WebhookStore.Table.EVENTS, tables.policies(),
                WebhookStore.Table.POLICIES, tables.assignments(), WebhookStore.Table.ASSIGNMENTS);
    }

    private void called(String table, String index, String operation) {
        if (index != null) {
            byIndex.computeIfAbsent(index, i -> new TreeSet<>()).add(operation);
        } else {
            byTable.computeIfAbsent(tableByName.get(table), t -> new TreeSet<>()).add(operation);
        }
    }

    @Override
    public ScanResponse scan(ScanRequest request) {
        called(request.tableName(), request.indexName(), "Scan");
        ScanResponse response = real.scan(request);
        if (trimNumbers) {
            response = response.toBuilder().items(response.items().stream().map(ObservedDynamoDb::trimmed).toList())
                    .build();
        }
        if (deleteAfterRead && tableByName.get(request.tableName()) == WebhookStore.Table.EVENTS) {
            response.items().forEach(item -> real.deleteItem(b -> b.tableName(request.tableName())
                    .key(Map.of(Schema.EVENT_ID, item.get(Schema.EVENT_ID)))));
        }
        return response;
    }

    private static Map<String, AttributeValue> trimmed(Map<String, AttributeValue> item) {
        Map<String, AttributeValue> copy = new HashMap<>();
        item.forEach((name, value) -> copy.put(name, trimmed(value)));
        return copy;
    }

    private static AttributeValue trimmed(AttributeValue value) {
        switch (value.type()) {
            case N:
                return AttributeValue.fromN(new BigDecimal(value.n()).stripTrailingZeros().toPlainString());
            case M:
                return AttributeValue.fromM(trimmed(value.m()));
            case L:
                return AttributeValue.fromL(value.l().stream().map(ObservedDynamoDb::trimmed).toList());
            default:
                return value;
        }
    }

    @Override
    public QueryResponse query(QueryRequest request) {
        called(request.tableName(), request.indexName(), "Query");
        return real.query(request);
    }

    @Override
    public GetItemResponse getItem(GetItemRequest request) {
        called(request.tableName(), null, "GetItem");
        GetItemResponse response = real.getItem(request);
        if (tableByName.get(request.tableName()) != WebhookStore.Table.EVENTS) {
            afterStateRead.accept(request);
        }
        return response;
    }

    @Override
    public BatchGetItemResponse batchGetItem(BatchGetItemRequest request) {
        request.requestItems().keySet().forEach(table -> called(table, null, "BatchGetItem"));
        batchGets++;
        if (unprocessedRounds == 0) {
            return real.batchGetItem(request);
        }
        unprocessedRounds--;
        Map.Entry<String, KeysAndAttributes> only = request.requestItems().entrySet().iterator().next();
        List<Map<String, AttributeValue>> keys = only.getValue().keys();
        BatchGetItemResponse first = real.batchGetItem(b -> b.requestItems(Map.of(only.getKey(),
                KeysAndAttributes.builder().keys(keys.get(0)).build())));
        Map<String, KeysAndAttributes> unprocessed = new HashMap<>();
        if (keys.size() > 1) {
            unprocessed.put(only.getKey(), KeysAndAttributes.builder().keys(keys.subList(1, keys.size())).build());
        }
        return first.toBuilder().unprocessedKeys(unprocessed).build();
    }

    @Override
    public UpdateItemResponse updateItem(UpdateItemRequest request) {
        called(request.tableName(), null, "UpdateItem");
        if (tableByName.get(request.tableName()) == failUpdates) {
            throw DynamoDbException.builder().statusCode(503).message("unavailable").build();
        }
        return real.updateItem(request);
    }

    @Override
    public DeleteItemResponse deleteItem(DeleteItemRequest request) {
        called(request.tableName(), null, "DeleteItem");
        beforeDelete.accept(request);
        return real.deleteItem(request);
    }

    @Override
    public String serviceName() {
        return SERVICE_NAME;
    }

    @Override
    public void close() {
        // the real client is the test's
    }
}
