package io.policywebhooks.store;

import static io.policywebhooks.Webhooks.s;
import static io.policywebhooks.store.AnalystQueryFixture.find;
import static io.policywebhooks.store.AnalystQueryFixture.ids;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Set;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** The doc's question 1, "Which policies are active now?": its commands, run on seeded policies. */
@QuarkusTest
class ActivePoliciesQueryTest {
    @Inject
    AnalystQueryFixture fixture;

    @Test
    void activePolicies() {
        Set<String> ids = ids(fixture.run("active-policies").items(), Schema.POLICY_ID);
        assertTrue(ids.containsAll(Set.of(fixture.seeded().activePolicy(), fixture.seeded().expiredPolicy(),
                fixture.seeded().viPolicy())), ids.toString());
        assertFalse(ids.contains(fixture.seeded().cancelledPolicy()), "cancelled policy listed as active");
        assertFalse(ids.contains(fixture.seeded().historyPolicy()), "cancelled policy listed as active");
        Map<String, AttributeValue> item = find(fixture.run("active-policies").items(), Schema.POLICY_ID,
                fixture.seeded().activePolicy());
        assertNotNull(s(item, "expiration_date"), "projection keeps expiration_date: " + item);
        assertFalse(item.containsKey(Schema.LAST_EVENT_ORDER), "projection applied: " + item);
    }

    @Test
    void activeUnexpiredPolicies() {
        Set<String> ids = ids(fixture.run("active-unexpired-policies").items(), Schema.POLICY_ID);
        assertTrue(ids.containsAll(Set.of(fixture.seeded().activePolicy(), fixture.seeded().viPolicy())),
                ids.toString());
        assertFalse(ids.contains(fixture.seeded().expiredPolicy()), "expired policy listed: " + ids);
        assertFalse(ids.contains(fixture.seeded().cancelledPolicy()), "cancelled policy listed: " + ids);
    }
}
