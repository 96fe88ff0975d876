package io.policywebhooks.store;

import static io.policywebhooks.store.AttributeValues.s;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.policywebhooks.ten99policy.Ten99PolicyEvents;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;

/**
 * {@link WriteCost} on the real table definitions ({@link Schema#all}): what a write costs on the table and on each
 * index, by DynamoDB's documented rules, and that the projections are what makes the difference.
 */
class WriteCostTest {
    static final Schema.TableNames NAMES = new Schema.TableNames("e", "p", "a");
    static final CreateTableRequest EVENTS = Schema.all(NAMES).get(0);
    static final CreateTableRequest POLICIES = Schema.all(NAMES).get(1);
    static final String BODY_5KB = "x".repeat(5 * 1024);

    static Map<String, AttributeValue> event(String type, String objectId) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put(Schema.EVENT_ID, s("1099policy#evt_1"));
        item.put(Schema.PROVIDER_ATTRIBUTE, s("1099policy"));
        item.put(Schema.TYPE, s(type));
        item.put(Schema.RECEIVED_AT, s("2026-12-01T10:00:00.000Z"));
        item.put(Schema.DELIVERIES, AttributeValue.fromN("1"));
        item.put(Schema.RAW_BODY, s(BODY_5KB));
        if (objectId != null) {
            item.put(Schema.OBJECT_ID, s(objectId));
        }
        return item;
    }

    @Test
    void aNewEventPaysItsSizeOnTheTableAndItsProjectionOnEachIndex() {
        Map<String, AttributeValue> item = event("policy.active", "pl_1");
        assertEquals(Map.of(WriteCost.TABLE, 6L, Schema.EVENTS_BY_OBJECT, 1L, Schema.EVENTS_BY_TYPE, 1L),
                WriteCost.units(EVENTS, null, item, true), "5 KB body + attributes: 6 units; the indexes hold no body");
        assertEquals(Map.of(WriteCost.TABLE, 6L, Schema.EVENTS_BY_OBJECT, 6L, Schema.EVENTS_BY_TYPE, 6L),
                WriteCost.units(WriteCost.withAllProjections(EVENTS), null, item, true), "ALL: the body three times");
    }

    @Test
    void anItemWithoutTheIndexKeyIsNotInTheIndex() {
        assertEquals(Map.of(WriteCost.TABLE, 6L, Schema.EVENTS_BY_OBJECT, 0L, Schema.EVENTS_BY_TYPE, 1L),
                WriteCost.units(EVENTS, null, event("payout_report_published", null), true));
    }

    @Test
    void aRedeliveryCounterWritesNoIndexThatDoesNotProjectIt() {
        Map<String, AttributeValue> before = event("policy.active", "pl_1");
        Map<String, AttributeValue> after = new HashMap<>(before);
        after.put(Schema.DELIVERIES, AttributeValue.fromN("2"));
        after.put(Schema.LAST_RECEIVED_AT, s("2026-12-01T10:05:00.000Z"));
        assertEquals(Map.of(WriteCost.TABLE, 6L, Schema.EVENTS_BY_OBJECT, 0L, Schema.EVENTS_BY_TYPE, 0L),
                WriteCost.units(EVENTS, before, after, true));
        assertEquals(Map.of(WriteCost.TABLE, 6L, Schema.EVENTS_BY_OBJECT, 6L, Schema.EVENTS_BY_TYPE, 6L),
                WriteCost.units(WriteCost.withAllProjections(EVENTS), before, after, true),
                "ALL projects the counter: both entries rewritten");
    }

    @Test
    void changingAnIndexKeyDeletesAndPutsTheEntry() {
        Map<String, AttributeValue> active = policy("ACTIVE", "2026-12-01T10:00:00.000Z");
        Map<String, AttributeValue> cancelled = policy("CANCELLED", "2026-12-02T10:00:00.000Z");
        assertEquals(Map.of(WriteCost.TABLE, 1L, Schema.POLICIES_BY_STATUS, 2L),
                WriteCost.units(POLICIES, active, cancelled, true), "status is the index's hash key");
    }

    @Test
    void changingOnlyUnprojectedAttributesWritesNoIndexAndAProjectedOneWritesOnce() {
        Map<String, AttributeValue> first = policy("ACTIVE", "2026-12-01T10:00:00.000Z");
        Map<String, AttributeValue> later = policy("ACTIVE", "2026-12-02T10:00:00.000Z");
        assertEquals(Map.of(WriteCost.TABLE, 1L, Schema.POLICIES_BY_STATUS, 0L),
                WriteCost.units(POLICIES, first, later, true), "last_event_at is not projected");
        later.put(Schema.EXPIRATION_DATE, s("2027-12-01T00:00:00.000Z"));
        assertEquals(Map.of(WriteCost.TABLE, 1L, Schema.POLICIES_BY_STATUS, 1L),
                WriteCost.units(POLICIES, first, later, true), "expiration_date is");
    }

    @Test
    void anUpdatePaysTheLargerOfBeforeAndAfter() {
        Map<String, AttributeValue> large = policy("ACTIVE", "t1");
        large.put(Ten99PolicyEvents.CERTIFICATES, s("c".repeat(2900)));
        Map<String, AttributeValue> small = policy("ACTIVE", "t2");
        assertEquals(3L, WriteCost.units(POLICIES, large, small, true).get(WriteCost.TABLE));
        assertEquals(3L, WriteCost.units(POLICIES, small, large, true).get(WriteCost.TABLE));
    }

    @Test
    void aFailedConditionPaysTheExistingItemAndWritesNoIndex() {
        Map<String, AttributeValue> stored = event("policy.active", "pl_1");
        assertEquals(Map.of(WriteCost.TABLE, 6L, Schema.EVENTS_BY_OBJECT, 0L, Schema.EVENTS_BY_TYPE, 0L),
                WriteCost.units(WriteCost.withAllProjections(EVENTS), stored, stored, false));
        assertEquals(1L, WriteCost.units(POLICIES, null, null, false).get(WriteCost.TABLE), "no item: 1 unit");
    }

    static Map<String, AttributeValue> policy(String status, String lastEventAt) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put(Schema.POLICY_ID, s("pl_1"));
        item.put(Schema.STATUS, s(status));
        item.put(Schema.PROVIDER_ATTRIBUTE, s("1099policy"));
        item.put(Schema.LAST_EVENT_AT, s(lastEventAt));
        item.put(Schema.EXPIRATION_DATE, s("2026-12-31T00:00:00.000Z"));
        return item;
    }
}
