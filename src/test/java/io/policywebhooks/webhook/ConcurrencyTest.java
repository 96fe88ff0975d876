package io.policywebhooks.webhook;

import static io.policywebhooks.Webhooks.*;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.policywebhooks.DynaliteResource;
import io.policywebhooks.store.Tables;
import io.quarkus.test.junit.QuarkusTest;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** Concurrent deliveries through the Lambda HTTP path: the conditional writes keep events unique and state newest. */
@QuarkusTest
class ConcurrencyTest {
    static ExecutorService pool;

    @Inject
    DynamoDbClient dynamo;

    @BeforeAll
    static void startPool() {
        pool = Executors.newFixedThreadPool(50);
    }

    @AfterAll
    static void stopPool() {
        pool.shutdownNow();
    }

    static <T> List<T> all(List<Callable<T>> calls) throws Exception {
        List<T> results = new ArrayList<>();
        for (Future<T> future : pool.invokeAll(calls)) {
            results.add(future.get());
        }
        return results;
    }

    @Test
    void fiftyConcurrentDeliveriesOfOneEventStoreOneItem() throws Exception {
        String policyId = "pl_" + UUID.randomUUID();
        String id = "evt_" + UUID.randomUUID();
        byte[] body = utf8("{\"id\":\"" + id + "\",\"type\":\"policy.active\",\"created\":1700000000,"
                + "\"data\":{\"id\":\"" + policyId + "\"}}");
        List<Callable<Boolean>> calls = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            calls.add(() -> post1099(body).statusCode(200).extract().path("duplicate"));
        }
        List<Boolean> duplicates = all(calls);
        assertEquals(49, duplicates.stream().filter(d -> d).count(), "exactly one first delivery");
        assertEquals(1, count(dynamo, DynaliteResource.TABLES.events(), Tables.EVENT_ID, "1099policy#" + id));
        assertEquals("ACTIVE", s(policy(dynamo, policyId), "status"));
    }

    @Test
    void manyEventsForOnePolicyInRandomConcurrentOrderEndNewest() throws Exception {
        Random random = new Random(7);
        for (int round = 0; round < 20; round++) {
            String policyId = "pl_" + UUID.randomUUID();
            List<byte[]> events = new ArrayList<>();
            String newest = null;
            for (int e = 0; e < 12; e++) {
                String type = random.nextBoolean() ? "policy.active" : "policy.cancelled";
                events.add(utf8("{\"id\":\"evt_" + UUID.randomUUID() + "\",\"type\":\"" + type + "\",\"created\":"
                        + (1700000000 + e * 60) + ",\"data\":{\"id\":\"" + policyId + "\",\"seq\":" + e + "}}"));
                newest = type;
            }
            String newestType = newest;
            Collections.shuffle(events, random);
            List<Callable<Integer>> calls = new ArrayList<>();
            for (byte[] body : events) {
                calls.add(() -> post1099(body).extract().statusCode());
            }
            assertEquals(Collections.nCopies(events.size(), 200), all(calls));
            assertEquals(newestType, s(policy(dynamo, policyId), "last_event_type"), "round " + round);
            assertEquals(newestType.equals("policy.active") ? "ACTIVE" : "CANCELLED",
                    s(policy(dynamo, policyId), "status"), "round " + round);
        }
    }
}
