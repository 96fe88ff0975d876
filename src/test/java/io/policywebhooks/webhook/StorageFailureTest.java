package io.policywebhooks.webhook;

import io.policywebhooks.AppConfig;
import io.policywebhooks.ten99policy.Ten99PolicySigner;
import io.policywebhooks.ten99policy.Ten99PolicyEvents;
import io.policywebhooks.provider.Headers;
import static io.policywebhooks.Webhooks.*;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.policywebhooks.DynaliteResource;
import io.policywebhooks.FaultProxy;
import io.policywebhooks.Signers;
import io.policywebhooks.WebhookSigner;
import io.policywebhooks.store.Schema;
import io.policywebhooks.store.WebhookStore;
import io.quarkus.test.junit.QuarkusTest;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * DynamoDB failing: unreachable, slow, throttling, a table missing. The answer is a 503 (the provider retries)
 * within a bounded time, and after recovery every redelivered event is stored exactly once with the newest state.
 */
@QuarkusTest
class StorageFailureTest {
    /** The Lambda timeout in template.yaml; the budget in Producers keeps two writes under it. */
    static final long LAMBDA_TIMEOUT_MILLIS = 5_000;

    @Inject
    DynamoDbClient dynamo;
    @Inject
    WebhookProviders providers;

    @AfterEach
    void restore() {
        FaultProxy.set(FaultProxy.Mode.UP);
    }

    static byte[] policyEvent(String policyId, String type, long created) {
        return utf8("{\"id\":\"evt_" + UUID.randomUUID() + "\",\"type\":\"" + type + "\",\"created\":" + created
                + ",\"data\":{\"id\":\"" + policyId + "\"}}");
    }

    long timed503(byte[] body) {
        long start = System.nanoTime();
        post(Ten99PolicyEvents.PROVIDER, body).statusCode(503).body("error", equalTo("storage unavailable, retry later"));
        return (System.nanoTime() - start) / 1_000_000;
    }

    @Test
    void unreachableSlowOrThrottlingDynamoDbGets503WellUnderTheProviderTimeout() {
        for (FaultProxy.Mode fault : new FaultProxy.Mode[] {FaultProxy.Mode.DOWN, FaultProxy.Mode.SLOW,
                FaultProxy.Mode.THROTTLE}) {
            FaultProxy.set(fault);
            long millis = timed503(policyEvent("pl_" + UUID.randomUUID(), "policy.active", 1700000000));
            assertTrue(millis < LAMBDA_TIMEOUT_MILLIS, fault + " took " + millis + " ms");
        }
    }

    @Test
    void missingTableGets503() {
        // The same flow and a real DynamoDB API, with table names that do not exist.
        WebhookStore missing = new WebhookStore(dynamo, new Schema.TableNames("no-such-events", "no-such-policies",
                "no-such-assignments"));
        WebhookService service = new WebhookService(missing, Clock.systemUTC(), AppConfig.DEFAULTS.maxBodyBytes(), AppConfig.DEFAULTS.metricsNamespace());
        byte[] body = policyEvent("pl_" + UUID.randomUUID(), "policy.active", 1700000000);
        Outcome outcome = service.receive(providers.get("1099policy"), body, Headers.of(Map.of("X-Convoy-Signature", Ten99PolicySigner.signedNow(body))));
        assertEquals(503, outcome.status());
        assertEquals(Outcome.Kind.STORAGE_FAILED, outcome.kind());
    }

    @Test
    void aFailedStateWriteAloneGets503AndTheRedeliveryCompletesItOnce() {
        // The events table is there, the policies table is not: the event write succeeds, the state write fails.
        WebhookStore stateFails = new WebhookStore(dynamo, new Schema.TableNames(DynaliteResource.TABLES.events(),
                "no-such-policies", "no-such-assignments"));
        WebhookService service = new WebhookService(stateFails, Clock.systemUTC(), AppConfig.DEFAULTS.maxBodyBytes(), AppConfig.DEFAULTS.metricsNamespace());
        String policyId = "pl_" + UUID.randomUUID();
        String id = "evt_" + UUID.randomUUID();
        byte[] body = utf8("{\"id\":\"" + id + "\",\"type\":\"policy.active\",\"created\":1700000000,"
                + "\"data\":{\"id\":\"" + policyId + "\"}}");
        String eventId = "1099policy#" + id;
        Outcome first = service.receive(providers.get("1099policy"), body, Headers.of(Map.of("X-Convoy-Signature", Ten99PolicySigner.signedNow(body))));
        assertEquals(503, first.status());
        assertEquals("1", event(dynamo, eventId).get(Schema.DELIVERIES).n(), "the event write went through");
        assertTrue(policy(dynamo, policyId).isEmpty());

        // The provider's retry, through the Lambda HTTP path with the real tables, completes the state.
        post(Ten99PolicyEvents.PROVIDER, body).statusCode(200).body("duplicate", equalTo(true));
        Map<String, AttributeValue> applied = policy(dynamo, policyId);
        assertEquals("ACTIVE", s(applied, "status"));

        // Re-applying the already-applied event changes nothing.
        post(Ten99PolicyEvents.PROVIDER, body).statusCode(200).body("duplicate", equalTo(true));
        assertEquals(applied, policy(dynamo, policyId), "updated_at and every attribute unchanged");
        assertEquals("3", event(dynamo, eventId).get(Schema.DELIVERIES).n());
    }

    @Test
    void nothingIsLostAcrossAnOutage() {
        Random random = new Random(42);
        // 6 policies, 5 events each with rising created times; the newest decides the final state.
        List<byte[]> deliveries = new ArrayList<>();
        Map<String, String> newestStatus = new LinkedHashMap<>();
        for (int p = 0; p < 6; p++) {
            String policyId = "pl_" + UUID.randomUUID();
            for (int e = 0; e < 5; e++) {
                String type = random.nextBoolean() ? "policy.active" : "policy.cancelled";
                deliveries.add(policyEvent(policyId, type, 1700000000L + e));
                newestStatus.put(policyId, type.equals("policy.active") ? "ACTIVE" : "CANCELLED");
            }
        }
        Collections.shuffle(deliveries, random);

        List<byte[]> failed = new ArrayList<>();
        for (int i = 0; i < deliveries.size(); i++) {
            // DynamoDB goes away for the middle third of the stream.
            FaultProxy.set(i >= 10 && i < 20 ? FaultProxy.Mode.DOWN : FaultProxy.Mode.UP);
            int status = post(Ten99PolicyEvents.PROVIDER, deliveries.get(i)).extract().statusCode();
            if (status != 200) {
                assertEquals(503, status);
                failed.add(deliveries.get(i));
            }
        }
        assertEquals(10, failed.size(), "every delivery during the outage got a 5xx");

        FaultProxy.set(FaultProxy.Mode.UP);
        Collections.shuffle(failed, random);
        for (byte[] body : failed) { // the provider's retries, in their own order
            post(Ten99PolicyEvents.PROVIDER, body).statusCode(200);
        }
        for (byte[] body : deliveries) { // and a stray redelivery of everything: all duplicates now
            post(Ten99PolicyEvents.PROVIDER, body).statusCode(200).body("duplicate", equalTo(true));
        }

        for (byte[] body : deliveries) {
            String eventId = post(Ten99PolicyEvents.PROVIDER, body).extract().path("event_id");
            assertEquals(1, count(dynamo, DynaliteResource.TABLES.events(), Schema.EVENT_ID, eventId));
        }
        newestStatus.forEach((policyId, status) -> {
            assertEquals(status, s(policy(dynamo, policyId), "status"), policyId);
            assertTrue(s(policy(dynamo, policyId), "last_event_order").startsWith("001700000004000#"),
                    "the newest event (created 1700000004) is reflected for " + policyId);
        });
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.policywebhooks.Signers#names")
    void everyProviderAnswers503WhileDynamoDbIsDownAndStoresTheRetry(String provider) {
        WebhookSigner signer = Signers.of(provider);
        byte[] body = uniqueSample(signer);
        Map<String, String> headers = signer.headers(signer.localSecret(), body, now());
        FaultProxy.set(FaultProxy.Mode.DOWN);
        post(provider, body, headers).statusCode(503).body("error", equalTo("storage unavailable, retry later"));
        FaultProxy.set(FaultProxy.Mode.UP);
        String eventId = post(provider, body, headers).statusCode(200).body("duplicate", equalTo(false))
                .extract().path("event_id");
        assertEquals("1", event(dynamo, eventId).get(Schema.DELIVERIES).n(), "stored once, by the retry");
    }
}
