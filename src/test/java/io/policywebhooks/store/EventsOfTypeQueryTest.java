package io.policywebhooks.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.policywebhooks.store.AnalystQueryFixture.Placeholder;
import io.quarkus.test.junit.QuarkusTest;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The doc's question 4, "How many events of type T this week?", and 4b, how many notifications were delivered: its
 * commands, run on three events of a type of this run only, one of them delivered twice.
 */
@QuarkusTest
class EventsOfTypeQueryTest {
    @Inject
    AnalystQueryFixture fixture;

    @Test
    void eventsOfTypeThisWeek() {
        assertEquals(3, fixture.run("events-of-type-this-week").count(),
                "events of " + fixture.seeded().typeT() + " since " + fixture.seedStart());
        // The week boundary is a real key condition: from after the seeding, nothing.
        Map<String, String> later = fixture.placeholders();
        later.put(Placeholder.WEEK_START.text, Attributes.iso(fixture.seedEnd().plusSeconds(1)));
        assertEquals(0, fixture.query(fixture.blocks().get("events-of-type-this-week").local().get(0), later).count());
    }

    @Test
    void deliveriesOfType() {
        List<Map<String, AttributeValue>> items = fixture.runTwoStep("deliveries-of-type");
        assertEquals(3, items.size(), "distinct events of " + fixture.seeded().typeT());
        int deliveries = items.stream().mapToInt(i -> Integer.parseInt(i.get(Schema.DELIVERIES).n())).sum();
        assertEquals(4, deliveries, "three events, one of them delivered twice");
        assertTrue(items.stream().allMatch(i -> i.containsKey(Schema.LAST_RECEIVED_AT) && !i.containsKey(Schema.RAW_BODY)),
                "projection applied: " + items);
    }
}
