package io.policywebhooks.deploy;

import static io.policywebhooks.deploy.StateEventRun.VI_BOUND_ID;
import static io.policywebhooks.deploy.StateEventRun.VI_REPLACEMENT_ID;
import static io.policywebhooks.deploy.StateEventRun.previous;
import static io.policywebhooks.deploy.StateEventRun.schemas;
import static io.policywebhooks.deploy.StateEventRun.status;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.ValidationMessage;

import io.policywebhooks.deploy.StateEventRun.Change;
import io.policywebhooks.store.RecordingDynamoDb;
import io.policywebhooks.store.Schema;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The events the pipes make of real state writes ({@link StateEventRun}): one per applied write, each following
 * the JSON Schema of docs/events.md; none for a refused write; a touch publishes the current state again.
 */
@ExtendWith(StateEventRun.Shared.class)
class StateEventsTest {
    private final StateEventRun run = StateEventRun.get();

    @Test
    void everyAppliedStateWriteBecomesExactlyOneEventThatFollowsTheSchema() throws Exception {
        Map<String, JsonSchema> schemas = schemas();
        int events = 0;
        Set<String> kinds = new TreeSet<>();
        for (Change change : run.stateChanges()) {
            RecordingDynamoDb.Write write = change.write();
            if (!write.applied()) {
                continue;
            }
            String where = change.scenario() + " (" + write.table() + ")";
            assertNotNull(change.record(), where + ": an applied write changes the item, so it leaves a record");
            assertNotNull(change.event(), where + ": the pipe's filter lets an insert or update through");
            JsonNode detail = change.event().path("detail");
            String detailType = change.event().path("detail-type").asText();
            JsonSchema schema = schemas.get(detailType);
            assertNotNull(schema, where + ": docs/events.md has a schema for " + detailType);
            Set<ValidationMessage> errors = schema.validate(detail);
            assertTrue(errors.isEmpty(), where + ": " + errors + " in " + detail);

            Map<String, AttributeValue> before = write.before();
            Map<String, AttributeValue> after = write.after();
            assertEquals(after.get(write.keyName()).s(), detail.path(write.keyName()).asText(), where + " id");
            assertEquals(after.get(Schema.STATUS).s(), detail.path("status").asText(), where + " status");
            assertEquals(before == null ? "" : before.get(Schema.STATUS).s(), detail.path("previous_status").asText(),
                    where + " previous_status");
            assertEquals(after.get(Schema.PROVIDER_ATTRIBUTE).s(), detail.path("provider").asText(), where);
            assertEquals(after.get(Schema.LAST_EVENT_ID).s(), detail.path("event").path("id").asText(), where);
            assertEquals(after.get(Schema.LAST_EVENT_TYPE).s(), detail.path("event").path("type").asText(), where);
            assertEquals(after.get(Schema.LAST_EVENT_AT).s(), detail.path("event").path("at").asText(), where);
            assertEquals(change.record().path("dynamodb").path("SequenceNumber").asText(),
                    detail.path("sequence").asText(), where + " sequence");
            assertEquals(write.table().equals(run.tables.policies()) ? "Policy State Changed" : "Assignment State Changed",
                    detailType, where);
            assertEquals("policy-webhooks", change.event().path("source").asText(), where);
            events++;
            kinds.add(detailType + " " + change.record().path("eventName").asText());
        }
        assertEquals(Set.of("Assignment State Changed INSERT", "Assignment State Changed MODIFY",
                "Policy State Changed INSERT", "Policy State Changed MODIFY"), kinds, "both kinds, new and changed");
        assertTrue(events >= 10, "events checked: " + events);
        List<JsonNode> lifecycle = run.stateChanges().stream().filter(c -> c.scenario().startsWith("lifecycle"))
                .map(Change::event).toList();
        assertEquals(List.of(VI_BOUND_ID + " PENDING", VI_BOUND_ID + " ACTIVE", VI_REPLACEMENT_ID + " ACTIVE",
                VI_BOUND_ID + " SUPERSEDED"), lifecycle.stream().map(e -> e.path("detail").path("policy_id").asText()
                        + " " + status(e)).toList(), "the endorsement lifecycle, one event per change");
        assertEquals(VI_REPLACEMENT_ID, lifecycle.get(3).path("detail").path("superseded_by").asText());
        assertEquals("ACTIVE", previous(lifecycle.get(3)));
    }

    @Test
    void aRedeliveredOrStaleEventChangesNoStateAndSoPublishesNothing() {
        List<Change> refused = run.stateChanges().stream()
                .filter(c -> c.scenario().startsWith("redelivery") || c.scenario().startsWith("stale")).toList();
        assertTrue(refused.size() >= 6, "redeliveries and stale events with a state write: " + refused.size());
        for (Change change : refused) {
            assertFalse(change.write().applied(), change.scenario() + ": the ordering guard refuses it");
            assertEquals(change.write().before(), change.write().after(), change.scenario() + ": item unchanged");
            assertNull(change.record(), change.scenario() + ": no stream record");
            assertNull(change.event(), change.scenario() + ": no event");
        }
        // The documented Vertical Insure samples arrive out of lifecycle order: the lower ranks are stale too.
        assertTrue(run.stateChanges().stream().anyMatch(c -> c.scenario().startsWith("sample vertical-insure")
                && !c.write().applied()), "a stale sample");
    }

    /** The replay docs/events.md describes: touching an item publishes its current state again. */
    @Test
    void touchingAnItemAsTheReplayDoesPublishesItsCurrentState() {
        Change last = run.stateChanges().stream().filter(c -> c.event() != null
                && c.write().table().equals(run.tables.policies())).reduce((a, b) -> b).orElseThrow();
        String policyId = last.write().after().get(Schema.POLICY_ID).s();
        List<RecordingDynamoDb.Write> writes = run.recorder.record(() -> run.recorder.updateItem(b -> b
                .tableName(run.tables.policies())
                .key(Map.of(Schema.POLICY_ID, AttributeValue.fromS(policyId)))
                .updateExpression("SET republished_at = :now")
                .conditionExpression("attribute_exists(policy_id)")
                .expressionAttributeValues(Map.of(":now", AttributeValue.fromS(Instant.now().toString())))));
        Change touched = run.change("replay", writes.get(0));
        assertNotNull(touched.event(), "the touch is a MODIFY the pipe publishes");
        JsonNode detail = touched.event().path("detail");
        JsonNode previous = last.event().path("detail");
        assertEquals(previous.path("status").asText(), detail.path("status").asText());
        assertEquals(detail.path("status").asText(), detail.path("previous_status").asText());
        assertEquals(previous.path("event"), detail.path("event"), "the same event as the last one published");
    }
}
