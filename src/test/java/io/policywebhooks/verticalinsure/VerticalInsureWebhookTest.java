package io.policywebhooks.verticalinsure;

import static io.policywebhooks.Webhooks.*;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.policywebhooks.provider.Delivery;
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
        post(VerticalInsureEvents.PROVIDER, body).statusCode(200).body("event_id", equalTo(eventIdOf(body)))
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
            assertNull(policy.get("version"), "the samples send no version; none is made up");
            assertEquals(policyId, s(policy, "master_policy_id")); // the samples reuse the policy id here
            assertEquals("string", policy.get("customer").m().get("email_address").s());
        }
    }

    /** The documented endorsement with its two policy ids replaced. */
    static byte[] endorsement(String previousId, String currentId) {
        String text = new String(sample("vertical-insure/policy_endorsed.json"), StandardCharsets.UTF_8);
        return utf8(text.replace(SAMPLE_ID, previousId).replace(ENDORSED_CURRENT_ID, currentId));
    }

    @Test
    void endorsementSupersedesThePreviousPolicy() {
        String previousId = UUID.randomUUID().toString();
        String currentId = UUID.randomUUID().toString();
        post(VerticalInsureEvents.PROVIDER, sampleFor("policy_bind_complete", previousId)).statusCode(200);
        byte[] body = endorsement(previousId, currentId);
        post(VerticalInsureEvents.PROVIDER, body).statusCode(200);

        Map<String, AttributeValue> stored = event(dynamo, eventIdOf(body));
        assertEquals(currentId, s(stored, "object_id"));
        assertEquals("1", stored.get("payload").m().get("data").m().get("previous_policy").m().get("version").n());
        Map<String, AttributeValue> current = policy(dynamo, currentId);
        assertEquals("ACTIVE", s(current, "status"));
        assertEquals("2", current.get("version").n());
        Map<String, AttributeValue> previous = policy(dynamo, previousId);
        assertEquals("SUPERSEDED", s(previous, "status"));
        assertEquals(currentId, s(previous, "superseded_by"));
        assertEquals("1", previous.get("version").n());
        assertEquals(eventIdOf(body), s(previous, "last_event_id"));
    }

    @Test
    void lateEventsForASupersededPolicyNeverMakeItActiveAgain() {
        String previousId = UUID.randomUUID().toString();
        String currentId = UUID.randomUUID().toString();
        post(VerticalInsureEvents.PROVIDER, endorsement(previousId, currentId)).statusCode(200);
        post(VerticalInsureEvents.PROVIDER, sampleFor("policy_bind_complete", previousId)).statusCode(200); // late, no version
        String versionOne = new String(sampleFor("policy_purchase_complete", previousId), StandardCharsets.UTF_8)
                .replace("\"policy_status\": \"PENDING\"", "\"policy_status\": \"ACTIVE\", \"version\": 1");
        post(VerticalInsureEvents.PROVIDER, utf8(versionOne)).statusCode(200); // late, version 1 as the endorsement says
        assertEquals("SUPERSEDED", s(policy(dynamo, previousId), "status"));
        assertEquals(currentId, s(policy(dynamo, previousId), "superseded_by"));
    }

    @Test
    void cancelWithoutVersionCancelsAnEndorsedPolicy() {
        String previousId = UUID.randomUUID().toString();
        String currentId = UUID.randomUUID().toString();
        post(VerticalInsureEvents.PROVIDER, endorsement(previousId, currentId)).statusCode(200);
        post(VerticalInsureEvents.PROVIDER, sampleFor("policy_canceled", currentId)).statusCode(200); // documented: no version
        Map<String, AttributeValue> current = policy(dynamo, currentId);
        assertEquals("CANCELLED", s(current, "status"));
        assertEquals("policy_canceled", s(current, "last_event_type"));
        assertEquals("2", current.get("version").n(), "the version the state last carried stays");
    }

    @Test
    void everyPayoutDeliveryIsCounted() {
        for (String event : new String[] {"payout_report_published", "payout_payment_sent"}) {
            byte[] body = sample("vertical-insure/" + event + ".json");
            int before = deliveries(eventIdOf(body)); // the samples are shared with other tests
            for (int i = 0; i < 3; i++) {
                post(VerticalInsureEvents.PROVIDER, body).statusCode(200).body("duplicate", equalTo(before + i > 0));
            }
            Map<String, AttributeValue> stored = event(dynamo, eventIdOf(body));
            assertEquals(before + 3, Integer.parseInt(stored.get("deliveries").n()), event);
            assertTrue(s(stored, "last_received_at").compareTo(s(stored, "received_at")) >= 0);
        }
    }

    int deliveries(String eventId) {
        Map<String, AttributeValue> stored = event(dynamo, eventId);
        return stored.isEmpty() ? 0 : Integer.parseInt(stored.get("deliveries").n());
    }

    @Test
    void premiumBeyondDynamoDbNumbersIsLeftOutAndTheRestStored() {
        String policyId = UUID.randomUUID().toString();
        String premium = "1".repeat(39);
        byte[] body = utf8(new String(sampleFor("policy_bind_complete", policyId), StandardCharsets.UTF_8)
                .replace("\"premium_amount\": 0", "\"premium_amount\": " + premium));
        assertTrue(new String(body, StandardCharsets.UTF_8).contains(premium));
        post(VerticalInsureEvents.PROVIDER, body).statusCode(200).body("duplicate", equalTo(false));

        Map<String, AttributeValue> stored = event(dynamo, eventIdOf(body));
        assertEquals(new String(body, StandardCharsets.UTF_8), s(stored, "raw_body"));
        assertEquals("JSON has no DynamoDB form", s(stored, "parse_error"));
        Map<String, AttributeValue> policy = policy(dynamo, policyId);
        assertEquals("ACTIVE", s(policy, "status"));
        assertNull(policy.get("premium_amount"));
        assertEquals("string", s(policy, "policy_number"));
    }

    @Test
    void lateVersionOneEventAfterEndorsementLeavesVersionTwo() {
        String policyId = UUID.randomUUID().toString();
        post(VerticalInsureEvents.PROVIDER, sampleFor("policy_endorsed", policyId)).statusCode(200);
        byte[] lateBind = sampleFor("policy_bind_complete", policyId); // no version: at equal rank it sorts first
        post(VerticalInsureEvents.PROVIDER, lateBind).statusCode(200);
        Map<String, AttributeValue> policy = policy(dynamo, policyId);
        assertEquals("2", policy.get("version").n());
        assertEquals("policy_endorsed", s(policy, "last_event_type"));
        assertEquals("6500", policy.get("premium_amount").n());
        assertFalse(event(dynamo, eventIdOf(lateBind)).isEmpty(), "the late event is still stored");
    }

    @Test
    void lateBindAfterCancelStaysCancelled() {
        String policyId = UUID.randomUUID().toString();
        post(VerticalInsureEvents.PROVIDER, sampleFor("policy_canceled", policyId)).statusCode(200);
        post(VerticalInsureEvents.PROVIDER, sampleFor("policy_bind_complete", policyId)).statusCode(200);
        post(VerticalInsureEvents.PROVIDER, sampleFor("policy_purchase_complete", policyId)).statusCode(200);
        assertEquals("CANCELLED", s(policy(dynamo, policyId), "status"));
    }

    @Test
    void latePendingNeverOverwritesActive() {
        String policyId = UUID.randomUUID().toString();
        post(VerticalInsureEvents.PROVIDER, sampleFor("policy_bind_complete", policyId)).statusCode(200);
        post(VerticalInsureEvents.PROVIDER, sampleFor("policy_purchase_complete", policyId)).statusCode(200);
        assertEquals("ACTIVE", s(policy(dynamo, policyId), "status"));
    }

    @Test
    void payoutEventsWithNullDataAreStoredAsEventsOnly() {
        for (String event : new String[] {"payout_report_published", "payout_payment_sent"}) {
            byte[] body = sample("vertical-insure/" + event + ".json");
            post(VerticalInsureEvents.PROVIDER, body).statusCode(200);
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
        String upper = VerticalInsureSigner.sign(VerticalInsureProvider.LOCAL_SECRET, body).toUpperCase(java.util.Locale.ROOT);
        post(VerticalInsureEvents.PROVIDER, body, Map.of(VerticalInsureSignatureVerifier.SIGNATURE_HEADER, upper)).statusCode(200);
    }

    @Test
    void missingOrWrongSignatureWritesNothing() {
        String policyId = UUID.randomUUID().toString();
        byte[] body = sampleFor("policy_bind_complete", policyId);
        post(VerticalInsureEvents.PROVIDER, body, Map.of(VerticalInsureSignatureVerifier.SIGNATURE_HEADER, VerticalInsureSigner.sign("wrong-key", body))).statusCode(401)
                .body("error", equalTo("signature mismatch"));
        io.restassured.RestAssured.given().contentType("application/json").body(body)
                .post("/webhooks/vertical-insure").then().statusCode(401).body("error", equalTo("missing signature"));
        assertTrue(event(dynamo, eventIdOf(body)).isEmpty());
        assertTrue(policy(dynamo, policyId).isEmpty());
    }

    @Test
    void redeliveryIsADuplicate() {
        byte[] body = sampleFor("policy_bind_complete", UUID.randomUUID().toString());
        post(VerticalInsureEvents.PROVIDER, body).statusCode(200).body("duplicate", equalTo(false));
        post(VerticalInsureEvents.PROVIDER, body).statusCode(200).body("duplicate", equalTo(true))
                .body("event_id", equalTo(eventIdOf(body)));
    }
}
