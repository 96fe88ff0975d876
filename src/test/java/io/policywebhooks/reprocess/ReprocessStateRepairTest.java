package io.policywebhooks.reprocess;

import static io.policywebhooks.reprocess.EarlierMappings.*;
import static io.policywebhooks.reprocess.ReprocessFixture.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import io.policywebhooks.Webhooks;
import io.policywebhooks.store.Schema;
import io.policywebhooks.ten99policy.Ten99PolicyEvents;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * A state an earlier mapping left out or wrote wrong becomes what today's mapping gives, and a second run changes
 * nothing.
 */
@ExtendWith(ReprocessFixture.class)
class ReprocessStateRepairTest {
    @Test
    void reprocessingAppliesTheStateTheOldMappingIgnoredAndRefreshesTheEvent(ReprocessFixture db) {
        String active = db.receive(IGNORES_CANCELLED, policyEvent("evt_a", "policy.active", "pl_1", 100), T0);
        String cancelled = db.receive(IGNORES_CANCELLED, policyEvent("evt_c", "policy.cancelled", "pl_1", 200),
                T0.plusSeconds(60));
        assertEquals("ACTIVE", db.policy("pl_1").get(Schema.STATUS).s());
        Map<String, AttributeValue> before = db.event(cancelled);
        assertNull(before.get(Schema.OBJECT_ID), "the old mapping stored no object id");

        Recorder recorder = new Recorder();
        Reprocessor.Summary summary = db.reprocessor(null).run(Selection.all().withProvider(TEN99), false, recorder);
        // evt_a is already right or stale: whether it is read before or after evt_c makes the state evt_c's
        assertEquals(List.of(2L, 1L, 1L, 0L), List.of(summary.selected(), summary.reapplied(),
                summary.alreadyRight() + summary.stale(), summary.failed()));
        assertEquals(Set.of(active, cancelled), new TreeSet<>(recorder.selected));

        Map<String, AttributeValue> state = db.policy("pl_1");
        assertEquals("CANCELLED", state.get(Schema.STATUS).s());
        assertEquals(cancelled, state.get(Schema.LAST_EVENT_ID).s());
        Map<String, AttributeValue> after = db.event(cancelled);
        assertEquals("pl_1", after.get(Schema.OBJECT_ID).s(), "parsed attributes refreshed");
        assertEquals("policy", after.get(Schema.OBJECT_TYPE).s());
        assertEquals("an old note", before.get(Schema.PARSE_NOTE).s());
        assertNull(after.get(Schema.PARSE_NOTE), "what the mapping no longer gives is removed");
        for (String kept : List.of(Schema.EVENT_ID, Schema.RAW_BODY, Schema.RECEIVED_AT, Schema.LAST_RECEIVED_AT,
                Schema.DELIVERIES, Schema.PAYLOAD, Schema.TYPE, Schema.CREATED_AT)) {
            assertEquals(before.get(kept), after.get(kept), kept + " unchanged");
        }
    }

    @Test
    void aWrongAttributeTheSameEventWroteIsRepaired(ReprocessFixture db) {
        String id = db.receive(WRONG_QUOTE, policyEvent("evt_a", "policy.active", "pl_1", 100), T0);
        assertEquals("qt_wrong", db.policy("pl_1").get(Ten99PolicyEvents.QUOTE).s());

        assertEquals(counts(1, 1, 0, 0, 0), db.reprocessor(null).run(Selection.all(), false, new Recorder()));
        Map<String, AttributeValue> repaired = db.policy("pl_1");
        assertEquals("qt_1", repaired.get(Ten99PolicyEvents.QUOTE).s());
        assertNull(repaired.get(Schema.JOB), "what the mapping no longer gives for its last event is removed");
        assertEquals(id, repaired.get(Schema.LAST_EVENT_ID).s());

        Map<String, List<Map<String, AttributeValue>>> before = db.everything();
        assertEquals(counts(1, 0, 1, 0, 0), db.reprocessor(null).run(Selection.all(), false, new Recorder()));
        assertEquals(before, db.everything(), "a second run changes nothing");
    }

    @Test
    void reprocessingTwiceChangesNothing(ReprocessFixture db) {
        db.receive(IGNORES_CANCELLED, policyEvent("evt_a", "policy.active", "pl_1", 100), T0);
        db.receive(IGNORES_CANCELLED, policyEvent("evt_c", "policy.cancelled", "pl_1", 200), T0.plusSeconds(60));
        db.receive(IGNORES_CANCELLED, assignmentEvent("evt_s", "assignment.active", "as_1", 150), T0.plusSeconds(90));
        db.receive(IGNORES_CANCELLED, Webhooks.utf8("not JSON at all"), T0.plusSeconds(120));
        db.receive(IGNORES_CANCELLED, new byte[] {(byte) 0xff, (byte) 0xfe, 0, 1}, T0.plusSeconds(180));
        Reprocessor.Summary first = db.reprocessor(2).run(Selection.all(), false, new Recorder());
        // evt_a is already right or stale: whether it is read before or after evt_c makes the state evt_c's
        assertEquals(List.of(5L, 1L, 4L, 0L), List.of(first.selected(), first.reapplied(),
                first.alreadyRight() + first.stale(), first.failed()));

        Map<String, List<Map<String, AttributeValue>>> before = db.everything();
        Reprocessor.Summary second = db.reprocessor(2).run(Selection.all(), false, new Recorder());
        assertEquals(counts(5, 0, 4, 1, 0), second, "the second run: evt_a stale, the others already right");
        assertEquals(before, db.everything(), "every item of the three tables as it was");
        // and by type, through the index
        assertEquals(counts(1, 0, 1, 0, 0),
                db.reprocessor(2).run(Selection.all().withType("policy.cancelled"), false, new Recorder()));
        assertEquals(before, db.everything());
    }
}
