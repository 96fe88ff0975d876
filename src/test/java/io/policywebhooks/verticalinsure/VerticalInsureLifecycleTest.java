package io.policywebhooks.verticalinsure;

import static io.policywebhooks.Webhooks.*;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

import jakarta.inject.Inject;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

import io.policywebhooks.provider.Delivery;
import io.policywebhooks.provider.Headers;
import io.policywebhooks.webhook.Outcome;
import io.policywebhooks.webhook.WebhookProviders;
import io.policywebhooks.webhook.WebhookService;
import io.quarkus.test.junit.QuarkusTest;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * Every pair of normalized Vertical Insure statuses, each arriving before and after the other, with and without
 * {@code version}, through the receiving flow ({@link WebhookService}, real provider bean) against dynalite. The
 * expected final status is the rule table of docs/architecture.md, written out here independently of the code:
 * <ul>
 * <li>versions equal or absent on either side: the higher lifecycle rank wins;</li>
 * <li>equal rank: the event with a version wins over one without; with both or neither, the higher event id (the
 * body hash), so the result never depends on arrival order.</li>
 * </ul>
 */
@QuarkusTest
class VerticalInsureLifecycleTest {
    /** The rank table of docs/architecture.md. */
    static final Map<String, Integer> RANK = Map.of("PENDING", 1, "BIND_FAILED", 2, "PAYMENT_FAILED", 2,
            "INVALID", 2, "ACTIVE", 3, "SUPERSEDED", 4, "CANCELLED", 5);
    /** The documented sample that yields each status. */
    static final Map<String, String> SAMPLE = Map.of("PENDING", "policy_purchase_complete", "BIND_FAILED",
            "policy_bind_failed", "PAYMENT_FAILED", "policy_payment_failed", "INVALID", "policy_purchase_invalid",
            "ACTIVE", "policy_bind_complete", "CANCELLED", "policy_canceled", "SUPERSEDED", "policy_endorsed");

    @Inject
    WebhookService service;
    @Inject
    WebhookProviders providers;
    @Inject
    DynamoDbClient dynamo;

    static Stream<Arguments> pairs() {
        List<Arguments> pairs = new ArrayList<>();
        for (String first : RANK.keySet()) {
            for (String second : RANK.keySet()) {
                if (!first.equals(second)) {
                    for (boolean[] versions : new boolean[][] {{false, false}, {true, true}, {true, false},
                            {false, true}}) {
                        pairs.add(Arguments.of(first, versions[0], second, versions[1]));
                    }
                }
            }
        }
        return pairs.stream();
    }

    /** The event making policy {@code policyId} {@code status}, with version 1 or none. */
    static byte[] event(String status, String policyId, boolean version) {
        return event(status, policyId, version ? 1 : null);
    }

    /** The event making policy {@code policyId} {@code status}, with {@code version} (null: none). */
    static byte[] event(String status, String policyId, Integer version) {
        String text = new String(sample("vertical-insure/" + SAMPLE.get(status) + ".json"), StandardCharsets.UTF_8);
        if (status.equals("SUPERSEDED")) { // policyId is the endorsement's previous policy (sample: version 1)
            text = text.replace(VerticalInsureWebhookTest.SAMPLE_ID, policyId)
                    .replace(VerticalInsureWebhookTest.ENDORSED_CURRENT_ID, UUID.randomUUID().toString());
            return utf8(text.replace("\"version\": 1,", version == null ? "" : "\"version\": " + version + ","));
        }
        text = text.replace(VerticalInsureWebhookTest.SAMPLE_ID, policyId);
        return utf8(version == null ? text
                : text.replace("\"policy_status\":", "\"version\": " + version + ", \"policy_status\":"));
    }

    void deliver(byte[] body) {
        Outcome outcome = service.receive(providers.get(VerticalInsureEvents.PROVIDER), body, Headers.of(Map.of(
                VerticalInsureSignatureVerifier.SIGNATURE_HEADER,
                VerticalInsureSigner.sign(VerticalInsureProvider.LOCAL_SECRET, body))));
        assertEquals(200, outcome.status());
    }

    /** When both carry a version, the higher one wins whatever the ranks, in either arrival order. */
    @ParameterizedTest(name = "{0} v{1} then {2} v{3} ends {4}")
    @CsvSource({"CANCELLED, 1, ACTIVE, 2, ACTIVE", "ACTIVE, 2, CANCELLED, 1, ACTIVE",
            "SUPERSEDED, 1, PENDING, 2, PENDING", "PENDING, 2, SUPERSEDED, 1, PENDING",
            "ACTIVE, 1, BIND_FAILED, 2, BIND_FAILED", "BIND_FAILED, 2, ACTIVE, 1, BIND_FAILED"})
    void aHigherVersionWinsOverAHigherRank(String first, int firstVersion, String second, int secondVersion,
            String expected) {
        String policyId = UUID.randomUUID().toString();
        deliver(event(first, policyId, firstVersion));
        deliver(event(second, policyId, secondVersion));
        assertEquals(expected, s(policy(dynamo, policyId), "status"));
    }

    @ParameterizedTest(name = "{0} (version {1}) then {2} (version {3})")
    @MethodSource("pairs")
    void theFinalStatusIsTheRuleTables(String first, boolean firstVersion, String second, boolean secondVersion) {
        String policyId = UUID.randomUUID().toString();
        byte[] firstBody = event(first, policyId, firstVersion);
        byte[] secondBody = event(second, policyId, secondVersion);
        deliver(firstBody);
        deliver(secondBody);
        String actual = s(policy(dynamo, policyId), "status");

        int firstRank = RANK.get(first);
        int secondRank = RANK.get(second);
        if (firstRank != secondRank) {
            assertEquals(firstRank > secondRank ? first : second, actual);
        } else if (firstVersion != secondVersion) {
            assertEquals(firstVersion ? first : second, actual);
        } else {
            boolean firstIdHigher = Delivery.bodyKey(firstBody).compareTo(Delivery.bodyKey(secondBody)) > 0;
            assertEquals(firstIdHigher ? first : second, actual);
        }
    }
}
