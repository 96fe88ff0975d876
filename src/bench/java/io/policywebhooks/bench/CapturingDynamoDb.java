package io.policywebhooks.bench;

import java.time.Instant;

import org.openjdk.jmh.infra.Blackhole;

import io.policywebhooks.store.StateUpdate;
import io.policywebhooks.store.WebhookStore;
import io.policywebhooks.provider.Delivery;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemResponse;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemResponse;

/**
 * A DynamoDB client that does no I/O: it keeps the last PutItem and UpdateItem request {@code WebhookStore} built and
 * answers success. The SDK's own default methods turn the store's builder lambdas into these request objects, so
 * what is measured is exactly the production request construction, minus marshalling and the network.
 */
final class CapturingDynamoDb implements DynamoDbClient {
    private static final PutItemResponse PUT_OK = PutItemResponse.builder().build();
    private static final UpdateItemResponse UPDATE_OK = UpdateItemResponse.builder().build();

    PutItemRequest lastPut;
    UpdateItemRequest lastUpdate;

    @Override
    public PutItemResponse putItem(PutItemRequest request) {
        lastPut = request;
        return PUT_OK;
    }

    @Override
    public UpdateItemResponse updateItem(UpdateItemRequest request) {
        lastUpdate = request;
        return UPDATE_OK;
    }

    /** Has {@code store} (built on this client) build both writes for {@code delivery}; all of it into {@code bh}. */
    void buildWrites(WebhookStore store, Delivery delivery, Instant now, Blackhole bh) {
        bh.consume(store.putEvent(delivery.event()));
        for (StateUpdate state : delivery.states()) {
            bh.consume(store.applyState(state, now));
        }
        bh.consume(lastPut);
        bh.consume(lastUpdate);
    }

    @Override
    public String serviceName() {
        return SERVICE_NAME;
    }

    @Override
    public void close() {
    }
}
