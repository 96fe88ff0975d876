package io.policywebhooks.reprocess;

import static io.policywebhooks.reprocess.EarlierMappings.*;
import static io.policywebhooks.reprocess.ReprocessFixture.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import io.policywebhooks.TestProviders;
import io.policywebhooks.provider.Delivery;
import io.policywebhooks.provider.Headers;
import io.policywebhooks.provider.Providers;
import io.policywebhooks.store.EventRecord;
import io.policywebhooks.store.ReprocessStore;
import io.policywebhooks.store.Schema;
import io.policywebhooks.ten99policy.Ten99PolicyEvents;
import io.policywebhooks.ten99policy.Ten99PolicyProvider;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The event item: its parsed attributes become today's mapping's, what the delivery recorded (counts, receipt, kept
 * headers, the stored key) never changes, an item is never created, and a value DynamoDB returns in its own form is
 * no change.
 */
@ExtendWith(ReprocessFixture.class)
class ReprocessEventRefreshTest {
    @Test
    void reprocessingNeverChangesDeliveryCountsOrReceiptTimes(ReprocessFixture db) {
        byte[] body = policyEvent("evt_c", "policy.cancelled", "pl_1", 100);
        Headers convoy = Headers.of(Map.of("X-Convoy-Idempotency-Key", "idem-1", "X-Convoy-Event-ID", "cv-1"));
        String id = db.receive(TEN99, IGNORES_CANCELLED, body, convoy, T0);
        db.receive(TEN99, IGNORES_CANCELLED, body, Headers.of(Map.of()), T0.plusSeconds(300)); // a redelivery
        Map<String, AttributeValue> before = db.event(id);
        assertEquals("2", before.get(Schema.DELIVERIES).n());

        assertEquals(counts(1, 1, 0, 0, 0), db.reprocessor(null).run(Selection.all(), false, new Recorder()));
        Map<String, AttributeValue> after = db.event(id);
        assertEquals("pl_1", after.get(Schema.OBJECT_ID).s(), "the event was refreshed");
        for (String kept : ReprocessStore.RECORDED) {
            assertEquals(before.get(kept), after.get(kept), kept);
        }
        assertEquals(List.of("2", "2026-11-30T08:00:00.000Z", "2026-11-30T08:05:00.000Z", "idem-1"),
                List.of(after.get(Schema.DELIVERIES).n(), after.get(Schema.RECEIVED_AT).s(),
                        after.get(Schema.LAST_RECEIVED_AT).s(),
                        after.get(Ten99PolicyProvider.CONVOY_IDEMPOTENCY_KEY).s()));
    }

    @Test
    void theMappingGetsTheStoredKeptHeadersBack(ReprocessFixture db) {
        db.receive(TEN99, Providers.named(TEN99)::map, policyEvent("evt_a", "policy.active", "pl_1", 100),
                Headers.of(Map.of("X-Convoy-Idempotency-Key", "idem-1", "X-Convoy-Event-ID", "cv-1")), T0);
        List<List<String>> seen = new ArrayList<>();
        TestProviders.Mapper spy = (raw, json, headers, at) -> {
            seen.add(Arrays.asList(headers.get(Ten99PolicyProvider.IDEMPOTENCY_KEY_HEADER),
                    headers.get(Ten99PolicyProvider.EVENT_ID_HEADER)));
            return Ten99PolicyEvents.map(raw, json, at);
        };
        // Already right: the kept headers are the delivery's, so they stay as stored.
        assertEquals(counts(1, 0, 1, 0, 0), db.reprocessorWith(List.of(TestProviders.mappingWith(
                Providers.named(TEN99), spy))).run(Selection.all(), false, new Recorder()));
        assertEquals(List.of(List.of("idem-1", "cv-1")), seen);
    }

    @Test
    void aMappingThatNowGivesAnotherIdKeepsTheStoredKey(ReprocessFixture db) {
        TestProviders.Mapper legacyIds = (raw, json, headers, at) -> {
            Delivery d = IGNORES_CANCELLED.map(raw, json, headers, at);
            EventRecord e = d.event();
            return new Delivery(new EventRecord(TEN99 + "#legacy-1", e.provider(), e.type(), e.objectType(),
                    e.objectId(), e.createdAt(), e.receivedAt(), e.rawBody(), e.payload(), e.extra(),
                    e.parseNote()), d.states());
        };
        String stored = db.receive(legacyIds, policyEvent("evt_c", "policy.cancelled", "pl_1", 100), T0);
        assertEquals(TEN99 + "#legacy-1", stored);

        Recorder recorder = new Recorder();
        assertEquals(counts(1, 1, 0, 0, 0), db.reprocessor(null).run(Selection.all(), false, recorder));
        assertEquals(Map.of(stored, TEN99 + "#evt_c"), recorder.idChanged);
        assertEquals(1, db.everything().get("events").size(), "no item under the new id");
        assertEquals(stored, db.policy("pl_1").get(Schema.LAST_EVENT_ID).s(), "the state names the stored event");
        assertEquals("pl_1", db.event(stored).get(Schema.OBJECT_ID).s());
    }

    @Test
    void anEventItemIsNeverCreated(ReprocessFixture db) {
        String id = db.receive(IGNORES_CANCELLED, policyEvent("evt_c", "policy.cancelled", "pl_1", 100), T0);
        ObservedDynamoDb observed = new ObservedDynamoDb(db.dynamo(), db.tables());
        observed.deleteAfterRead = true; // the item goes away between reading and writing it
        Recorder recorder = new Recorder();
        assertEquals(counts(1, 0, 0, 0, 1), db.reprocessorThrough(observed).run(Selection.all(), false, recorder));
        assertEquals(Map.of(id, "the event item no longer exists"), recorder.failed);
        assertTrue(db.everything().get("events").isEmpty(), "not re-created");
        assertEquals("CANCELLED", db.policy("pl_1").get(Schema.STATUS).s(), "its state re-applied all the same");
    }

    /**
     * DynamoDB returns numbers in its own form (trimmed, no exponent: the body's {@code 1E+3} as {@code 1000}): that is
     * no change to write.
     */
    @Test
    void numbersTrimmedAsDynamoDbReturnsThemAreNoChange(ReprocessFixture db) {
        db.receive(Providers.named(TEN99)::map, policyEvent("evt_a", "policy.active", "pl_1", 100), T0);
        ObservedDynamoDb observed = new ObservedDynamoDb(db.dynamo(), db.tables());
        observed.trimNumbers = true;
        Map<String, List<Map<String, AttributeValue>>> before = db.everything();
        assertEquals(counts(1, 0, 1, 0, 0), db.reprocessorThrough(observed).run(Selection.all(), false,
                new Recorder()));
        assertEquals(before, db.everything());
    }
}
