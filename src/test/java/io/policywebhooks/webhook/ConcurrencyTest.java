package io.policywebhooks.webhook;

import io.policywebhooks.ten99policy.Ten99PolicySigner;
import io.policywebhooks.provider.Headers;
import io.policywebhooks.provider.Delivery;
import static io.policywebhooks.Webhooks.*;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.policywebhooks.DynaliteResource;
import io.policywebhooks.store.Attributes;
import io.policywebhooks.store.Schema;
import io.policywebhooks.verticalinsure.VerticalInsureProvider;
import io.policywebhooks.verticalinsure.VerticalInsureSignatureVerifier;
import io.policywebhooks.verticalinsure.VerticalInsureSigner;
import io.quarkus.test.junit.QuarkusTest;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Real concurrency against dynalite. Quarkus's test Lambda loop handles one request at a time, so these tests run
 * the receiving flow below it: the application's own {@link WebhookService} and provider endpoints, called from many
 * threads at once (released together by a barrier). The conditional writes must keep each event one item with
 * every delivery counted, and each state at its newest event.
 */
@QuarkusTest
class ConcurrencyTest {
    static final int THREADS = 50;
    static ExecutorService pool;

    @Inject
    WebhookService service;
    @Inject
    WebhookProviders providers;
    @Inject
    DynamoDbClient dynamo;

    @BeforeAll
    static void startPool() {
        pool = Executors.newFixedThreadPool(THREADS);
    }

    @AfterAll
    static void stopPool() {
        pool.shutdownNow();
    }

    /** Runs every call at once: each waits at a barrier until all have started. */
    static List<Outcome> atOnce(List<Callable<Outcome>> calls) throws Exception {
        CyclicBarrier start = new CyclicBarrier(calls.size());
        List<Callable<Outcome>> gated = new ArrayList<>();
        for (Callable<Outcome> call : calls) {
            gated.add(() -> {
                start.await();
                return call.call();
            });
        }
        List<Outcome> outcomes = new ArrayList<>();
        for (Future<Outcome> future : pool.invokeAll(gated)) {
            outcomes.add(future.get());
        }
        return outcomes;
    }

    Outcome ten99(byte[] body) {
        return service.receive(providers.get("1099policy"), body, Headers.of(Map.of("X-Convoy-Signature", Ten99PolicySigner.signedNow(body))));
    }

    Outcome vi(byte[] body) {
        return service.receive(providers.get("vertical-insure"), body, Headers.of(Map.of(VerticalInsureSignatureVerifier.SIGNATURE_HEADER,
                VerticalInsureSigner.sign(VerticalInsureProvider.LOCAL_SECRET, body))));
    }

    void assertOneItemWithEveryDeliveryCounted(List<Outcome> outcomes, String eventId) {
        assertEquals(Collections.nCopies(THREADS, 200), outcomes.stream().map(Outcome::status).toList());
        assertEquals(1, outcomes.stream().filter(o -> !o.duplicate()).count(), "exactly one first delivery");
        assertEquals(1, count(dynamo, DynaliteResource.TABLES.events(), Schema.EVENT_ID, eventId));
        assertEquals(Integer.toString(THREADS), event(dynamo, eventId).get(Schema.DELIVERIES).n());
    }

    @Test
    void fiftySimultaneousDeliveriesOfOneEventAreOneItemCountedFiftyTimes() throws Exception {
        String policyId = "pl_" + UUID.randomUUID();
        String id = "evt_" + UUID.randomUUID();
        byte[] body = utf8("{\"id\":\"" + id + "\",\"type\":\"policy.active\",\"created\":1700000000,"
                + "\"data\":{\"id\":\"" + policyId + "\"}}");
        List<Callable<Outcome>> calls = new ArrayList<>();
        for (int i = 0; i < THREADS; i++) {
            calls.add(() -> ten99(body));
        }
        assertOneItemWithEveryDeliveryCounted(atOnce(calls), "1099policy#" + id);
        assertEquals("ACTIVE", s(policy(dynamo, policyId), "status"));

        // Vertical Insure sends no id: identical bytes are the same event, keyed by their hash.
        byte[] payout = utf8("{\"event\":\"payout_report_published\",\"webhook\":\"https://example.com/"
                + UUID.randomUUID() + "\",\"data\":null}");
        calls.clear();
        for (int i = 0; i < THREADS; i++) {
            calls.add(() -> vi(payout));
        }
        assertOneItemWithEveryDeliveryCounted(atOnce(calls), "vertical-insure#" + Delivery.bodyKey(payout));
    }

    @Test
    void thirtyEventsForOnePolicyInRandomSimultaneousOrderEndAtTheNewest() throws Exception {
        Random random = new Random(7);
        for (int round = 0; round < 10; round++) {
            String policyId = "pl_" + UUID.randomUUID();
            List<byte[]> events = new ArrayList<>();
            String newest = null;
            for (int e = 0; e < 30; e++) {
                String type = random.nextBoolean() ? "policy.active" : "policy.cancelled";
                events.add(utf8("{\"id\":\"evt_" + UUID.randomUUID() + "\",\"type\":\"" + type + "\",\"created\":"
                        + (1700000000 + e * 60) + ",\"data\":{\"id\":\"" + policyId + "\",\"seq\":" + e + "}}"));
                newest = type;
            }
            Collections.shuffle(events, random);
            List<Callable<Outcome>> calls = new ArrayList<>();
            for (byte[] body : events) {
                calls.add(() -> ten99(body));
            }
            assertEquals(Collections.nCopies(events.size(), 200),
                    atOnce(calls).stream().map(Outcome::status).toList());
            Map<String, AttributeValue> policy = policy(dynamo, policyId);
            assertEquals(newest, s(policy, "last_event_type"), "round " + round);
            assertEquals(newest.equals("policy.active") ? "ACTIVE" : "CANCELLED", s(policy, "status"), "round " + round);
            assertEquals(Attributes.iso(Instant.ofEpochSecond(1700000000 + 29 * 60)), s(policy, "last_event_at"),
                    "round " + round);
        }
    }
}
