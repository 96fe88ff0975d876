package io.policywebhooks.deploy;

import static io.policywebhooks.deploy.StateEventRun.JSON;
import static io.policywebhooks.deploy.StateEventRun.blocks;
import static io.policywebhooks.deploy.StateEventRun.previous;
import static io.policywebhooks.deploy.StateEventRun.schemas;
import static io.policywebhooks.deploy.StateEventRun.status;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.ValidationMessage;

import io.policywebhooks.deploy.StateEventRun.Change;
import io.policywebhooks.verticalinsure.VerticalInsureEvents;
import software.amazon.event.ruler.Machine;

/**
 * The example rules and event of docs/events.md, matched with AWS's event-ruler against the events of the recorded
 * state writes ({@link StateEventRun}): each rule matches what it describes and nothing else.
 */
@ExtendWith(StateEventRun.Shared.class)
class StateEventRulesTest {
    private final StateEventRun run = StateEventRun.get();

    @Test
    void theDocumentedRulesMatchWhatTheyDescribeAndNothingElse() throws Exception {
        Map<String, String> rules = blocks("rule");
        assertEquals(Set.of("policy-cancelled", "assignment-became-active", "one-provider"), rules.keySet());
        List<JsonNode> events = run.stateChanges().stream().map(Change::event).filter(e -> e != null).toList();

        Predicate<JsonNode> cancelledPolicy = e -> e.path("detail-type").asText().equals("Policy State Changed")
                && status(e).equals("CANCELLED") && !previous(e).equals("CANCELLED");
        Predicate<JsonNode> assignmentBecameActive = e -> e.path("detail-type").asText()
                .equals("Assignment State Changed") && status(e).equals("ACTIVE") && !previous(e).equals("ACTIVE");
        Predicate<JsonNode> verticalInsure = e -> e.path("detail").path("provider").asText()
                .equals(VerticalInsureEvents.PROVIDER);
        Map<String, Predicate<JsonNode>> meaning = Map.of("policy-cancelled", cancelledPolicy,
                "assignment-became-active", assignmentBecameActive, "one-provider", verticalInsure);

        for (Map.Entry<String, String> rule : rules.entrySet()) {
            Machine machine = new Machine();
            machine.addRule(rule.getKey(), rule.getValue());
            int matched = 0;
            int unmatched = 0;
            for (JsonNode event : events) {
                boolean expected = meaning.get(rule.getKey()).test(event);
                boolean actual = !machine.rulesForJSONEvent(event.toString()).isEmpty();
                assertEquals(expected, actual, rule.getKey() + " on " + event.path("detail"));
                if (expected) {
                    matched++;
                } else {
                    unmatched++;
                }
            }
            assertTrue(matched >= 2 && unmatched >= 3, rule.getKey() + ": cases that must match (" + matched
                    + ") and must not (" + unmatched + ")");
        }
        // The cases that make the rules' anything-but matter happened: a repeated cancellation, active again.
        assertTrue(events.stream().anyMatch(e -> status(e).equals("CANCELLED") && previous(e).equals("CANCELLED")));
        assertTrue(events.stream().anyMatch(e -> e.path("detail-type").asText().equals("Assignment State Changed")
                && status(e).equals("ACTIVE") && previous(e).equals("ACTIVE")));
        assertTrue(events.stream().anyMatch(e -> status(e).equals("ACTIVE") && previous(e).equals("CANCELLED")));
    }

    @Test
    void theDocumentedExampleFollowsItsSchemaAndItsRule() throws Exception {
        Map<String, String> examples = blocks("example");
        assertFalse(examples.isEmpty());
        Map<String, JsonSchema> schemas = schemas();
        for (Map.Entry<String, String> example : examples.entrySet()) {
            JsonNode event = JSON.readTree(example.getValue());
            assertEquals(example.getKey(), event.path("detail-type").asText());
            Set<ValidationMessage> errors = schemas.get(example.getKey()).validate(event.path("detail"));
            assertTrue(errors.isEmpty(), example.getKey() + ": " + errors);
            Machine machine = new Machine();
            machine.addRule("policy-cancelled", blocks("rule").get("policy-cancelled"));
            assertEquals(List.of("policy-cancelled"), machine.rulesForJSONEvent(event.toString()),
                    "the example is what policy-cancelled matches");
        }
    }
}
