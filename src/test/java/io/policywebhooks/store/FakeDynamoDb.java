package io.policywebhooks.store;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;

import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemResponse;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemResponse;

/**
 * A DynamoDB client for plain tests of the store: records writes; fails the first {@code conditionFailures} with
 * DynamoDB's ConditionalCheckFailedException (handing back the {@code failedOn} items, as ALL_OLD does), then refuses
 * the first {@code refusals} with {@code error}; each write takes {@code writeMillis}.
 */
public final class FakeDynamoDb implements DynamoDbClient {
    public final List<PutItemRequest> puts = new ArrayList<>();
    public final List<UpdateItemRequest> updates = new ArrayList<>();
    int refusals;
    String error = "ValidationException";
    /** Writes to fail their condition (before any refusal), as when the item exists or is newer. */
    public int conditionFailures;
    /** The item each failed condition hands back (ALL_OLD), in order; none once empty. */
    public final Deque<Map<String, AttributeValue>> failedOn = new ArrayDeque<>();
    /** How long each write takes before it answers. */
    public long writeMillis;

    public FakeDynamoDb(int refusals) {
        this.refusals = refusals;
    }

    private void maybeRefuse() {
        if (writeMillis > 0) {
            try {
                Thread.sleep(writeMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (conditionFailures > 0) {
            conditionFailures--;
            throw ConditionalCheckFailedException.builder().statusCode(400).item(failedOn.poll()).build();
        }
        if (refusals > 0) {
            refusals--;
            throw (DynamoDbException) DynamoDbException.builder().statusCode(400)
                    .awsErrorDetails(AwsErrorDetails.builder().errorCode(error).build()).build();
        }
    }

    @Override
    public PutItemResponse putItem(PutItemRequest request) {
        puts.add(request);
        maybeRefuse();
        return PutItemResponse.builder().build();
    }

    @Override
    public UpdateItemResponse updateItem(UpdateItemRequest request) {
        updates.add(request);
        maybeRefuse();
        return UpdateItemResponse.builder().build();
    }

    @Override
    public String serviceName() {
        return SERVICE_NAME;
    }

    @Override
    public void close() {
    }
}
