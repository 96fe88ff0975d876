package io.policywebhooks.store;

import static io.policywebhooks.Webhooks.s;
import static io.policywebhooks.store.AnalystQueryFixture.find;
import static io.policywebhooks.store.AnalystQueryFixture.ids;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The doc's question 3, "Which assignments does contractor Y have, and are they covered?": its commands, run on one
 * contractor's covered, expired, future and cancelled assignments beside another contractor's.
 */
@QuarkusTest
class ContractorAssignmentsQueryTest {
    @Inject
    AnalystQueryFixture fixture;

    @Test
    void contractorAssignments() {
        List<Map<String, AttributeValue>> items = fixture.run("contractor-assignments").items();
        Map<String, String> statuses = new HashMap<>();
        items.forEach(i -> statuses.put(s(i, Schema.ASSIGNMENT_ID), s(i, Schema.STATUS)));
        assertEquals(Map.of(fixture.seeded().coveredAssignment(), "ACTIVE", fixture.seeded().expiredAssignment(),
                "ACTIVE", fixture.seeded().futureAssignment(), "ACTIVE", fixture.seeded().cancelledAssignment(),
                "CANCELLED"), statuses);
        Map<String, AttributeValue> covered = find(items, Schema.ASSIGNMENT_ID, fixture.seeded().coveredAssignment());
        assertNotNull(s(covered, "end_date"), covered.toString());
        assertNotNull(s(covered, Schema.JOB), covered.toString());
    }

    @Test
    void contractorCoveredAssignments() {
        assertEquals(Set.of(fixture.seeded().coveredAssignment()),
                ids(fixture.run("contractor-covered-assignments").items(), Schema.ASSIGNMENT_ID));
    }
}
