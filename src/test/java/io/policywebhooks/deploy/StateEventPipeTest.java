package io.policywebhooks.deploy;

import static io.policywebhooks.deploy.StateEventRun.passes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.policywebhooks.deploy.StateEventRun.Change;
import io.policywebhooks.deploy.StateEventRun.Pipe;
import io.policywebhooks.store.RecordingDynamoDb;
import io.policywebhooks.store.Schema;
import io.policywebhooks.ten99policy.Ten99PolicyEvents;
import io.policywebhooks.verticalinsure.VerticalInsureEvents;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * What the pipes of template.yaml read from the recorded state writes ({@link StateEventRun}): each event field
 * is the stored attribute of its name and type, and the filter lets inserts and updates through, never a removal.
 */
@ExtendWith(StateEventRun.Shared.class)
class StateEventPipeTest {
    private final StateEventRun run = StateEventRun.get();

    /** Personal data, nested documents, links, and the store's own bookkeeping (docs/events.md). */
    private static final Set<String> NOT_PUBLISHED = Set.of(VerticalInsureEvents.CUSTOMER, Ten99PolicyEvents.CERTIFICATES, Ten99PolicyEvents.PDF_URL,
            Schema.LAST_EVENT_ORDER, Schema.LAST_DELIVERY_ID);

    @Test
    void eventFieldsAreTheStoredAttributesOfTheSameNameAndType() {
        // "name": "<$.dynamodb.NewImage.attribute.T>" (or OldImage for previous_status, Keys for the id)
        Pattern field = Pattern.compile("\"(\\w+)\": \"<\\$\\.dynamodb\\.(NewImage|OldImage|Keys)\\.(\\w+)\\.(\\w+)>\"");
        Map<String, String> typesWritten = new TreeMap<>();
        for (Change change : run.stateChanges()) {
            if (change.write().after() != null) {
                change.write().after().forEach((name, value) -> typesWritten.put(name, typeLetter(value)));
            }
        }
        Set<String> published = new TreeSet<>();
        for (Pipe pipe : run.pipesByTable.values()) {
            Matcher m = field.matcher(pipe.inputTemplate());
            int fields = 0;
            while (m.find()) {
                fields++;
                String name = m.group(1);
                String image = m.group(2);
                String attribute = m.group(3);
                String where = pipe.detailType() + " " + name;
                if (image.equals("OldImage")) {
                    assertEquals("previous_status", name, where + ": only the previous status is read from the old image");
                    assertEquals(Schema.STATUS, attribute, where);
                } else {
                    // event.id, event.type, event.at are the last_event_* attributes; every other field is named
                    // as its attribute
                    String expected = Set.of("id", "type", "at").contains(name) ? "last_event_" + name : name;
                    assertEquals(expected, attribute, where + ": the attribute the field is named for");
                }
                published.add(attribute);
                String written = typesWritten.get(attribute);
                if (written != null) {
                    assertEquals(written, m.group(4), where + ": the type the store writes " + attribute + " as");
                }
            }
            assertTrue(fields > 5, pipe.detailType() + " fields");
        }
        // Every attribute the store wrote is published, or left out on purpose (docs/events.md says why).
        Set<String> unpublished = new TreeSet<>(typesWritten.keySet());
        unpublished.removeAll(published);
        assertEquals(NOT_PUBLISHED, unpublished, "state attributes not in any event");
    }

    // ------------------------------------------------------------------------------------------------ the filter

    @Test
    void theFilterLetsInsertsAndUpdatesThroughAndNeverARemoval() throws Exception {
        for (Map.Entry<String, Pipe> entry : run.pipesByTable.entrySet()) {
            Pipe pipe = entry.getValue();
            Map<String, AttributeValue> item = run.stateChanges().stream()
                    .filter(c -> c.write().table().equals(entry.getKey()) && c.write().after() != null)
                    .map(c -> c.write().after()).findFirst().orElseThrow();
            String keyName = entry.getKey().equals(run.tables.policies()) ? Schema.POLICY_ID : Schema.ASSIGNMENT_ID;
            ObjectNode removal = run.stream.removal(entry.getKey(), keyName, item);
            assertFalse(passes(pipe, removal), pipe.detailType() + ": a REMOVE record is dropped");
            ObjectNode insert = run.stream.of(new RecordingDynamoDb.Write(entry.getKey(), keyName, "UpdateItem", null,
                    item, true, null), 0);
            assertTrue(passes(pipe, insert), pipe.detailType() + ": an INSERT passes");
            ObjectNode modify = run.stream.of(new RecordingDynamoDb.Write(entry.getKey(), keyName, "UpdateItem", item,
                    with(item, Schema.UPDATED_AT, "2026-12-01T00:00:00Z"), true, null), 0);
            assertTrue(passes(pipe, modify), pipe.detailType() + ": a MODIFY passes");
        }
    }

    private static Map<String, AttributeValue> with(Map<String, AttributeValue> item, String name, String value) {
        Map<String, AttributeValue> copy = new TreeMap<>(item);
        copy.put(name, AttributeValue.fromS(value));
        return copy;
    }

    private static String typeLetter(AttributeValue value) {
        return switch (value.type()) {
            case NUL -> "NULL";
            default -> value.type().name();
        };
    }
}
