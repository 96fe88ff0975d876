package io.policywebhooks.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

/**
 * How each write tells its own earlier attempt (retried by the SDK after a lost answer) from another delivery's
 * write, by the item its failed condition hands back; why a state write is refused; and the attempt's deadline. A
 * fake client answers as DynamoDB would; the same rules against dynalite, with real lost answers, are in
 * {@code LostAnswerTest}.
 */
class RetriedWritesTest {
    static final Attempt MINE = Attempt.unbounded("d1");

    static Map<String, AttributeValue> item(String... nameValue) {
        Map<String, AttributeValue> item = new HashMap<>();
        for (int i = 0; i < nameValue.length; i += 2) {
            item.put(nameValue[i], AttributeValue.fromS(nameValue[i + 1]));
        }
        return item;
    }

    static Map<String, AttributeValue> counting(String... deliveryIds) {
        Map<String, AttributeValue> item = item(Schema.EVENT_ID, "p#e1");
        item.put(Schema.DELIVERY_IDS, AttributeValue.fromSs(List.of(deliveryIds)));
        return item;
    }

    static FakeDynamoDb failing(List<Map<String, AttributeValue>> failedOn) {
        FakeDynamoDb dynamo = new FakeDynamoDb(0);
        dynamo.conditionFailures = failedOn.size();
        dynamo.failedOn.addAll(failedOn);
        return dynamo;
    }

    static WebhookStore.EventWrite put(FakeDynamoDb dynamo) throws Exception {
        return new WebhookStore(dynamo, WebhookStoreLimitsTest.NAMES)
                .putEvent(WebhookStoreLimitsTest.event("pl_1", "t", "{}"), MINE);
    }

    @Test
    void theFirstPutCarriesItsDeliveryIdAndAsksForTheItemItsConditionFailsOn() throws Exception {
        FakeDynamoDb dynamo = new FakeDynamoDb(0);
        assertFalse(put(dynamo).duplicate());
        assertEquals(List.of("d1"), dynamo.puts.get(0).item().get(Schema.DELIVERY_IDS).ss());
        assertEquals(ReturnValuesOnConditionCheckFailure.ALL_OLD,
                dynamo.puts.get(0).returnValuesOnConditionCheckFailure());
    }

    @Test
    void aPutFailingOnAnItemThatCountsThisDeliveryIsItsOwnRetryNotADuplicate() throws Exception {
        FakeDynamoDb dynamo = failing(List.of(counting("d0", "d1")));
        assertFalse(put(dynamo).duplicate());
        assertEquals(List.of(), dynamo.updates, "nothing counted");
    }

    @Test
    void aPutFailingOnAnotherDeliverysItemCountsThisOneOnceByItsId() throws Exception {
        FakeDynamoDb dynamo = failing(List.of(counting("d0")));
        assertTrue(put(dynamo).duplicate());
        UpdateItemRequest count = dynamo.updates.get(0);
        assertEquals("SET #last = :at ADD #deliveries :one, #ids :ids", count.updateExpression());
        assertEquals("attribute_exists(#id) AND NOT contains(#ids, :delivery)", count.conditionExpression());
        assertEquals(List.of("d1"), count.expressionAttributeValues().get(":ids").ss());
        assertEquals("d1", count.expressionAttributeValues().get(":delivery").s());
        assertEquals(Schema.DELIVERY_IDS, count.expressionAttributeNames().get("#ids"));
        assertEquals(ReturnValuesOnConditionCheckFailure.ALL_OLD, count.returnValuesOnConditionCheckFailure());
    }

    @Test
    void aCountFailingOnAnItemThatAlreadyCountsThisDeliveryIsDone() throws Exception {
        FakeDynamoDb dynamo = failing(List.of(counting("d0"), counting("d0", "d1")));
        assertTrue(put(dynamo).duplicate());
        assertEquals(1, dynamo.updates.size());
    }

    @Test
    void aCountFailingOtherwisePropagatesForTheProviderToRetry() {
        Map<String, AttributeValue> gone = Map.of(); // no item to hand back
        FakeDynamoDb dynamo = failing(List.of(counting("d0"), gone));
        assertThrows(ConditionalCheckFailedException.class, () -> put(dynamo));
    }

    /** A stored event of {@code bytes} in all (per {@link DynamoLimits#itemBytes}), counting {@code d0}. */
    static Map<String, AttributeValue> storedOf(long bytes) {
        Map<String, AttributeValue> item = counting("d0");
        long rest = bytes - DynamoLimits.itemBytes(item) - Schema.RAW_BODY.length();
        item.put(Schema.RAW_BODY, AttributeValue.fromS("x".repeat((int) rest)));
        assertEquals(bytes, DynamoLimits.itemBytes(item));
        return item;
    }

    @Test
    void nearTheItemSizeARedeliveryIsCountedWithoutItsId() throws Exception {
        long idBytes = "d1".length();
        FakeDynamoDb fits = failing(List.of(storedOf(DynamoLimits.MAX_ITEM_BYTES - idBytes)));
        put(fits);
        assertTrue(fits.updates.get(0).updateExpression().contains("#ids"), "exactly at the limit: with its id");
        FakeDynamoDb over = failing(List.of(storedOf(DynamoLimits.MAX_ITEM_BYTES - idBytes + 1)));
        put(over);
        assertEquals("SET #last = :at ADD #deliveries :one", over.updates.get(0).updateExpression());
        assertEquals("attribute_exists(#id)", over.updates.get(0).conditionExpression());
        assertFalse(over.updates.get(0).expressionAttributeValues().containsKey(":delivery"));
    }

    static StateUpdate state(Long version, String orderKey) {
        return new StateUpdate(StateUpdate.Kind.POLICY, "pl_1", version, orderKey,
                StateUpdate.attributes("p", "ACTIVE", "policy.active", "p#e1", WebhookStoreLimitsTest.AT));
    }

    /**
     * What a state write whose guard fails reports, by the item it failed on: the stored last event and delivery,
     * and the stored version ("-" for none).
     */
    @ParameterizedTest
    @CsvSource({
            "'', 1#p#e1, p#e1, d1, -, APPLIED, ''",
            "'', 1#p#e1, p#e1, d0, -, STALE, ''",
            "'', 1#p#e1, p#e0, d0, -, STALE, ''",
            "'', 0, p#e0, d0, -, REFUSED, UNREADABLE_TIME",
            "'', 0, p#e1, d0, -, STALE, ''",
            "'', 0, p#e1, d1, -, APPLIED, ''",
            "2, 0, p#e0, d0, 3, STALE, ''",
            "2, 0, p#e0, d0, 2, REFUSED, UNREADABLE_TIME",
            "2, 0, p#e0, d0, -, REFUSED, UNREADABLE_TIME",
            "'', 0, p#e0, d0, 3, REFUSED, UNREADABLE_TIME"})
    void aFailedGuardIsAppliedStaleOrRefusedByTheItemItFailedOn(String version, String orderKey, String storedEvent,
            String storedDelivery, String storedVersion, WebhookStore.Applied applied, String refusal) {
        Map<String, AttributeValue> stored = item(Schema.LAST_EVENT_ID, storedEvent, Schema.LAST_DELIVERY_ID,
                storedDelivery);
        if (!storedVersion.equals("-")) {
            stored.put(Schema.VERSION, AttributeValue.fromN(storedVersion));
        }
        FakeDynamoDb dynamo = failing(List.of(stored));
        WebhookStore.StateWrite written = new WebhookStore(dynamo, WebhookStoreLimitsTest.NAMES)
                .applyState(state(version.isEmpty() ? null : Long.valueOf(version), orderKey),
                        WebhookStoreLimitsTest.AT, MINE);
        assertEquals(applied, written.applied());
        assertEquals(refusal.isEmpty() ? null : WebhookStore.Refusal.valueOf(refusal), written.refusal());
        UpdateItemRequest request = dynamo.updates.get(0);
        assertEquals(ReturnValuesOnConditionCheckFailure.ALL_OLD, request.returnValuesOnConditionCheckFailure());
        assertTrue(request.expressionAttributeValues().containsValue(AttributeValue.fromS("d1")),
                "the state records the delivery that wrote it");
    }

    @Test
    void aPassedDeadlineStopsBeforeAnyCall() throws Exception {
        Attempt late = Attempt.within("d1", Duration.ZERO);
        assertTrue(late.expired());
        FakeDynamoDb dynamo = new FakeDynamoDb(0);
        WebhookStore store = new WebhookStore(dynamo, WebhookStoreLimitsTest.NAMES);
        EventRecord event = WebhookStoreLimitsTest.event("pl_1", "t", "{}");
        assertThrows(Attempt.DeadlineReached.class, () -> store.putEvent(event, late));
        assertThrows(Attempt.DeadlineReached.class,
                () -> store.applyState(state(null, "1#p#e1"), WebhookStoreLimitsTest.AT, late));
        assertEquals(List.of(), dynamo.puts);
        assertEquals(List.of(), dynamo.updates);
    }

    @Test
    void eachCallGetsWhatIsLeftOfTheDeadlineAtMostTheCallTimeout() throws Exception {
        FakeDynamoDb dynamo = new FakeDynamoDb(0);
        WebhookStore store = new WebhookStore(dynamo, WebhookStoreLimitsTest.NAMES);
        EventRecord event = WebhookStoreLimitsTest.event("pl_1", "t", "{}");
        store.putEvent(event, Attempt.within("d1", Duration.ofSeconds(30)));
        store.putEvent(event, Attempt.within("d2", Duration.ofMillis(800)));
        store.putEvent(event, MINE);
        assertEquals(WebhookStore.CALL_TIMEOUT, timeout(dynamo, 0));
        Duration short800 = timeout(dynamo, 1);
        assertTrue(short800.compareTo(Duration.ZERO) > 0 && short800.compareTo(Duration.ofMillis(800)) <= 0,
                short800.toString());
        assertNull(timeout(dynamo, 2), "no deadline: the client's own budget");
        assertFalse(MINE.expired());
    }

    private static Duration timeout(FakeDynamoDb dynamo, int put) {
        return dynamo.puts.get(put).overrideConfiguration().flatMap(o -> o.apiCallTimeout()).orElse(null);
    }
}
