package io.policywebhooks.webhook;

import static io.policywebhooks.Webhooks.*;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.policywebhooks.ten99policy.Ten99PolicyEvents;
import io.policywebhooks.DynaliteResource;
import io.policywebhooks.FaultProxy;
import io.policywebhooks.LogCapture;
import io.quarkus.test.junit.QuarkusTest;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * DynamoDB applies a write and its answer is lost; the SDK retries the call, whose condition then fails on what
 * the first attempt wrote. The delivery must be told apart from a redelivery by another invocation: a provider's
 * first delivery is never answered as a duplicate, and no delivery is counted twice.
 */
@QuarkusTest
class LostAnswerTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    DynamoDbClient dynamo;

    @AfterEach
    void restore() {
        FaultProxy.set(FaultProxy.Mode.UP);
    }

    static byte[] policyActive(String policyId) {
        return utf8("{\"id\":\"evt_" + UUID.randomUUID() + "\",\"type\":\"policy.active\",\"created\":1700000000,"
                + "\"data\":{\"id\":\"" + policyId + "\"}}");
    }

    static int deliveries(DynamoDbClient dynamo, String eventId) {
        return Integer.parseInt(event(dynamo, eventId).get("deliveries").n());
    }

    @Test
    void aFirstDeliveryWhosePutAnswerWasLostIsStoredOnceAndNotADuplicate() {
        byte[] body = policyActive("pl_" + UUID.randomUUID());
        FaultProxy.loseAnswers("PutItem", DynaliteResource.TABLES.events(), 1);
        String eventId = post(Ten99PolicyEvents.PROVIDER, body).statusCode(200).body("duplicate", equalTo(false))
                .extract().path("event_id");
        assertEquals(1, FaultProxy.answersLost(), "the put was applied and its answer lost");
        FaultProxy.set(FaultProxy.Mode.UP);
        assertEquals(1, deliveries(dynamo, eventId));
    }

    @Test
    void aRedeliveryWhoseCountAnswerWasLostCountsExactlyOnce() {
        byte[] body = policyActive("pl_" + UUID.randomUUID());
        String eventId = post(Ten99PolicyEvents.PROVIDER, body).statusCode(200).extract().path("event_id");
        FaultProxy.loseAnswers("UpdateItem", DynaliteResource.TABLES.events(), 1);
        post(Ten99PolicyEvents.PROVIDER, body).statusCode(200).body("duplicate", equalTo(true));
        assertEquals(1, FaultProxy.answersLost(), "the count was applied and its answer lost");
        FaultProxy.set(FaultProxy.Mode.UP);
        assertEquals(2, deliveries(dynamo, eventId), () -> event(dynamo, eventId).toString().replaceAll("raw_body=[^,]*,", ""));
        post(Ten99PolicyEvents.PROVIDER, body).statusCode(200).body("duplicate", equalTo(true));
        assertEquals(3, deliveries(dynamo, eventId), "a later redelivery still counts");
    }

    @Test
    void aStateWriteWhoseAnswerWasLostIsReportedApplied() throws Exception {
        String policyId = "pl_" + UUID.randomUUID();
        byte[] body = policyActive(policyId);
        List<String> lines;
        try (LogCapture capture = new LogCapture()) {
            FaultProxy.loseAnswers("UpdateItem", DynaliteResource.TABLES.policies(), 1);
            post(Ten99PolicyEvents.PROVIDER, body).statusCode(200).body("duplicate", equalTo(false));
            assertEquals(1, FaultProxy.answersLost(), "the state write was applied and its answer lost");
            FaultProxy.set(FaultProxy.Mode.UP);
            // A real redelivery of the same event: the state already reflects it, written by another delivery.
            post(Ten99PolicyEvents.PROVIDER, body).statusCode(200).body("duplicate", equalTo(true));
            lines = capture.requestLines();
        }
        JsonNode first = JSON.readTree(lines.get(0));
        assertEquals("applied", first.path("states").path(0).asText(), first.toString());
        JsonNode redelivery = JSON.readTree(lines.get(1));
        assertEquals("stale", redelivery.path("states").path(0).asText(), redelivery.toString());
        assertEquals("ACTIVE", s(policy(dynamo, policyId), "status"));
    }
}
