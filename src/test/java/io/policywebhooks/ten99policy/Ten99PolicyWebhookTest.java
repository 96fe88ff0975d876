package io.policywebhooks.ten99policy;

import static io.policywebhooks.Webhooks.*;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.policywebhooks.DynaliteResource;
import io.policywebhooks.store.Schema;
import io.policywebhooks.store.WebhookStore;
import io.policywebhooks.provider.Delivery;
import io.policywebhooks.provider.Headers;
import io.quarkus.test.junit.QuarkusTest;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** The whole 1099Policy flow through the Lambda HTTP path (mock event server) against dynalite. */
@QuarkusTest
class Ten99PolicyWebhookTest {
    @Inject
    DynamoDbClient dynamo;
    @Inject
    WebhookStore store;

    static String uid() {
        return UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    }

    /** A doc sample with its object id made unique, so the test owns its item (other tests send the samples too). */
    static byte[] sampleFor(String file, String docId, String id) {
        return utf8(new String(sample("1099policy/" + file), java.nio.charset.StandardCharsets.UTF_8).replace(docId, id));
    }

    @Test
    void documentedPolicyActiveSampleIsStoredWithItsState() {
        String policyId = "pl_" + uid();
        byte[] body = sampleFor("policy.active.json", "pl_iJ5A9JKnG8", policyId);
        String eventId = post(Ten99PolicyEvents.PROVIDER, body).statusCode(200).body("duplicate", equalTo(false))
                .extract().path("event_id");
        assertTrue(eventId.startsWith("1099policy#sha256:"), eventId); // the sample has no event id

        Map<String, AttributeValue> event = event(dynamo, eventId);
        assertEquals("1099policy", s(event, "provider"));
        assertEquals("policy.active", s(event, "type"));
        assertEquals("policy", s(event, "object_type"));
        assertEquals(policyId, s(event, "object_id"));
        assertEquals("2023-09-29T19:28:51.000Z", s(event, "created_at"));
        assertNotNull(Instant.parse(s(event, "received_at")));
        assertEquals(new String(body, java.nio.charset.StandardCharsets.UTF_8), s(event, "raw_body"));
        assertEquals("qt_aFjVlfRrAe", event.get("payload").m().get("data").m().get("quote").s());

        Map<String, AttributeValue> policy = policy(dynamo, policyId);
        assertEquals("ACTIVE", s(policy, "status"));
        assertEquals("1099policy", s(policy, "provider"));
        assertEquals(true, policy.get("is_active").bool());
        assertEquals("qt_aFjVlfRrAe", s(policy, "quote"));
        assertTrue(s(policy, "pdf_url").endsWith("1696015724.pdf"));
        assertTrue(policy.get("certificates").m().get("wc_coi_pdf_url").s().endsWith("1696015722.pdf"));
        assertEquals("2023-09-27T05:37:06.000Z", s(policy, "effective_date"));
        assertEquals("2023-11-01T00:00:00.000Z", s(policy, "expiration_date"));
        assertEquals("policy.active", s(policy, "last_event_type"));
        assertEquals(eventId, s(policy, "last_event_id"));
        assertEquals("2023-09-29T19:28:51.000Z", s(policy, "last_event_at"));
        assertNotNull(s(policy, "updated_at"));
    }

    @Test
    void documentedAssignmentActiveSampleIsStoredWithItsState() {
        String assignmentId = "an_" + uid();
        byte[] body = sampleFor("assignment.active.json", "an_rDpc5e7D2s", assignmentId);
        String eventId = post(Ten99PolicyEvents.PROVIDER, body).statusCode(200).extract().path("event_id");
        assertEquals("assignment", s(event(dynamo, eventId), "object_type"));

        Map<String, AttributeValue> assignment = assignment(dynamo, assignmentId);
        assertEquals("ACTIVE", s(assignment, "status"));
        assertEquals("cn_HoQsfQ2nLa", s(assignment, "contractor"));
        assertEquals("jb_YuBZ3r7W2k", s(assignment, "job"));
        assertEquals("2023-09-20T19:49:46.000Z", s(assignment, "effective_date"));
        assertEquals("2024-04-20T17:00:00.000Z", s(assignment, "end_date"));
        assertTrue(assignment.get("certificates").m().containsKey("gl_coi_pdf_url"));
        assertEquals("assignment.active", s(assignment, "last_event_type"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"policy.active", "policy.active.media", "policy.reactivated", "policy.cancelled",
            "application.created", "application.started", "application.complete", "application.expired",
            "application.ineligible", "application.manual_review", "application.manual_review_approved",
            "assignment.active", "assignment.cancelled", "certificate.approved", "certificate.flagged",
            "certificate.denied", "certificate.error", "invoice.charge_card_failed",
            "invoice.charge_card_succeeded", "category_code.added", "brand_new.event_type"})
    void everyEventTypeIsStored(String type) {
        String objectId = "ob_" + uid();
        String id = "evt_" + uid();
        byte[] body = utf8("{\"id\":\"" + id + "\",\"type\":\"" + type + "\",\"created\":1700000000,"
                + "\"data\":{\"id\":\"" + objectId + "\"}}");
        post(Ten99PolicyEvents.PROVIDER, body).statusCode(200).body("event_id", equalTo("1099policy#" + id));

        Map<String, AttributeValue> event = event(dynamo, "1099policy#" + id);
        assertEquals(type, s(event, "type"));
        assertEquals(objectId, s(event, "object_id"));
        String expectedObjectType = type.startsWith("application.") ? "session" : type.substring(0, type.indexOf('.'));
        assertEquals(expectedObjectType, s(event, "object_type"));

        boolean policyEvent = type.startsWith("policy.");
        boolean assignmentEvent = type.startsWith("assignment.");
        assertEquals(policyEvent, !policy(dynamo, objectId).isEmpty(), "policy state for " + type);
        assertEquals(assignmentEvent, !assignment(dynamo, objectId).isEmpty(), "assignment state for " + type);
        if (policyEvent || assignmentEvent) {
            Map<String, AttributeValue> state = policyEvent ? policy(dynamo, objectId) : assignment(dynamo, objectId);
            assertEquals(type.endsWith("cancelled") ? "CANCELLED" : "ACTIVE", s(state, "status"));
        }
    }

    @Test
    void objectUnderDataObjectWithIsoTimes() {
        String policyId = "pl_" + uid();
        byte[] body = utf8("{\"type\":\"policy.active\",\"created\":\"2024-05-01T10:00:00Z\","
                + "\"data\":{\"object\":{\"id\":\"" + policyId + "\",\"object\":\"policy\","
                + "\"effective_date\":\"2024-05-01T00:00:00+02:00\",\"expiration_date\":1735689600}}}");
        String eventId = "1099policy#" + Delivery.bodyKey(body);
        post(Ten99PolicyEvents.PROVIDER, body).statusCode(200).body("event_id", equalTo(eventId));
        Map<String, AttributeValue> policy = policy(dynamo, policyId);
        assertEquals("ACTIVE", s(policy, "status"));
        assertEquals("2024-04-30T22:00:00.000Z", s(policy, "effective_date"));
        assertEquals("2025-01-01T00:00:00.000Z", s(policy, "expiration_date"));
        assertEquals("2024-05-01T10:00:00.000Z", s(event(dynamo, eventId), "created_at"));
    }

    @Test
    void theSameSignedBodyWithOtherConvoyIdHeadersIsOneEvent() {
        String policyId = "pl_" + uid();
        byte[] body = sampleFor("policy.active.json", "pl_iJ5A9JKnG8", policyId); // no id in the body
        String eventId = "1099policy#" + Delivery.bodyKey(body);
        List<Map<String, String>> convoyHeaders = List.of(
                Map.of("X-Convoy-Idempotency-Key", "idem_first", "X-Convoy-Event-ID", "ev_first"),
                Map.of("X-Convoy-Idempotency-Key", "idem_other"),
                Map.of(),
                Map.of("X-Convoy-Event-ID", "ev_other"));
        for (int i = 0; i < convoyHeaders.size(); i++) {
            Map<String, String> headers = new java.util.HashMap<>(convoyHeaders.get(i));
            headers.put("X-Convoy-Signature", Ten99PolicySigner.signedNow(body));
            post(Ten99PolicyEvents.PROVIDER, body, headers).statusCode(200).body("event_id", equalTo(eventId))
                    .body("duplicate", equalTo(i > 0));
        }
        assertEquals(1, count(dynamo, DynaliteResource.TABLES.events(), Schema.OBJECT_ID, policyId));
        Map<String, AttributeValue> event = event(dynamo, eventId);
        assertEquals("4", event.get("deliveries").n());
        assertEquals("idem_first", s(event, "convoy_idempotency_key"), "the first delivery's headers, unindexed");
        assertEquals("ev_first", s(event, "convoy_event_id"));
        assertTrue(event(dynamo, "1099policy#idem_first").isEmpty(), "a header never forms a key");
    }

    static byte[] policyEvent(String type, String policyId, String created) {
        return utf8("{\"id\":\"evt_" + uid() + "\",\"type\":\"" + type + "\",\"created\":" + created
                + ",\"data\":{\"id\":\"" + policyId + "\"}}");
    }

    /** T = 2023-11-14T22:13:20Z. */
    static final long T = 1_700_000_000L;

    @ParameterizedTest
    @ValueSource(strings = {"1700000000000", "\"1700000000000\"", "\"2023-11-14T22:13:20\"",
            "\"2023-11-14T22:13:20.000\"", "\"2023-11-14T22:13:20Z\"", "\"soon\"", "null", "\"+10000-01-01T00:00:00Z\"",
            "-1700000000", "\"1969-12-31T23:59:59Z\""})
    void aLateOlderActiveInAnyCreatedFormNeverOverwritesACancel(String olderCreated) {
        String policyId = "pl_" + uid();
        post(Ten99PolicyEvents.PROVIDER, policyEvent("policy.cancelled", policyId, Long.toString(T + 100))).statusCode(200);
        byte[] late = policyEvent("policy.active", policyId, olderCreated);
        String eventId = post(Ten99PolicyEvents.PROVIDER, late).statusCode(200).extract().path("event_id");
        assertEquals("CANCELLED", s(policy(dynamo, policyId), "status"));
        assertEquals("policy.active", s(event(dynamo, eventId), "type"), "the late event is stored");
    }

    @ParameterizedTest
    @ValueSource(strings = {"1700000100000", "\"2023-11-14T22:15:00\"", "\"2023-11-14T23:15:00.5+01:00\"",
            "1700000100.25"})
    void aNewerCancelInAnyCreatedFormOverwritesAnActive(String newerCreated) {
        String policyId = "pl_" + uid();
        post(Ten99PolicyEvents.PROVIDER, policyEvent("policy.active", policyId, Long.toString(T))).statusCode(200);
        post(Ten99PolicyEvents.PROVIDER, policyEvent("policy.cancelled", policyId, newerCreated)).statusCode(200);
        assertEquals("CANCELLED", s(policy(dynamo, policyId), "status"));
    }

    @Test
    void anUnreadableCreatedCanCreateAStateButIsNotedOnTheEvent() {
        String policyId = "pl_" + uid();
        String eventId = post(Ten99PolicyEvents.PROVIDER, policyEvent("policy.active", policyId, "\"soon\"")).statusCode(200)
                .extract().path("event_id");
        assertEquals("ACTIVE", s(policy(dynamo, policyId), "status"), "no state existed: it is created");
        Map<String, AttributeValue> event = event(dynamo, eventId);
        assertEquals("created unreadable: state ordered lowest", s(event, "parse_note"));
        assertNull(event.get("created_at"));
        // A second event without a readable time never overwrites the first.
        post(Ten99PolicyEvents.PROVIDER, utf8("{\"id\":\"evt_" + uid() + "\",\"type\":\"policy.cancelled\",\"data\":{\"id\":\"" + policyId
                + "\"}}")).statusCode(200);
        assertEquals("ACTIVE", s(policy(dynamo, policyId), "status"));
        // Any event with a time does.
        post(Ten99PolicyEvents.PROVIDER, policyEvent("policy.cancelled", policyId, Long.toString(T))).statusCode(200);
        assertEquals("CANCELLED", s(policy(dynamo, policyId), "status"));
    }

    @Test
    void cancelledAndReactivatedInTheSameSecondEndActiveInBothOrders() {
        for (boolean reactivatedFirst : new boolean[] {true, false}) {
            String policyId = "pl_" + uid();
            byte[] cancelled = policyEvent("policy.cancelled", policyId, Long.toString(T));
            byte[] reactivated = policyEvent("policy.reactivated", policyId, Long.toString(T));
            post(Ten99PolicyEvents.PROVIDER, reactivatedFirst ? reactivated : cancelled).statusCode(200);
            post(Ten99PolicyEvents.PROVIDER, reactivatedFirst ? cancelled : reactivated).statusCode(200);
            Map<String, AttributeValue> policy = policy(dynamo, policyId);
            assertEquals("ACTIVE", s(policy, "status"), "reactivatedFirst=" + reactivatedFirst);
            assertEquals("policy.reactivated", s(policy, "last_event_type"));
        }
    }

    @Test
    void aPolicyIdDynamoDbCannotKeyIsStoredAsAnEventWithoutState() {
        String policyId = "pl_" + "x".repeat(3000);
        String id = "evt_" + uid();
        byte[] body = utf8("{\"id\":\"" + id + "\",\"type\":\"policy.active\",\"created\":1700000000,"
                + "\"data\":{\"id\":\"" + policyId + "\"}}");
        post(Ten99PolicyEvents.PROVIDER, body).statusCode(200).body("event_id", equalTo("1099policy#" + id)).body("duplicate", equalTo(false));
        Map<String, AttributeValue> event = event(dynamo, "1099policy#" + id);
        assertEquals(new String(body, java.nio.charset.StandardCharsets.UTF_8), s(event, "raw_body"));
        assertEquals("policy.active", s(event, "type"));
        assertNull(event.get("object_id"), "over the index key limit: left out");
        assertEquals(policyId, event.get("payload").m().get("data").m().get("id").s());
        post(Ten99PolicyEvents.PROVIDER, body).statusCode(200).body("duplicate", equalTo(true)); // a redelivery is counted, not refused
        assertEquals("2", event(dynamo, "1099policy#" + id).get("deliveries").n());
    }

    @Test
    void cancelledBeforeActiveEndsCancelled() {
        String policyId = "pl_" + uid();
        byte[] active = utf8("{\"id\":\"evt_" + uid() + "\",\"type\":\"policy.active\",\"created\":1700000000,"
                + "\"data\":{\"id\":\"" + policyId + "\",\"is_active\":true}}");
        byte[] cancelled = utf8("{\"id\":\"evt_" + uid() + "\",\"type\":\"policy.cancelled\",\"created\":1700000100,"
                + "\"data\":{\"id\":\"" + policyId + "\",\"is_active\":false}}");
        post(Ten99PolicyEvents.PROVIDER, cancelled).statusCode(200);
        post(Ten99PolicyEvents.PROVIDER, active).statusCode(200); // older: stored as an event, state untouched
        Map<String, AttributeValue> policy = policy(dynamo, policyId);
        assertEquals("CANCELLED", s(policy, "status"));
        assertEquals(false, policy.get("is_active").bool());
        assertEquals("policy.cancelled", s(policy, "last_event_type"));
    }

    @Test
    void sameSecondTiesEndTheSameWhateverTheArrivalOrder() {
        for (boolean cancelFirst : new boolean[] {true, false}) {
            String policyId = "pl_" + uid();
            byte[] active = utf8("{\"id\":\"evt_a" + uid() + "\",\"type\":\"policy.active\",\"created\":1700000000,"
                    + "\"data\":{\"id\":\"" + policyId + "\"}}");
            byte[] cancelled = utf8("{\"id\":\"evt_c" + uid() + "\",\"type\":\"policy.cancelled\",\"created\":1700000000,"
                    + "\"data\":{\"id\":\"" + policyId + "\"}}");
            post(Ten99PolicyEvents.PROVIDER, cancelFirst ? cancelled : active).statusCode(200);
            post(Ten99PolicyEvents.PROVIDER, cancelFirst ? active : cancelled).statusCode(200);
            assertEquals("CANCELLED", s(policy(dynamo, policyId), "status"), "cancelFirst=" + cancelFirst);
        }
    }

    @Test
    void redeliveryStoresNothingNewAndCompletesAMissedStateWrite() throws Exception {
        String policyId = "pl_" + uid();
        String id = "evt_" + uid();
        byte[] body = utf8("{\"id\":\"" + id + "\",\"type\":\"policy.active\",\"created\":1700000000,"
                + "\"data\":{\"id\":\"" + policyId + "\"}}");
        // A first attempt that died between the two writes: the event is stored, the state is not.
        store.putEvent(Ten99PolicyEvents.map(body, new ObjectMapper().readTree(body), Instant.now())
                .event());
        assertTrue(policy(dynamo, policyId).isEmpty());

        post(Ten99PolicyEvents.PROVIDER, body).statusCode(200).body("duplicate", equalTo(true)).body("event_id", equalTo("1099policy#" + id));
        assertEquals("ACTIVE", s(policy(dynamo, policyId), "status"));
        assertEquals(1, count(dynamo, DynaliteResource.TABLES.events(), Schema.EVENT_ID, "1099policy#" + id));
    }

    @Test
    void badSignatureWritesNothing() {
        String policyId = "pl_" + uid();
        String id = "evt_" + uid();
        byte[] body = utf8("{\"id\":\"" + id + "\",\"type\":\"policy.active\",\"data\":{\"id\":\"" + policyId + "\"}}");
        String wrong = Ten99PolicySigner.signAdvanced(List.of("not-the-secret"), now(), body,
                ConvoySignatureVerifier.Hash.SHA512, ConvoySignatureVerifier.Encoding.HEX);
        post(Ten99PolicyEvents.PROVIDER, body, Map.of("X-Convoy-Signature", wrong)).statusCode(401)
                .body("error", equalTo("signature mismatch"));
        post(Ten99PolicyEvents.PROVIDER, body, Map.of()).statusCode(401).body("error", equalTo("missing signature"));
        String stale = Ten99PolicySigner.signAdvanced(List.of(Ten99PolicyProvider.LOCAL_SECRET),
                now() - 3600, body, ConvoySignatureVerifier.Hash.SHA512, ConvoySignatureVerifier.Encoding.HEX);
        post(Ten99PolicyEvents.PROVIDER, body, Map.of("X-Convoy-Signature", stale)).statusCode(401)
                .body("error", equalTo("timestamp outside tolerance"));
        assertTrue(event(dynamo, "1099policy#" + id).isEmpty());
        assertTrue(policy(dynamo, policyId).isEmpty());
    }

    @Test
    void commaSeparatedSignatureHeaderReachesTheVerifierIntact() {
        // quarkus-amazon-lambda-http splits header values on commas; the receiver must re-join them.
        String id = "evt_" + uid();
        byte[] body = utf8("{\"id\":\"" + id + "\",\"type\":\"certificate.flagged\",\"data\":{\"id\":\"ce_1\"}}");
        long t = now();
        String good = Ten99PolicySigner.signWithTimestamp(Ten99PolicyProvider.LOCAL_SECRET,
                t, body, ConvoySignatureVerifier.Hash.SHA512, ConvoySignatureVerifier.Encoding.HEX);
        String header = "t=" + t + ",v1=" + "ab".repeat(64) + ",v1=" + good;
        post(Ten99PolicyEvents.PROVIDER, body, Map.of("X-Convoy-Signature", header)).statusCode(200)
                .body("event_id", equalTo("1099policy#" + id));
    }

    @Test
    void documentedTimestampHeaderFormVerifiesOverHttp() {
        String id = "evt_" + uid();
        byte[] body = utf8("{\"id\":\"" + id + "\",\"type\":\"invoice.charge_card_failed\",\"data\":{\"id\":\"in_1\"}}");
        long t = now();
        String sig = Ten99PolicySigner.signWithTimestamp(Ten99PolicyProvider.LOCAL_SECRET,
                t, body, ConvoySignatureVerifier.Hash.SHA512, ConvoySignatureVerifier.Encoding.HEX);
        post(Ten99PolicyEvents.PROVIDER, body, Map.of("convoy-timestamp", Long.toString(t), "x-convoy-signature", sig)).statusCode(200);
        assertEquals("invoice", s(event(dynamo, "1099policy#" + id), "object_type"));
    }

    @Test
    void authenticButUnparseableBodyIsStoredRaw() {
        byte[] body = utf8("this is not json " + uid());
        String eventId = post(Ten99PolicyEvents.PROVIDER, body).statusCode(200).extract().path("event_id");
        Map<String, AttributeValue> event = event(dynamo, eventId);
        assertEquals(new String(body, java.nio.charset.StandardCharsets.UTF_8), s(event, "raw_body"));
        assertEquals("unknown", s(event, "type"));
        assertEquals("body is not JSON", s(event, "parse_error"));
    }
}
