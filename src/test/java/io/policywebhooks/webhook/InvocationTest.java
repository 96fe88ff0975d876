package io.policywebhooks.webhook;

import io.policywebhooks.AppConfig;
import io.policywebhooks.ten99policy.Ten99PolicyProvider;
import io.policywebhooks.provider.WebhookProvider;
import io.policywebhooks.provider.Headers;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;

import io.policywebhooks.store.Attempt;
import io.policywebhooks.store.FakeDynamoDb;
import io.policywebhooks.store.Schema;
import io.policywebhooks.store.WebhookStore;
import io.policywebhooks.ten99policy.Ten99PolicyEvents;

/**
 * What a delivery takes from its Lambda invocation: the request id as its delivery id, and the remaining time, less
 * the answer's margin, as its DynamoDB deadline; and the answer when that deadline passes.
 */
class InvocationTest {
    /** A Lambda context with this request id and remaining time; {@code null} id: the calls throw. */
    static Context context(String requestId, int remainingMillis) {
        return new Context() {
            @Override
            public String getAwsRequestId() {
                if (requestId == null) {
                    throw new IllegalStateException("no invocation");
                }
                return requestId;
            }

            @Override
            public int getRemainingTimeInMillis() {
                if (requestId == null) {
                    throw new IllegalStateException("no invocation");
                }
                return remainingMillis;
            }

            @Override
            public String getLogGroupName() {
                return null;
            }

            @Override
            public String getLogStreamName() {
                return null;
            }

            @Override
            public String getFunctionName() {
                return null;
            }

            @Override
            public String getFunctionVersion() {
                return null;
            }

            @Override
            public String getInvokedFunctionArn() {
                return null;
            }

            @Override
            public CognitoIdentity getIdentity() {
                return null;
            }

            @Override
            public ClientContext getClientContext() {
                return null;
            }

            @Override
            public int getMemoryLimitInMB() {
                return 0;
            }

            @Override
            public LambdaLogger getLogger() {
                return null;
            }
        };
    }

    static long remainingMillis(Attempt attempt) {
        return (attempt.deadlineNanos() - System.nanoTime()) / 1_000_000;
    }

    @Test
    void theRequestIdIsTheDeliveryIdAndTheDeadlineKeepsTheAnswersMargin() {
        Invocation invocation = Invocation.of(context("req-1", 3000), null);
        assertEquals("req-1", invocation.lambdaRequestId());
        assertEquals(Duration.ofMillis(3000), invocation.remaining());
        Attempt attempt = invocation.attempt();
        assertEquals("req-1", attempt.deliveryId());
        assertTrue(attempt.bounded());
        long left = remainingMillis(attempt);
        assertTrue(left > 2000 && left <= 2500, "3000 ms less the 500 ms margin: " + left);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, -1, 900_001, Integer.MIN_VALUE, Integer.MAX_VALUE})
    void aRemainingTimeNoLambdaDeadlineGivesMeansNoDeadline(int remainingMillis) {
        Invocation invocation = Invocation.of(context("req-1", remainingMillis), null);
        assertNull(invocation.remaining());
        assertFalse(invocation.attempt().bounded());
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 900_000})
    void anyRemainingTimeWithinLambdasRangeIsKept(int remainingMillis) {
        assertEquals(Duration.ofMillis(remainingMillis), Invocation.of(context("req-1", remainingMillis), null)
                .remaining());
    }

    @Test
    void withoutAnInvocationEachDeliveryGetsARandomIdAndNoDeadline() {
        for (Invocation invocation : new Invocation[] {Invocation.NONE, Invocation.of(null, null),
                Invocation.of(context(null, 0), null)}) {
            assertNull(invocation.lambdaRequestId());
            assertNull(invocation.remaining());
            Attempt one = invocation.attempt();
            assertFalse(one.bounded());
            assertEquals(36, one.deliveryId().length(), one.deliveryId());
            assertNotEquals(one.deliveryId(), invocation.attempt().deliveryId());
        }
    }

    @Test
    void aDeliveryWhoseDeadlinePassesIsAnswered503WithTheDeadlineReason() {
        FakeDynamoDb dynamo = new FakeDynamoDb(0);
        dynamo.writeMillis = 300; // the event write alone outlasts the 100 ms left for storage
        WebhookService service = new WebhookService(new WebhookStore(dynamo,
                new Schema.TableNames("events", "policies", "assignments")),
                Clock.fixed(Instant.parse("2026-12-01T00:00:00Z"), ZoneOffset.UTC), 4096, AppConfig.DEFAULTS.metricsNamespace());
        Endpoint provider = new Endpoint(new Ten99PolicyProvider(), (body, headers) -> {
        });
        byte[] body = ("{\"id\":\"evt_1\",\"type\":\"policy.active\",\"created\":1700000000,"
                + "\"data\":{\"id\":\"pl_1\"}}").getBytes(StandardCharsets.UTF_8);
        Outcome outcome = service.receive(provider, body, Headers.of(Map.of()),
                new Invocation("req-1", null, Duration.ofMillis(600)));
        assertEquals(503, outcome.status());
        assertEquals(Outcome.Kind.STORAGE_FAILED, outcome.kind());
        assertEquals(Outcome.DEADLINE_REACHED, outcome.error());
        assertEquals(1, dynamo.puts.size());
        assertEquals(0, dynamo.updates.size(), "no call starts once the deadline has passed");

        Outcome inTime = service.receive(provider, body, Headers.of(Map.of()),
                new Invocation("req-2", null, Duration.ofMillis(5000)));
        assertEquals(200, inTime.status(), "with time left the same delivery is stored");
    }
}
