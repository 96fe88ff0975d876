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

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import io.quarkus.test.junit.QuarkusTest;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** The doc's question 1, "Which policies are active now?": its commands, run on seeded policies. */
@QuarkusTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ActivePoliciesQueryTest {
    @Inject
    DynamoDbClient dynamo;
    AnalystQueryFixture fixture;

    @BeforeEach
    void seedOnce() throws Exception {
        if (fixture == null) {
            fixture = AnalystQueryFixture.seed(dynamo);
        }
    }

    @Test
    void activePolicies() {
        Set<String> ids = ids(fixture.run("active-policies").items(), Tables.POLICY_ID);
        assertTrue(ids.containsAll(Set.of(fixture.activePolicy, fixture.expiredPolicy, fixture.viPolicy)),
                ids.toString());
        assertFalse(ids.contains(fixture.cancelledPolicy), "cancelled policy listed as active");
        assertFalse(ids.contains(fixture.historyPolicy), "cancelled policy listed as active");
        Map<String, AttributeValue> item = find(fixture.run("active-policies").items(), Tables.POLICY_ID,
                fixture.activePolicy);
        assertNotNull(s(item, "expiration_date"), "projection keeps expiration_date: " + item);
        assertFalse(item.containsKey(Tables.LAST_EVENT_ORDER), "projection applied: " + item);
    }

    @Test
    void activeUnexpiredPolicies() {
        Set<String> ids = ids(fixture.run("active-unexpired-policies").items(), Tables.POLICY_ID);
        assertTrue(ids.containsAll(Set.of(fixture.activePolicy, fixture.viPolicy)), ids.toString());
        assertFalse(ids.contains(fixture.expiredPolicy), "expired policy listed: " + ids);
        assertFalse(ids.contains(fixture.cancelledPolicy), "cancelled policy listed: " + ids);
    }
}
