package io.policywebhooks.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemResponse;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemResponse;

/**
 * What the store leaves out before writing, and what it falls back to when DynamoDB still refuses an item. A fake
 * client (it refuses the first writes with DynamoDB's ValidationException or a throttle) stands in for what dynalite
 * does not enforce; the whole flow against dynalite is in the @QuarkusTest classes.
 */
class WebhookStoreLimitsTest {
    static final Instant AT = Instant.parse("2026-01-02T03:04:05Z");
    static final Tables.Names NAMES = new Tables.Names("events", "policies", "assignments");

    /** Records writes; refuses the first {@code refusals} with {@code error}. */
    static final class FakeDynamoDb implements DynamoDbClient {
        final List<PutItemRequest> puts = new ArrayList<>();
        final List<UpdateItemRequest> updates = new ArrayList<>();
        int refusals;
        String error = "ValidationException";

        FakeDynamoDb(int refusals) {
            this.refusals = refusals;
        }

        private void maybeRefuse() {
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

    static EventRecord event(String objectId, String type, String payloadJson) throws Exception {
        byte[] raw = payloadJson.getBytes(StandardCharsets.UTF_8);
        return new EventRecord("p#e1", "p", type, "policy", objectId, null, AT, raw, new ObjectMapper().readTree(raw),
                Map.of(), null);
    }

    @Test
    void eventKeyAttributesOverTheirLimitsAreLeftOutAndNamed() throws Exception {
        List<String> leftOut = new ArrayList<>();
        Map<String, AttributeValue> item = WebhookStore.eventItem(event("x".repeat(2049), "t".repeat(2049), "{}"),
                leftOut);
        assertEquals(List.of("event.type", "event.object_id"), leftOut);
        assertFalse(item.containsKey(Tables.OBJECT_ID));
        assertFalse(item.containsKey(Tables.TYPE));
        assertEquals("{}", item.get(Tables.RAW_BODY).s());
        assertEquals("1", item.get(Tables.DELIVERIES).n());
        assertEquals("2026-01-02T03:04:05.000Z", item.get(Tables.LAST_RECEIVED_AT).s());

        leftOut.clear();
        item = WebhookStore.eventItem(event("x".repeat(2048), "t".repeat(2048), "{}"), leftOut);
        assertEquals(List.of(), leftOut, "exactly at the limit fits");
        assertEquals(2048, item.get(Tables.OBJECT_ID).s().length());
    }

    @Test
    void aPayloadThatWouldOverflowTheItemIsLeftOutAndTheRawBodyKept() throws Exception {
        // Many tiny elements: the map form is far larger than the text.
        StringBuilder json = new StringBuilder("[");
        for (int i = 0; i < 60_000; i++) {
            json.append(i == 0 ? "" : ",").append("[1]");
        }
        String text = json.append("]").toString();
        List<String> leftOut = new ArrayList<>();
        Map<String, AttributeValue> item = WebhookStore.eventItem(event("pl_1", "t", text), leftOut);
        assertEquals(List.of("event.payload"), leftOut);
        assertNull(item.get(Tables.PAYLOAD));
        assertEquals("parsed JSON over DynamoDB's item size", item.get(Tables.PARSE_ERROR).s());
        assertEquals(text, item.get(Tables.RAW_BODY).s());
        assertTrue(DynamoLimits.itemBytes(item) <= DynamoLimits.MAX_ITEM_BYTES);
    }

    @Test
    void anEventDynamoDbStillRefusesIsStoredAsTheSmallestItem() throws Exception {
        FakeDynamoDb dynamo = new FakeDynamoDb(1);
        WebhookStore.EventWrite written = new WebhookStore(dynamo, NAMES).putEvent(event("pl_1", "t", "{\"a\":1}"));
        assertFalse(written.duplicate());
        assertEquals(List.of("event.object_id", "event.object_type", "event.payload", "event.type"),
                written.leftOut());
        Map<String, AttributeValue> minimal = dynamo.puts.get(1).item();
        assertEquals(Map.of("event_id", "p#e1", "provider", "p", "raw_body", "{\"a\":1}"),
                Map.of("event_id", minimal.get("event_id").s(), "provider", minimal.get("provider").s(),
                        "raw_body", minimal.get("raw_body").s()));
        assertEquals("1", minimal.get(Tables.DELIVERIES).n());
        assertEquals("refused by DynamoDB; stored raw", minimal.get(Tables.PARSE_ERROR).s());
        assertFalse(minimal.containsKey(Tables.PAYLOAD));
    }

    @Test
    void anythingButAValidationExceptionPropagatesSoTheProviderRetries() throws Exception {
        FakeDynamoDb dynamo = new FakeDynamoDb(1);
        dynamo.error = "ProvisionedThroughputExceededException";
        WebhookStore store = new WebhookStore(dynamo, NAMES);
        assertThrows(DynamoDbException.class, () -> store.putEvent(event("pl_1", "t", "{}")));
        assertEquals(1, dynamo.puts.size(), "no fallback write");

        FakeDynamoDb states = new FakeDynamoDb(1);
        states.error = "InternalServerError";
        assertThrows(DynamoDbException.class,
                () -> new WebhookStore(states, NAMES).applyState(state("pl_1", Map.of("status", "ACTIVE")), AT));
    }

    static StateUpdate state(String id, Map<String, Object> attributes) {
        return new StateUpdate(StateUpdate.Kind.POLICY, id, null, "1#e", new HashMap<>(attributes));
    }

    @Test
    void aStateKeyDynamoDbCannotHoldWritesNoState() {
        FakeDynamoDb dynamo = new FakeDynamoDb(0);
        WebhookStore store = new WebhookStore(dynamo, NAMES);
        WebhookStore.StateWrite refused = store.applyState(state("x".repeat(1025), Map.of("status", "ACTIVE")), AT);
        assertEquals(WebhookStore.Applied.REFUSED, refused.applied());
        assertEquals(List.of("policy"), refused.leftOut());
        assertTrue(dynamo.updates.isEmpty());

        WebhookStore.StateWrite fits = store.applyState(state("x".repeat(1024), Map.of("status", "ACTIVE")), AT);
        assertEquals(WebhookStore.Applied.APPLIED, fits.applied());
        assertEquals(List.of(), fits.leftOut());
    }

    @Test
    void stateAttributesDynamoDbRefusesAreLeftOutByName() {
        FakeDynamoDb dynamo = new FakeDynamoDb(0);
        Map<String, Object> attributes = new HashMap<>();
        attributes.put("status", "ACTIVE");
        attributes.put("premium_amount", new java.math.BigInteger("1".repeat(39)));
        attributes.put("contractor", "c".repeat(2049));
        attributes.put("policy_number", "PN-1");
        WebhookStore.StateWrite written = new WebhookStore(dynamo, NAMES).applyState(state("pl_1", attributes), AT);
        assertEquals(WebhookStore.Applied.APPLIED, written.applied());
        assertEquals(List.of("policy.premium_amount"), written.leftOut(),
                "contractor is no key of the policies table: a long one fits");
        Map<String, AttributeValue> values = dynamo.updates.get(0).expressionAttributeValues();
        assertTrue(values.containsValue(AttributeValue.fromS("PN-1")));
        assertFalse(values.values().stream().anyMatch(v -> v.n() != null && v.n().length() > 38));
    }

    @Test
    void aStateDynamoDbStillRefusesFallsBackToItsCoreAndThenToNone() {
        Map<String, Object> attributes = Map.of("status", "ACTIVE", "provider", "p", "policy_number", "PN-1",
                "customer_note", "n");
        FakeDynamoDb once = new FakeDynamoDb(1);
        WebhookStore.StateWrite core = new WebhookStore(once, NAMES).applyState(state("pl_1", attributes), AT);
        assertEquals(WebhookStore.Applied.APPLIED, core.applied());
        assertEquals(List.of("policy.customer_note", "policy.policy_number"), core.leftOut());
        Map<String, String> names = once.updates.get(1).expressionAttributeNames();
        assertTrue(names.containsValue("status"));
        assertFalse(names.containsValue("policy_number"));

        FakeDynamoDb always = new FakeDynamoDb(2);
        WebhookStore.StateWrite none = new WebhookStore(always, NAMES).applyState(state("pl_1", attributes), AT);
        assertEquals(WebhookStore.Applied.REFUSED, none.applied());
        assertEquals(List.of("policy.customer_note", "policy.policy_number", "policy"), none.leftOut());
    }

    @Test
    void theGuardComparesVersionsOnlyWhenTheEventCarriesOne() {
        FakeDynamoDb dynamo = new FakeDynamoDb(0);
        WebhookStore store = new WebhookStore(dynamo, NAMES);
        store.applyState(state("pl_1", Map.of("status", "ACTIVE")), AT);
        assertEquals("attribute_not_exists(#key) OR #order < :order", dynamo.updates.get(0).conditionExpression());
        assertFalse(dynamo.updates.get(0).expressionAttributeNames().containsValue(Tables.VERSION),
                "no version: a stored one is kept");
        store.applyState(new StateUpdate(StateUpdate.Kind.POLICY, "pl_1", 3L, "1#e", Map.of()), AT);
        assertEquals("3", dynamo.updates.get(1).expressionAttributeValues().get(":version").n());
    }
}
