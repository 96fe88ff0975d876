package io.policywebhooks.store;

import static io.policywebhooks.Webhooks.s;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** The doc's question 1, "Which policies are active now?": its commands, run on seeded policies. */
@QuarkusTest
class ActivePoliciesQueryTest extends AnalystQueryFixture {
    @Test
    void activePolicies() {
        Set<String> ids = ids(run("active-policies").items(), Tables.POLICY_ID);
        assertTrue(ids.containsAll(Set.of(activePolicy, expiredPolicy, viPolicy)), ids.toString());
        assertFalse(ids.contains(cancelledPolicy), "cancelled policy listed as active");
        assertFalse(ids.contains(historyPolicy), "cancelled policy listed as active");
        Map<String, AttributeValue> item = find(run("active-policies").items(), Tables.POLICY_ID, activePolicy);
        assertNotNull(s(item, "expiration_date"), "projection keeps expiration_date: " + item);
        assertFalse(item.containsKey(Tables.LAST_EVENT_ORDER), "projection applied: " + item);
    }

    @Test
    void activeUnexpiredPolicies() {
        Set<String> ids = ids(run("active-unexpired-policies").items(), Tables.POLICY_ID);
        assertTrue(ids.containsAll(Set.of(activePolicy, viPolicy)), ids.toString());
        assertFalse(ids.contains(expiredPolicy), "expired policy listed: " + ids);
        assertFalse(ids.contains(cancelledPolicy), "cancelled policy listed: " + ids);
    }
}
