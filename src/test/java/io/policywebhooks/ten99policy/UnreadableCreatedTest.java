package io.policywebhooks.ten99policy;

import static io.policywebhooks.Webhooks.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.policywebhooks.Webhooks;
import io.policywebhooks.LogCapture;
import io.quarkus.test.junit.QuarkusTest;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * A state-changing event whose {@code created} cannot be read may create a state but never overwrite one; when it
 * is refused, the request log line names the state and the reason, and counts it in the
 * {@code UnreadableTimeRefusals} metric that the template alarms on.
 */
@QuarkusTest
class UnreadableCreatedTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    DynamoDbClient dynamo;

    static byte[] policyEvent(String type, String policyId, String created) {
        return utf8("{\"id\":\"evt_" + UUID.randomUUID() + "\",\"type\":\"" + type + "\",\"created\":" + created
                + ",\"data\":{\"id\":\"" + policyId + "\"}}");
    }

    /** The request lines of posting each body, in order. */
    static List<JsonNode> post(byte[]... bodies) throws Exception {
        try (LogCapture capture = new LogCapture()) {
            for (byte[] body : bodies) {
                Webhooks.post(Ten99PolicyEvents.PROVIDER, body).statusCode(200);
            }
            List<String> lines = capture.requestLines();
            assertEquals(bodies.length, lines.size(), lines.toString());
            List<JsonNode> parsed = new ArrayList<>();
            for (String line : lines) {
                parsed.add(JSON.readTree(line));
            }
            return parsed;
        }
    }

    @Test
    void aCancelWithTheSqlFormOfCreatedIsReadAndApplied() throws Exception {
        String policyId = "pl_" + UUID.randomUUID();
        List<JsonNode> lines = post(policyEvent("policy.active", policyId, "\"2026-12-01 07:00:00\""),
                policyEvent("policy.cancelled", policyId, "\"2026-12-01 08:00:00\""));
        assertEquals("CANCELLED", s(policy(dynamo, policyId), "status"));
        assertEquals("2026-12-01T08:00:00.000Z", s(policy(dynamo, policyId), "last_event_at"));
        assertEquals("applied", lines.get(1).path("states").path(0).asText(), lines.get(1).toString());
        assertEquals(0, lines.get(1).path("UnreadableTimeRefusals").asInt());
    }

    @Test
    void aCancelWithAnUnreadableCreatedIsStoredAndItsRefusalNamedAndCounted() throws Exception {
        String policyId = "pl_" + UUID.randomUUID();
        List<JsonNode> lines = post(policyEvent("policy.active", policyId, "1700000000"),
                policyEvent("policy.cancelled", policyId, "\"01/12/2026 08:00\""));
        assertEquals("ACTIVE", s(policy(dynamo, policyId), "status"), "never overwritten");
        JsonNode refusal = lines.get(1);
        assertEquals("stored", refusal.path("outcome").asText(), refusal.toString());
        assertEquals("refused", refusal.path("states").path(0).asText(), refusal.toString());
        JsonNode refused = refusal.path("refused_states").path(0);
        assertEquals("policy", refused.path("kind").asText(), refusal.toString());
        assertEquals(policyId, refused.path("id").asText(), refusal.toString());
        assertEquals("unreadable_time", refused.path("reason").asText(), refusal.toString());
        assertEquals(1, refusal.path("UnreadableTimeRefusals").asInt(), refusal.toString());
        assertEquals("created unreadable: state ordered lowest",
                s(event(dynamo, refusal.path("event_id").asText()), "parse_note"), "the event is stored, noted");
    }

    @Test
    void anUnreadableCreatedThatCreatesTheStateOrIsRedeliveredIsNoRefusal() throws Exception {
        String policyId = "pl_" + UUID.randomUUID();
        byte[] unreadable = policyEvent("policy.active", policyId, "\"soon\"");
        List<JsonNode> lines = post(unreadable, unreadable);
        assertEquals("ACTIVE", s(policy(dynamo, policyId), "status"), "no state existed: it is created");
        assertEquals("applied", lines.get(0).path("states").path(0).asText(), lines.get(0).toString());
        assertEquals("stale", lines.get(1).path("states").path(0).asText(), "the state reflects this very event");
        for (JsonNode line : lines) {
            assertFalse(line.has("refused_states"), line.toString());
            assertEquals(0, line.path("UnreadableTimeRefusals").asInt(), line.toString());
        }
    }
}
