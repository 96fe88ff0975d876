package io.policywebhooks.reprocess;

import static io.policywebhooks.reprocess.EarlierMappings.*;
import static io.policywebhooks.reprocess.ReprocessFixture.*;
import static io.policywebhooks.store.AttributeValues.s;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import io.policywebhooks.TestProviders;
import io.policywebhooks.Webhooks;
import io.policywebhooks.provider.Providers;
import io.policywebhooks.store.Schema;
import io.policywebhooks.store.WebhookStore;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * A failure is one event's: counted and reported, its other writes still made, the run going on; what cannot be
 * mapped is left as stored.
 */
@ExtendWith(ReprocessFixture.class)
class ReprocessFailuresTest {
    @Test
    void bodiesThatAreNotJsonOrNotUtf8AreCountedAndAnEventThatCannotBeReadFailsAlone(ReprocessFixture db) {
        String text = db.receive(IGNORES_CANCELLED, Webhooks.utf8("not JSON at all"), T0);
        String binary = db.receive(IGNORES_CANCELLED, new byte[] {(byte) 0xff, (byte) 0xfe, 0, 1}, T0.plusSeconds(1));
        assertEquals(AttributeValue.Type.B, db.event(binary).get(Schema.RAW_BODY_BYTES).type());
        Map<String, List<Map<String, AttributeValue>>> before = db.everything();
        assertEquals(counts(2, 0, 2, 0, 0), db.reprocessor(null).run(Selection.all(), false,
                new Recorder()));
        assertEquals(before, db.everything());
        assertEquals("body is not JSON", db.event(text).get(Schema.PARSE_ERROR).s());

        // an item without a body, one of an unknown provider: each fails, the others are still processed
        db.putEvent(Map.of(Schema.EVENT_ID, s(TEN99 + "#nobody"),
                Schema.PROVIDER_ATTRIBUTE, s(TEN99), Schema.RECEIVED_AT, s("2026-11-30T09:00:00.000Z")));
        db.putEvent(Map.of(Schema.EVENT_ID, s("other#x"),
                Schema.PROVIDER_ATTRIBUTE, s("other"), Schema.RAW_BODY, s("{}"),
                Schema.RECEIVED_AT, s("2026-11-30T09:00:00.000Z")));
        Recorder recorder = new Recorder();
        assertEquals(counts(4, 0, 2, 0, 2), db.reprocessor(1).run(Selection.all(), false, recorder));
        assertEquals(Map.of(TEN99 + "#nobody", "no raw_body stored", "other#x", "no mapping for provider other"),
                recorder.failed);
    }

    @Test
    void aMappingThatThrowsFailsTheEventAndLeavesItAsStored(ReprocessFixture db) {
        String id = db.receive(Providers.named(TEN99)::map, policyEvent("evt_a", "policy.active", "pl_1", 100), T0);
        Map<String, List<Map<String, AttributeValue>>> before = db.everything();
        TestProviders.Mapper throwing = (raw, json, headers, at) -> {
            throw new IllegalStateException("a bug in the new mapping");
        };
        Recorder recorder = new Recorder();
        assertEquals(counts(1, 0, 0, 0, 1), db.reprocessorWith(List.of(TestProviders.mappingWith(Providers.named(TEN99),
                throwing))).run(Selection.all(), false, true, recorder));
        assertEquals(before, db.everything(), "the event and its state as stored; its state is no orphan");
        assertEquals(Map.of(id, "the mapping threw java.lang.IllegalStateException; the event is left as stored"),
                recorder.failed);
    }

    @Test
    void aFailedStateWriteStillRefreshesTheEvent(ReprocessFixture db) {
        String id = db.receive(IGNORES_CANCELLED, policyEvent("evt_c", "policy.cancelled", "pl_1", 100), T0);
        ObservedDynamoDb observed = new ObservedDynamoDb(db.dynamo(), db.tables());
        observed.failUpdates = WebhookStore.Table.POLICIES;
        Recorder recorder = new Recorder();
        assertEquals(counts(1, 0, 0, 0, 1), db.reprocessorThrough(observed).run(Selection.all(), false, recorder));
        assertEquals(Map.of(id, "policy_id pl_1: storage: DynamoDbException"), recorder.failed);
        assertEquals("pl_1", db.event(id).get(Schema.OBJECT_ID).s(), "the event item refreshed all the same");
        assertTrue(db.policy("pl_1").isEmpty());
    }
}
