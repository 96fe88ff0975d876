package io.policywebhooks.analytics;

import static io.policywebhooks.analytics.AthenaData.T99;
import static io.policywebhooks.analytics.AthenaData.VI;
import static io.policywebhooks.analytics.AthenaData.column;
import static io.policywebhooks.analytics.AthenaData.row;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;

/**
 * Runs the named queries' SQL files ({@link NamedQueries}) with DuckDB over local DynamoDB exports of what the
 * documented samples leave in dynalite ({@link AthenaData}), and checks each answer against what was sent.
 */
@QuarkusTest
class AthenaQueriesTest {
    private AthenaData data;

    @BeforeEach
    void data() throws Exception {
        data = AthenaData.get();
    }

    @Test
    void activePoliciesPerProvider() {
        assertEquals(List.of(
                row("provider", T99, "active", 2L, "expired", 1L, "without_expiration_date", 0L),
                row("provider", VI, "active", 1L, "expired", 0L, "without_expiration_date", 0L)),
                data.run("active-policies-per-provider"));
    }

    @Test
    void activePolicies() {
        List<Map<String, Object>> rows = data.run("active-policies");
        assertEquals(List.of(data.activePolicy, data.expiredPolicy, data.viActive), column(rows, "policy_id"));
        assertEquals(java.util.Arrays.asList(true, false, true), column(rows, "unexpired"));
        assertEquals(List.of(T99, T99, VI), column(rows, "provider"));
    }

    @Test
    void cancelledLastMonthAndHowLongTheyHadLasted() {
        List<Map<String, Object>> rows = data.run("cancelled-last-month");
        assertEquals(1, rows.size(), rows.toString());
        Map<String, Object> row = rows.get(0);
        assertEquals(data.cancelledLastMonth, row.get("policy_id"));
        assertEquals(T99, row.get("provider"));
        assertEquals(io.policywebhooks.store.Attributes.iso(data.cancelledAt), row.get("cancelled_at"));
        assertEquals(20L, ((Number) row.get("days_lasted")).longValue(), "effective 20 days before the cancel");
        assertEquals(1L, ((Number) row.get("cancelled_of_provider")).longValue());
    }

    @Test
    void contractorsWorkingWithoutActiveCoverage() {
        List<Map<String, Object>> rows = data.run("contractors-without-coverage");
        assertEquals(List.of(data.underCancelledPolicy, data.cancelledAssignment, data.underExpiredPolicy),
                column(rows, "assignment_id"),
                "under a cancelled policy, cancelled, under an expired policy; not the covered, future or "
                        + "policy-less ones");
        assertEquals(List.of(data.contractor1, data.contractor2, data.contractor2), column(rows, "contractor"));
        assertEquals(List.of("ACTIVE", "CANCELLED", "ACTIVE"), column(rows, "assignment_status"));
        assertEquals(List.of("CANCELLED", "ACTIVE", "ACTIVE"), column(rows, "policy_status"));
    }

    @Test
    void deliveriesAndRedeliveriesPerProviderPerDay() {
        String today = LocalDate.ofInstant(data.now, ZoneOffset.UTC).toString();
        // 1099Policy: 13 events (6 policy, 7 assignment), the active policy's delivered 3 times.
        // Vertical Insure: 3 events, the payout report delivered twice.
        assertEquals(List.of(
                row("provider", T99, "day", today, "events", 13L, "deliveries", 15L, "redeliveries", 2L),
                row("provider", VI, "day", today, "events", 3L, "deliveries", 4L, "redeliveries", 1L)),
                data.run("deliveries-per-provider-per-day"));
    }

    @Test
    void policyHistory() {
        List<Map<String, Object>> rows = data.run("policy-history", data.cancelledLastMonth);
        assertEquals(List.of("policy.active", "policy.cancelled"), column(rows, "type"));
        assertEquals(List.of(1L, 1L), column(rows, "deliveries"));
        assertTrue(rows.stream().allMatch(r -> ((String) r.get("raw_body")).contains(data.cancelledLastMonth)));
        assertEquals(List.of(3L), column(data.run("policy-history", data.activePolicy), "deliveries"),
                "redeliveries counted");
    }

    @Test
    void contractorAssignmentsCoveredOrNot() {
        List<Map<String, Object>> rows = data.run("contractor-assignments", data.contractor1);
        assertEquals(List.of(data.covered, data.futureAssignment, data.underCancelledPolicy), column(rows, "assignment_id"));
        assertEquals(List.of(true, false, true), column(rows, "covered"),
                "the assignment's own state and term; its policy's state is the coverage query's");
        List<Map<String, Object>> other = data.run("contractor-assignments", data.contractor2);
        assertEquals(List.of(data.cancelledAssignment, data.withoutPolicy, data.underExpiredPolicy), column(other, "assignment_id"));
        assertEquals(List.of(false, true, true), column(other, "covered"));
    }

    @Test
    void eventsPerTypeThisWeek() {
        assertEquals(perType(), data.run("events-per-type-this-week"));
    }

    @Test
    void deliveriesPerType() {
        List<Map<String, Object>> rows = data.run("deliveries-per-type");
        List<Map<String, Object>> counts = new ArrayList<>();
        for (Map<String, Object> row : rows) {
            Map<String, Object> count = new LinkedHashMap<>(row);
            count.remove("first_received_at");
            count.remove("last_received_at");
            counts.add(count);
        }
        assertEquals(perType(), counts);
    }

    /** Events and deliveries of each type this run sent (all of them this week). */
    private static List<Map<String, Object>> perType() {
        return List.of(
                row("provider", T99, "type", "assignment.active", "events", 6L, "deliveries", 6L),
                row("provider", T99, "type", "assignment.cancelled", "events", 1L, "deliveries", 1L),
                row("provider", T99, "type", "policy.active", "events", 4L, "deliveries", 6L),
                row("provider", T99, "type", "policy.cancelled", "events", 2L, "deliveries", 2L),
                row("provider", VI, "type", "payout_report_published", "events", 1L, "deliveries", 2L),
                row("provider", VI, "type", "policy_bind_complete", "events", 1L, "deliveries", 1L),
                row("provider", VI, "type", "policy_canceled", "events", 1L, "deliveries", 1L));
    }
}
