package io.policywebhooks.store;

import static io.policywebhooks.Webhooks.s;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.policywebhooks.DynaliteResource;
import io.quarkus.test.junit.QuarkusTest;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;

/**
 * The doc's question 2, "What is the full event history of policy X?": its commands, run on a policy seeded with
 * an active, a cancel, a late event and a redelivery; the policy's state; and 2b, the full events by key.
 */
@QuarkusTest
class PolicyHistoryQueryTest {
    @Inject
    AnalystQueryFixture fixture;
    @Inject
    DynamoDbClient dynamo;

    @Test
    void policyHistoryInArrivalOrder() {
        List<Map<String, AttributeValue>> items = fixture.run("policy-history").items();
        assertEquals(List.of("policy.active", "policy.cancelled", "policy.active.media"),
                items.stream().map(i -> s(i, Schema.TYPE)).toList(), "history of " + fixture.seeded().historyPolicy());
        for (Map<String, AttributeValue> item : items) {
            assertNotNull(s(item, Schema.RECEIVED_AT), item.toString());
            assertNotNull(s(item, Schema.CREATED_AT), item.toString());
            assertTrue(s(item, Schema.EVENT_ID).startsWith("1099policy#"), item.toString());
            assertFalse(item.containsKey(Schema.RAW_BODY), "projection applied: " + item);
        }
    }

    @Test
    void policyState() {
        Map<String, AttributeValue> item = fixture.getItem(fixture.blocks().get("policy-state").local().get(0));
        assertEquals("CANCELLED", s(item, Schema.STATUS), item.toString());
        assertEquals("policy.cancelled", s(item, Schema.LAST_EVENT_TYPE));
    }

    /** 2b: the index holds no body, so the doc fetches the full events by key from the ids the index gives. */
    @Test
    void policyHistoryInFullByKey() {
        List<Map<String, AttributeValue>> items = fixture.runTwoStep("policy-history-full");
        assertEquals(Set.of("policy.active", "policy.cancelled", "policy.active.media"),
                items.stream().map(i -> s(i, Schema.TYPE)).collect(Collectors.toSet()),
                "history of " + fixture.seeded().historyPolicy());
        for (Map<String, AttributeValue> item : items) {
            assertTrue(s(item, Schema.RAW_BODY).contains(fixture.seeded().historyPolicy()), "raw body by key: " + item);
            assertNotNull(item.get(Schema.PAYLOAD), "parsed payload by key: " + item);
        }
        // ... and the index alone does not have them: asked for everything, it answers what it projects.
        List<Map<String, AttributeValue>> fromIndex = dynamo.query(QueryRequest.builder()
                .tableName(DynaliteResource.TABLES.events()).indexName(Schema.EVENTS_BY_OBJECT)
                .keyConditionExpression("object_id = :id")
                .expressionAttributeValues(Map.of(":id", AttributeValue.fromS(fixture.seeded().historyPolicy())))
                .build()).items();
        assertEquals(3, fromIndex.size());
        fromIndex.forEach(i -> assertFalse(i.containsKey(Schema.RAW_BODY) || i.containsKey(Schema.PAYLOAD),
                "the index projects no body: " + i));
    }
}
