package io.policywebhooks.verticalinsure;

import static io.policywebhooks.Webhooks.*;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.policywebhooks.DynaliteResource;
import io.policywebhooks.store.Tables;
import io.policywebhooks.webhook.Delivery;
import io.quarkus.test.junit.QuarkusTest;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** The whole Vertical Insure flow through the Lambda HTTP path (mock event server) against dynalite. */
@QuarkusTest
class VerticalInsureWebhookTest {
    static final String SAMPLE_ID = "3fa85f64-5717-4562-b3fc-2c963f66afa6";
    static final String ENDORSED_CURRENT_ID = "1c2b3a4d-1111-2222-3333-444455556666";

    @Inject
    DynamoDbClient dynamo;

    /** A provider sample with its policy id replaced, so each test owns its policy. */
    static byte[] sampleFor(String event, String policyId) {
        String text = new String(sample("vertical-insure/" + event + ".json"), StandardCharsets.UTF_8);
        return utf8(text.replace(SAMPLE_ID, policyId).replace(ENDORSED_CURRENT_ID, policyId));
    }

    static String eventIdOf(byte[] body) {
        return "vertical-insure#" + Delivery.bodyKey(body);
    }

    @ParameterizedTest
    @CsvSource({
            "policy_bind_complete, ACTIVE, ACTIVE",
            "policy_bind_failed, BIND_FAILED, BIND_FAILED",
            "policy_purchase_invalid, INVALID, PENDING",
            "policy_payment_failed, PAYMENT_FAILED, REQUIRES_PAYMENT",
            "policy_canceled, CANCELLED, CANCELED",
            "policy_purchase_complete, PENDING, PENDING",
            "policy_endorsed, ACTIVE, ACTIVE"})
    void everyDocumentedPolicySampleIsStoredWithItsState(String event, String status, String policyStatus) {
        String policyId = UUID.randomUUID().toString();
        byte[] body = sampleFor(event, policyId);
        postVerticalInsure(body).statusCode(200).body("event_id", equalTo(eventIdOf(body)))
                .body("duplicate", equalTo(false));

        Map<String, AttributeValue> stored = event(dynamo, eventIdOf(body));
        assertEquals("vertical-insure", s(stored, "provider"));
        assertEquals(event, s(stored, "type"));
        assertEquals("policy", s(stored, "object_type"));
        assertEquals(policyId, s(stored, "object_id"));
        assertEquals(true, stored.get("is_test").bool());
        assertEquals(new String(body, StandardCharsets.UTF_8), s(stored, "raw_body"));
        assertTrue(stored.get("payload").m().containsKey("webhook"));

        Map<String, AttributeValue> policy = policy(dynamo, policyId);
        assertEquals(status, s(policy, "status"));
        assertEquals(policyStatus, s(policy, "policy_status"));
        assertEquals("vertical-insure", s(policy, "provider"));
        assertEquals("string", s(policy, "policy_number"));
        assertEquals("string", s(policy, "quote_id"));
        assertEquals(true, policy.get("is_test").bool());
        assertEquals(event, s(policy, "last_event_type"));
        assertEquals(eventIdOf(body), s(policy, "last_event_id"));
        assertEquals("2022-09-05", s(policy, "effective_date"));
        if (event.equals("policy_endorsed")) {
            assertEquals("6500", policy.get("premium_amount").n());
            assertEquals("2", policy.get("version").n());
            assertEquals("USD", s(policy, "currency"));
            assertEquals("2022-09-05T00:00:00Z", s(policy, "issued_date"));
        } else {
            assertEquals("0", policy.get("premium_amount").n());
            assertEquals("1", policy.get("version").n());
            assertEquals(policyId, s(policy, "master_policy_id")); // the samples reuse the policy id here
            assertEquals("string", policy.get("customer").m().get("email_address").s());
        }
    }

    @Test
    void endorsementKeepsThePreviousPolicyInTheEventOnly() {
        byte[] body = sample("vertical-insure/policy_endorsed.json");
        postVerticalInsure(body).statusCode(200);
        Map<String, AttributeValue> stored = event(dynamo, eventIdOf(body));
        assertEquals(ENDORSED_CURRENT_ID, s(stored, "object_id"));
        assertEquals("1", stored.get("payload").m().get("data").m().get("previous_policy").m().get("version").n());
        assertEquals("2", policy(dynamo, ENDORSED_CURRENT_ID).get("version").n());
    }

    @Test
    void lateVersionOneEventAfterEndorsementLeavesVersionTwo() {
        String policyId = UUID.randomUUID().toString();
        postVerticalInsure(sampleFor("policy_endorsed", policyId)).statusCode(200);
        byte[] lateBind = sampleFor("policy_bind_complete", policyId); // no version: version 1
        postVerticalInsure(lateBind).statusCode(200);
        Map<String, AttributeValue> policy = policy(dynamo, policyId);
        assertEquals("2", policy.get("version").n());
        assertEquals("policy_endorsed", s(policy, "last_event_type"));
        assertEquals("6500", policy.get("premium_amount").n());
        assertFalse(event(dynamo, eventIdOf(lateBind)).isEmpty(), "the late event is still stored");
    }

    @Test
    void lateBindAfterCancelStaysCancelled() {
        String policyId = UUID.randomUUID().toString();
        postVerticalInsure(sampleFor("policy_canceled", policyId)).statusCode(200);
        postVerticalInsure(sampleFor("policy_bind_complete", policyId)).statusCode(200);
        postVerticalInsure(sampleFor("policy_purchase_complete", policyId)).statusCode(200);
        assertEquals("CANCELLED", s(policy(dynamo, policyId), "status"));
    }

    @Test
    void latePendingNeverOverwritesActive() {
        String policyId = UUID.randomUUID().toString();
        postVerticalInsure(sampleFor("policy_bind_complete", policyId)).statusCode(200);
        postVerticalInsure(sampleFor("policy_purchase_complete", policyId)).statusCode(200);
        assertEquals("ACTIVE", s(policy(dynamo, policyId), "status"));
    }

    @Test
    void payoutEventsWithNullDataAreStoredAsEventsOnly() {
        for (String event : new String[] {"payout_report_published", "payout_payment_sent"}) {
            byte[] body = sample("vertical-insure/" + event + ".json");
            postVerticalInsure(body).statusCode(200);
            Map<String, AttributeValue> stored = event(dynamo, eventIdOf(body));
            assertEquals(event, s(stored, "type"));
            assertEquals("payout", s(stored, "object_type"));
            assertNull(stored.get("object_id"));
            assertTrue(stored.get("payload").m().get("data").nul());
        }
    }

    @Test
    void upperCaseHexSignatureIsAccepted() {
        byte[] body = sampleFor("policy_bind_complete", UUID.randomUUID().toString());
        String upper = VerticalInsureSignatureVerifier.sign(VerticalInsureProvider.LOCAL_KEY, body).toUpperCase();
        postVerticalInsure(body, upper).statusCode(200);
    }

    @Test
    void missingOrWrongSignatureWritesNothing() {
        String policyId = UUID.randomUUID().toString();
        byte[] body = sampleFor("policy_bind_complete", policyId);
        postVerticalInsure(body, VerticalInsureSignatureVerifier.sign("wrong-key", body)).statusCode(401)
                .body("error", equalTo("signature mismatch"));
        io.restassured.RestAssured.given().contentType("application/json").body(body)
                .post("/webhooks/vertical-insure").then().statusCode(401).body("error", equalTo("missing signature"));
        assertTrue(event(dynamo, eventIdOf(body)).isEmpty());
        assertTrue(policy(dynamo, policyId).isEmpty());
    }

    @Test
    void redeliveryIsADuplicate() {
        byte[] body = sampleFor("policy_bind_complete", UUID.randomUUID().toString());
        postVerticalInsure(body).statusCode(200).body("duplicate", equalTo(false));
        postVerticalInsure(body).statusCode(200).body("duplicate", equalTo(true))
                .body("event_id", equalTo(eventIdOf(body)));
    }

    @Test
    void concurrentDuplicatesStoreOneEvent() throws Exception {
        String policyId = UUID.randomUUID().toString();
        byte[] body = sampleFor("policy_bind_complete", policyId);
        ExecutorService pool = Executors.newFixedThreadPool(10);
        try {
            List<Callable<Boolean>> calls = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                calls.add(() -> postVerticalInsure(body).statusCode(200).extract().path("duplicate"));
            }
            int firsts = 0;
            for (Future<Boolean> answer : pool.invokeAll(calls)) {
                firsts += answer.get() ? 0 : 1;
            }
            assertEquals(1, firsts);
        } finally {
            pool.shutdown();
        }
        assertEquals(1, count(dynamo, DynaliteResource.TABLES.events(), Tables.EVENT_ID, eventIdOf(body)));
        assertEquals("ACTIVE", s(policy(dynamo, policyId), "status"));
    }
}
