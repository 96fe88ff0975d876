package io.policywebhooks.reprocess;

import static io.policywebhooks.reprocess.EarlierMappings.*;
import static io.policywebhooks.reprocess.ReprocessFixture.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import io.policywebhooks.TestProviders;
import io.policywebhooks.provider.Headers;
import io.policywebhooks.provider.Providers;
import io.policywebhooks.store.Schema;
import io.policywebhooks.verticalinsure.VerticalInsureEvents;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The ordering guard holds while re-applying: an older event or a lower version never overwrites a newer state,
 * whatever order the events are read in, nor a delivery written between a repair's read and its write; a status an
 * earlier mapping ranked too high is lowered.
 */
@ExtendWith(ReprocessFixture.class)
class ReprocessOrderingTest {
    @Test
    void anOlderEventReprocessedNeverOverwritesANewerState(ReprocessFixture db) {
        // cancelled first (created 100, its state ignored then), active later (created 200)
        db.receive(IGNORES_CANCELLED_STATE, policyEvent("evt_c", "policy.cancelled", "pl_1", 100), T0);
        String active = db.receive(IGNORES_CANCELLED_STATE, policyEvent("evt_a", "policy.active", "pl_1", 200),
                T0.plusSeconds(60));
        Map<String, AttributeValue> state = db.policy("pl_1");

        assertEquals(counts(2, 0, 1, 1, 0), db.reprocessor(null).run(Selection.all(), false, new Recorder()),
                "the older event stale, the newer already right");
        assertEquals(state, db.policy("pl_1"), "the newer state stays, untouched");
        assertEquals(active, db.policy("pl_1").get(Schema.LAST_EVENT_ID).s());
    }

    @Test
    void aStatusMappedTooHighIsLoweredWhateverOrderTheEventsAreRead(ReprocessFixture db) {
        for (boolean activeFirst : new boolean[] {true, false}) {
            db.freshTables();
            // the same created second: active (rank 1) < cancelled (rank 2), so the policy is CANCELLED
            String active = db.receive(ACTIVE_TOO_HIGH, policyEvent("evt_a", "policy.active", "pl_1", 100), T0);
            String cancelled = db.receive(ACTIVE_TOO_HIGH, policyEvent("evt_c", "policy.cancelled", "pl_1", 100),
                    T0.plusSeconds(1));
            assertEquals("ACTIVE", db.policy("pl_1").get(Schema.STATUS).s(), "the earlier mapping let active win");

            List<String> order = activeFirst ? List.of(active, cancelled) : List.of(cancelled, active);
            assertEquals(counts(2, 2, 0, 0, 0), db.reprocessor(null).run(Selection.all().withEventIds(order), false,
                    new Recorder()), "active first: " + activeFirst);
            Map<String, AttributeValue> state = db.policy("pl_1");
            assertEquals("CANCELLED", state.get(Schema.STATUS).s(), "active first: " + activeFirst);
            assertEquals(cancelled, state.get(Schema.LAST_EVENT_ID).s());

            Map<String, List<Map<String, AttributeValue>>> before = db.everything();
            assertEquals(counts(2, 0, 1, 1, 0), db.reprocessor(null).run(Selection.all(), false, new Recorder()),
                    "active stale, cancelled already right");
            assertEquals(before, db.everything(), "a second run changes nothing");
        }
    }

    @Test
    void aRepairNeverOverwritesADeliveryWrittenBetweenItsReadAndItsWrite(ReprocessFixture db) {
        String id = db.receive(WRONG_QUOTE, policyEvent("evt_a", "policy.active", "pl_1", 100), T0);
        ObservedDynamoDb observed = new ObservedDynamoDb(db.dynamo(), db.tables());
        observed.afterStateRead = request -> {
            observed.afterStateRead = r -> {
            };
            db.receive(Providers.named(TEN99)::map, policyEvent("evt_n", "policy.cancelled", "pl_1", 200),
                    T0.plusSeconds(60));
        };
        assertEquals(counts(1, 0, 0, 1, 0), db.reprocessorThrough(observed)
                .run(Selection.all().withEventIds(List.of(id)), false, new Recorder()));
        Map<String, AttributeValue> state = db.policy("pl_1");
        assertEquals(List.of(TEN99 + "#evt_n", "CANCELLED"), List.of(state.get(Schema.LAST_EVENT_ID).s(),
                state.get(Schema.STATUS).s()), "the newer delivery's state kept");
    }

    /**
     * Vertical Insure's version decides when the stored state and the event both carry one (then the order key);
     * otherwise the order key. Re-applying never lets an older version or a lower order in, in either reading
     * order, and a state the same versioned event wrote wrong is repaired.
     */
    @Test
    void theVersionGuardHoldsWhenReapplyingVersionedEvents(ReprocessFixture db) {
        String vertical = VerticalInsureEvents.PROVIDER;
        TestProviders.Mapper today = Providers.named(vertical)::map;
        TestProviders.Mapper wrongNumber = changedStates(today, state -> {
            state.attributes().put(VerticalInsureEvents.POLICY_NUMBER, "PN-wrong");
            return state;
        });
        for (boolean forward : new boolean[] {true, false}) {
            db.freshTables();
            Headers none = Headers.of(Map.of());
            List<String> ids = new ArrayList<>(List.of(
                    // pol_1: version 2 ACTIVE, its number written wrong; an older version's cancel (rank 5) and the
                    // same version's PENDING (rank 1) stay out
                    db.receive(vertical, wrongNumber, verticalEvent("policy_bind_complete", "pol_1", "ACTIVE", 2L),
                            none, T0),
                    db.receive(vertical, today, verticalEvent("policy_canceled", "pol_1", "CANCELED", 1L), none,
                            T0.plusSeconds(1)),
                    db.receive(vertical, today, verticalEvent("policy_purchase_complete", "pol_1", "PENDING", 2L), none,
                            T0.plusSeconds(2)),
                    // pol_2: stored without a version, so the order decides: a versioned payment failure (rank 2)
                    // stays out of ACTIVE (rank 3)
                    db.receive(vertical, today, verticalEvent("policy_bind_complete", "pol_2", "ACTIVE", null), none,
                            T0.plusSeconds(3)),
                    db.receive(vertical, today, verticalEvent("policy_payment_failed", "pol_2", "ACTIVE", 1L), none,
                            T0.plusSeconds(4))));
            if (!forward) {
                Collections.reverse(ids);
            }
            assertEquals("PN-wrong", db.policy("pol_1").get(VerticalInsureEvents.POLICY_NUMBER).s());

            assertEquals(counts(5, 1, 1, 3, 0), db.reprocessor(null).run(Selection.all().withEventIds(ids), false,
                    new Recorder()), "forward: " + forward);
            Map<String, AttributeValue> first = db.policy("pol_1");
            assertEquals(List.of("ACTIVE", "2", "PN-2"), List.of(first.get(Schema.STATUS).s(),
                    first.get(Schema.VERSION).n(), first.get(VerticalInsureEvents.POLICY_NUMBER).s()));
            Map<String, AttributeValue> second = db.policy("pol_2");
            assertEquals("ACTIVE", second.get(Schema.STATUS).s());
            assertNull(second.get(Schema.VERSION));

            Map<String, List<Map<String, AttributeValue>>> before = db.everything();
            assertEquals(counts(5, 0, 2, 3, 0), db.reprocessor(null).run(Selection.all(), false, new Recorder()));
            assertEquals(before, db.everything(), "a second run changes nothing");
        }
    }
}
