package io.policywebhooks.store;

import static io.policywebhooks.Webhooks.s;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The doc's question 3, "Which assignments does contractor Y have, and are they covered?": its commands, run on one
 * contractor's covered, expired, future and cancelled assignments beside another contractor's.
 */
@QuarkusTest
class ContractorAssignmentsQueryTest extends AnalystQueryFixture {
    @Test
    void contractorAssignments() {
        List<Map<String, AttributeValue>> items = run("contractor-assignments").items();
        Map<String, String> statuses = new HashMap<>();
        items.forEach(i -> statuses.put(s(i, Tables.ASSIGNMENT_ID), s(i, Tables.STATUS)));
        assertEquals(Map.of(coveredAssignment, "ACTIVE", expiredAssignment, "ACTIVE", futureAssignment, "ACTIVE",
                cancelledAssignment, "CANCELLED"), statuses);
        Map<String, AttributeValue> covered = find(items, Tables.ASSIGNMENT_ID, coveredAssignment);
        assertNotNull(s(covered, "end_date"), covered.toString());
        assertNotNull(s(covered, Tables.JOB), covered.toString());
    }

    @Test
    void contractorCoveredAssignments() {
        assertEquals(Set.of(coveredAssignment),
                ids(run("contractor-covered-assignments").items(), Tables.ASSIGNMENT_ID));
    }
}
