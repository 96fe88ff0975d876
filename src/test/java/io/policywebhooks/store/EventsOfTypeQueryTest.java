package io.policywebhooks.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The doc's question 4, "How many events of type T this week?", and 4b, how many notifications were delivered: its
 * commands, run on three events of a type of this run only, one of them delivered twice.
 */
@QuarkusTest
class EventsOfTypeQueryTest extends AnalystQueryFixture {
    @Test
    void eventsOfTypeThisWeek() {
        assertEquals(3, run("events-of-type-this-week").count(), "events of " + typeT + " since " + seedStart);
        // The week boundary is a real key condition: from after the seeding, nothing.
        Map<String, String> later = placeholders();
        later.put(Placeholder.WEEK_START.text, Attributes.iso(seedEnd.plusSeconds(1)));
        assertEquals(0, query(blocks.get("events-of-type-this-week").local().get(0), later).count());
    }

    @Test
    void deliveriesOfType() {
        List<Map<String, AttributeValue>> items = runTwoStep("deliveries-of-type");
        assertEquals(3, items.size(), "distinct events of " + typeT);
        int deliveries = items.stream().mapToInt(i -> Integer.parseInt(i.get(Tables.DELIVERIES).n())).sum();
        assertEquals(4, deliveries, "three events, one of them delivered twice");
        assertTrue(items.stream().allMatch(i -> i.containsKey(Tables.LAST_RECEIVED_AT) && !i.containsKey(Tables.RAW_BODY)),
                "projection applied: " + items);
    }
}
