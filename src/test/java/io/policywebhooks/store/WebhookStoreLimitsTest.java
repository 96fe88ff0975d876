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
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import io.policywebhooks.ten99policy.Ten99PolicyProvider;
import io.policywebhooks.verticalinsure.VerticalInsureEvents;
import software.amazon.awssdk.core.SdkBytes;

import com.fasterxml.jackson.databind.ObjectMapper;

import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

/**
 * What the store leaves out before writing, and what it falls back to when DynamoDB still refuses an item. A fake
 * client (it refuses the first writes with DynamoDB's ValidationException or a throttle) stands in for what dynalite
 * does not enforce; the whole flow against dynalite is in the @QuarkusTest classes.
 */
class WebhookStoreLimitsTest {
    static final Instant AT = Instant.parse("2026-01-02T03:04:05Z");
    static final Schema.TableNames NAMES = new Schema.TableNames("events", "policies", "assignments");

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
        assertFalse(item.containsKey(Schema.OBJECT_ID));
        assertFalse(item.containsKey(Schema.TYPE));
        assertEquals("{}", item.get(Schema.RAW_BODY).s());
        assertEquals("1", item.get(Schema.DELIVERIES).n());
        assertEquals("2026-01-02T03:04:05.000Z", item.get(Schema.LAST_RECEIVED_AT).s());

        leftOut.clear();
        item = WebhookStore.eventItem(event("x".repeat(2048), "t".repeat(2048), "{}"), leftOut);
        assertEquals(List.of(), leftOut, "exactly at the limit fits");
        assertEquals(2048, item.get(Schema.OBJECT_ID).s().length());
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
        assertNull(item.get(Schema.PAYLOAD));
        assertEquals("parsed JSON over DynamoDB's item size", item.get(Schema.PARSE_ERROR).s());
        assertEquals(text, item.get(Schema.RAW_BODY).s());
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
        assertEquals("1", minimal.get(Schema.DELIVERIES).n());
        assertEquals("refused by DynamoDB; stored raw", minimal.get(Schema.PARSE_ERROR).s());
        assertFalse(minimal.containsKey(Schema.PAYLOAD));
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
    void theStoreCallsExactlyItsDeclaredOperations() throws Exception {
        FakeDynamoDb dynamo = new FakeDynamoDb(0);
        WebhookStore store = new WebhookStore(dynamo, NAMES);
        store.putEvent(event("pl_1", "t", "{}"));
        dynamo.conditionFailures = 1; // the event is stored already
        assertTrue(store.putEvent(event("pl_1", "t", "{}")).duplicate());
        store.applyState(state("pl_1", Map.of("status", "ACTIVE")), AT);
        store.applyState(new StateUpdate(StateUpdate.Kind.ASSIGNMENT, "an_1", null, "1#e", Map.of()), AT);

        Map<String, WebhookStore.Table> tables = Map.of("events", WebhookStore.Table.EVENTS, "policies",
                WebhookStore.Table.POLICIES, "assignments", WebhookStore.Table.ASSIGNMENTS);
        Map<WebhookStore.Table, java.util.Set<String>> called = new java.util.EnumMap<>(WebhookStore.Table.class);
        dynamo.puts.forEach(p -> called.computeIfAbsent(tables.get(p.tableName()), t -> new java.util.TreeSet<>())
                .add("PutItem"));
        dynamo.updates.forEach(u -> called.computeIfAbsent(tables.get(u.tableName()), t -> new java.util.TreeSet<>())
                .add("UpdateItem"));
        assertEquals(WebhookStore.OPERATIONS, called);
    }

    @Test
    void theGuardComparesVersionsOnlyWhenTheEventCarriesOne() {
        FakeDynamoDb dynamo = new FakeDynamoDb(0);
        WebhookStore store = new WebhookStore(dynamo, NAMES);
        store.applyState(state("pl_1", Map.of("status", "ACTIVE")), AT);
        assertEquals("attribute_not_exists(#key) OR #order < :order", dynamo.updates.get(0).conditionExpression());
        assertFalse(dynamo.updates.get(0).expressionAttributeNames().containsValue(Schema.VERSION),
                "no version: a stored one is kept");
        store.applyState(new StateUpdate(StateUpdate.Kind.POLICY, "pl_1", 3L, "1#e", Map.of()), AT);
        assertEquals("3", dynamo.updates.get(1).expressionAttributeValues().get(":version").n());
    }
    @Test
    void aNewEventIsPutOnlyIfAbsent() throws Exception {
        FakeDynamoDb dynamo = new FakeDynamoDb(0);
        WebhookStore.EventWrite written = new WebhookStore(dynamo, NAMES).putEvent(event("pl_1", "t", "{}"));
        assertEquals(new WebhookStore.EventWrite(false, List.of()), written);
        PutItemRequest put = dynamo.puts.get(0);
        assertEquals("events", put.tableName());
        assertEquals("attribute_not_exists(#id)", put.conditionExpression());
        assertEquals(Map.of("#id", Schema.EVENT_ID), put.expressionAttributeNames());
        assertEquals("p#e1", put.item().get(Schema.EVENT_ID).s());
        assertTrue(dynamo.updates.isEmpty());
    }

    @Test
    void aRedeliveryOfAStoredEventIsCountedOnIt() throws Exception {
        FakeDynamoDb dynamo = new FakeDynamoDb(0);
        dynamo.conditionFailures = 1;
        WebhookStore.EventWrite written = new WebhookStore(dynamo, NAMES).putEvent(event("pl_1", "t", "{}"),
                Attempt.unbounded("d1"));
        assertEquals(new WebhookStore.EventWrite(true, List.of()), written);
        UpdateItemRequest count = dynamo.updates.get(0);
        assertEquals("events", count.tableName());
        assertEquals(Map.of(Schema.EVENT_ID, AttributeValue.fromS("p#e1")), count.key());
        assertEquals("SET #last = :at ADD #deliveries :one, #ids :ids", count.updateExpression());
        assertEquals("attribute_exists(#id) AND NOT contains(#ids, :delivery)", count.conditionExpression());
        assertEquals(Map.of("#id", Schema.EVENT_ID, "#last", Schema.LAST_RECEIVED_AT, "#deliveries", Schema.DELIVERIES,
                "#ids", Schema.DELIVERY_IDS), count.expressionAttributeNames());
        assertEquals(Map.of(":at", AttributeValue.fromS("2026-01-02T03:04:05.000Z"), ":one", AttributeValue.fromN("1"),
                ":ids", AttributeValue.fromSs(List.of("d1")), ":delivery", AttributeValue.fromS("d1")),
                count.expressionAttributeValues());
    }

    @Test
    void theEventsOwnAttributesAndProviderExtrasAreStored() {
        byte[] raw = "{}".getBytes(StandardCharsets.UTF_8);
        EventRecord event = new EventRecord("p#e1", "p", "t", "policy", "pl_1", Instant.parse("2025-05-06T07:08:09Z"),
                AT, raw, new ObjectMapper().createObjectNode(), Map.of("is_test", true, "convoy_event_id", "ev"),
                "created unreadable");
        List<String> leftOut = new ArrayList<>();
        Map<String, AttributeValue> item = WebhookStore.eventItem(event, leftOut);
        assertEquals(List.of(), leftOut);
        assertEquals(AttributeValue.fromBool(true), item.get(VerticalInsureEvents.IS_TEST));
        assertEquals(AttributeValue.fromS("ev"), item.get(Ten99PolicyProvider.CONVOY_EVENT_ID));
        assertEquals(AttributeValue.fromS("2025-05-06T07:08:09.000Z"), item.get(Schema.CREATED_AT));
        assertEquals(AttributeValue.fromS("created unreadable"), item.get(Schema.PARSE_NOTE));
        assertEquals(AttributeValue.fromM(Map.of()), item.get(Schema.PAYLOAD));
        assertFalse(item.containsKey(Schema.PARSE_ERROR));
    }

    @Test
    void aBodyThatIsNotUtf8IsStoredAsItsExactBytes() {
        byte[] raw = {'{', (byte) 0xff, '}'};
        EventRecord event = new EventRecord("p#e1", "p", "t", null, null, null, AT, raw, null, Map.of(), null);
        Map<String, AttributeValue> item = WebhookStore.eventItem(event, new ArrayList<>());
        assertFalse(item.containsKey(Schema.RAW_BODY));
        assertEquals(SdkBytes.fromByteArray(raw), item.get(Schema.RAW_BODY_BYTES).b());
        assertEquals("body is not JSON", item.get(Schema.PARSE_ERROR).s());
    }

    @Test
    void jsonWithoutADynamoDbFormIsLeftOutAndNamed() throws Exception {
        List<String> leftOut = new ArrayList<>();
        Map<String, AttributeValue> item = WebhookStore.eventItem(event("pl_1", "t", "{\"\":1}"), leftOut);
        assertEquals(List.of("event.payload"), leftOut);
        assertFalse(item.containsKey(Schema.PAYLOAD));
        assertEquals("JSON has no DynamoDB form", item.get(Schema.PARSE_ERROR).s());
        assertEquals("{\"\":1}", item.get(Schema.RAW_BODY).s());
    }

    @Test
    void anEventItemOfExactlyTheMaximumSizeKeepsItsPayload() throws Exception {
        // Trailing blanks grow the raw body only; the parsed payload stays {"a":1}.
        long small = DynamoLimits.itemBytes(WebhookStore.eventItem(event("pl_1", "t", "{\"a\":1}"), new ArrayList<>()));
        String exactly = "{\"a\":1}" + " ".repeat((int) (DynamoLimits.MAX_ITEM_BYTES - small));
        List<String> leftOut = new ArrayList<>();
        Map<String, AttributeValue> item = WebhookStore.eventItem(event("pl_1", "t", exactly), leftOut);
        assertEquals(DynamoLimits.MAX_ITEM_BYTES, DynamoLimits.itemBytes(item));
        assertEquals(List.of(), leftOut);
        assertTrue(item.containsKey(Schema.PAYLOAD));

        item = WebhookStore.eventItem(event("pl_1", "t", exactly + " "), leftOut);
        assertEquals(List.of("event.payload"), leftOut, "one byte more");
        assertFalse(item.containsKey(Schema.PAYLOAD));
    }

    /** DynamoDB's placeholder syntax: {@code SET #name = :value, …}, names and values alphanumeric. */
    static final Pattern SET = Pattern.compile("SET #\\w+ = :\\w+(, #\\w+ = :\\w+)*");
    static final Pattern ASSIGNMENT = Pattern.compile("(#\\w+) = (:\\w+)");

    /** The attributes a state update sets, read back through its placeholders (checking the expression's syntax). */
    static Map<String, AttributeValue> setBy(UpdateItemRequest update) {
        assertTrue(SET.matcher(update.updateExpression()).matches(), update.updateExpression());
        Map<String, AttributeValue> set = new HashMap<>();
        Matcher m = ASSIGNMENT.matcher(update.updateExpression());
        while (m.find()) {
            String name = update.expressionAttributeNames().get(m.group(1));
            AttributeValue value = update.expressionAttributeValues().get(m.group(2));
            assertTrue(name != null && value != null, m.group());
            assertNull(set.put(name, value), "set twice: " + name);
        }
        return set;
    }

    @Test
    void aStateUpdateSetsEveryAttributeOnceInValidSyntax() {
        FakeDynamoDb dynamo = new FakeDynamoDb(0);
        WebhookStore store = new WebhookStore(dynamo, NAMES);
        store.applyState(state("pl_1", Map.of("status", "ACTIVE", "policy_number", "PN-1", "pl", true)), AT,
                Attempt.unbounded("d1"));
        assertEquals(Map.of("status", AttributeValue.fromS("ACTIVE"), "policy_number", AttributeValue.fromS("PN-1"),
                "pl", AttributeValue.fromBool(true), "last_event_order", AttributeValue.fromS("1#e"),
                "updated_at", AttributeValue.fromS("2026-01-02T03:04:05.000Z"),
                "last_delivery_id", AttributeValue.fromS("d1")), setBy(dynamo.updates.get(0)));
        assertEquals(Map.of("policy_id", AttributeValue.fromS("pl_1")), dynamo.updates.get(0).key());
        assertEquals("policies", dynamo.updates.get(0).tableName());

        store.applyState(new StateUpdate(StateUpdate.Kind.ASSIGNMENT, "an_1", 3L, "1#e", Map.of("status", "ACTIVE")), AT);
        UpdateItemRequest versioned = dynamo.updates.get(1);
        assertEquals("assignments", versioned.tableName());
        assertEquals(Map.of("assignment_id", AttributeValue.fromS("an_1")), versioned.key());
        assertEquals(AttributeValue.fromN("3"), setBy(versioned).get(Schema.VERSION), "the version is stored with the state");
    }

    @Test
    void anOlderOrTheSameEventLeavesTheStateAsItIs() {
        FakeDynamoDb dynamo = new FakeDynamoDb(0);
        dynamo.conditionFailures = 1;
        WebhookStore.StateWrite written = new WebhookStore(dynamo, NAMES)
                .applyState(state("pl_1", Map.of("status", "ACTIVE")), AT);
        assertEquals(new WebhookStore.StateWrite(WebhookStore.Applied.STALE, List.of()), written);
        assertEquals(1, dynamo.updates.size());
    }

    /** The state as written, after the store fits it to DynamoDB's item size. */
    static WebhookStore.StateWrite applyTo(FakeDynamoDb dynamo, Map<String, Object> attributes) {
        return new WebhookStore(dynamo, NAMES).applyState(state("pl_1", new HashMap<>(attributes)), AT);
    }

    @Test
    void aStateThatFitsWithAMaximalKeyIsWrittenWholeAndOneByteMoreDropsAnAttribute() {
        FakeDynamoDb probe = new FakeDynamoDb(0);
        applyTo(probe, Map.of("status", "ACTIVE", "notes", "n"));
        long withOneByte = DynamoLimits.itemBytes(setBy(probe.updates.get(0)));
        // the store reserves the largest key (1,024 bytes) for the item's key attribute
        int fits = 1 + (int) (DynamoLimits.MAX_ITEM_BYTES - DynamoLimits.MAX_SORT_KEY_BYTES - withOneByte);

        FakeDynamoDb dynamo = new FakeDynamoDb(0);
        WebhookStore.StateWrite whole = applyTo(dynamo, Map.of("status", "ACTIVE", "notes", "n".repeat(fits)));
        assertEquals(List.of(), whole.leftOut());
        Map<String, AttributeValue> set = setBy(dynamo.updates.get(0));
        assertEquals(DynamoLimits.MAX_ITEM_BYTES, DynamoLimits.itemBytes(set) + DynamoLimits.MAX_SORT_KEY_BYTES);

        WebhookStore.StateWrite over = applyTo(dynamo, Map.of("status", "ACTIVE", "notes", "n".repeat(fits + 1)));
        assertEquals(WebhookStore.Applied.APPLIED, over.applied());
        assertEquals(List.of("policy.notes"), over.leftOut());
        assertFalse(setBy(dynamo.updates.get(1)).containsKey("notes"));
        assertEquals(AttributeValue.fromS("ACTIVE"), setBy(dynamo.updates.get(1)).get("status"));
    }

    @Test
    void anOversizedStateDropsItsLargestAttributeFirstAndNeverACoreOne() {
        List<String> names = List.of("alpha", "beta", "gamma", "delta");
        for (String largest : names) {
            Map<String, Object> attributes = new HashMap<>();
            attributes.put("status", "ACTIVE");
            for (String name : names) {
                attributes.put(name, "x".repeat(name.equals(largest) ? 250_000 : 60_000));
            }
            FakeDynamoDb dynamo = new FakeDynamoDb(0);
            assertEquals(List.of("policy." + largest), applyTo(dynamo, attributes).leftOut(), largest);
        }

        // last_event_type is part of the core state: the largest, but a smaller non-core attribute goes instead
        FakeDynamoDb dynamo = new FakeDynamoDb(0);
        WebhookStore.StateWrite written = applyTo(dynamo, Map.of("status", "ACTIVE",
                Schema.LAST_EVENT_TYPE, "t".repeat(300_000), "notes", "n".repeat(200_000)));
        assertEquals(List.of("policy.notes"), written.leftOut());
        assertEquals(300_000, setBy(dynamo.updates.get(0)).get(Schema.LAST_EVENT_TYPE).s().length());
    }
}
