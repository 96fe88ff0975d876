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

import io.policywebhooks.store.Schema;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * A state item that names a selected event its mapping no longer gives is an orphan: listed, removed only when asked
 * and only while it still names that event.
 */
@ExtendWith(ReprocessFixture.class)
class ReprocessOrphansTest {
    @Test
    void aStateKeyedWrongIsAnOrphanListedAndRemovedOnlyWithTheFlag(ReprocessFixture db) {
        String id = db.receive(WRONG_KEY, policyEvent("evt_a", "policy.active", "pl_1", 100), T0);
        assertEquals("ACTIVE", db.policy("cn_1").get(Schema.STATUS).s(), "the earlier mapping keyed it by contractor");
        String orphan = db.tables().policies() + " cn_1 names " + id + ": ";

        Recorder dry = new Recorder();
        Map<String, List<Map<String, AttributeValue>>> stored = db.everything();
        assertEquals(new Reprocessor.Summary(1, 0, 0, 0, 0, 1, 0), db.reprocessor(1).run(Selection.all(), true, true,
                dry), "a dry run lists, even when asked to remove");
        assertEquals(List.of(orphan + "FOUND"), dry.orphans);
        assertEquals(stored, db.everything(), "a dry run writes nothing");

        Recorder listed = new Recorder();
        assertEquals(new Reprocessor.Summary(1, 1, 0, 0, 0, 1, 0), db.reprocessor(1).run(Selection.all(), false,
                listed));
        assertEquals(List.of(orphan + "FOUND"), listed.orphans);
        assertEquals("ACTIVE", db.policy("pl_1").get(Schema.STATUS).s(), "the state under its right key");
        assertEquals(id, db.policy("cn_1").get(Schema.LAST_EVENT_ID).s(), "the orphan stays without the flag");

        Recorder removed = new Recorder();
        assertEquals(new Reprocessor.Summary(1, 0, 1, 0, 0, 1, 1), db.reprocessor(1).run(Selection.all(), false, true,
                removed));
        assertEquals(List.of(orphan + "REMOVED"), removed.orphans);
        assertTrue(db.policy("cn_1").isEmpty());

        Map<String, List<Map<String, AttributeValue>>> before = db.everything();
        assertEquals(counts(1, 0, 1, 0, 0), db.reprocessor(1).run(Selection.all(), false, true, new Recorder()));
        assertEquals(before, db.everything(), "a second run changes nothing");
    }

    @Test
    void anOrphanADeliveryNamesMeanwhileIsNotRemoved(ReprocessFixture db) {
        String id = db.receive(WRONG_KEY, policyEvent("evt_a", "policy.active", "pl_1", 100), T0);
        String newer = TEN99 + "#evt_newer";
        ObservedDynamoDb observed = new ObservedDynamoDb(db.dynamo(), db.tables());
        observed.beforeDelete = request -> db.dynamo().updateItem(b -> b.tableName(db.tables().policies())
                .key(request.key()).updateExpression("SET #last = :newer")
                .expressionAttributeNames(Map.of("#last", Schema.LAST_EVENT_ID))
                .expressionAttributeValues(Map.of(":newer", s(newer))));
        Recorder recorder = new Recorder();
        assertEquals(new Reprocessor.Summary(1, 1, 0, 0, 0, 1, 0), db.reprocessorThrough(observed)
                .run(Selection.all(), false, true, recorder));
        assertEquals(List.of(db.tables().policies() + " cn_1 names " + id + ": NAMES_ANOTHER_EVENT"), recorder.orphans);
        assertEquals(newer, db.policy("cn_1").get(Schema.LAST_EVENT_ID).s(), "the newer delivery's state kept");
    }
}
