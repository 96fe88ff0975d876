package io.policywebhooks.reprocess;

import static io.policywebhooks.reprocess.EarlierMappings.*;
import static io.policywebhooks.reprocess.ReprocessFixture.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import io.policywebhooks.Webhooks;
import io.policywebhooks.provider.Headers;
import io.policywebhooks.provider.Providers;
import io.policywebhooks.store.ReprocessStore;
import io.policywebhooks.store.Schema;
import io.policywebhooks.verticalinsure.VerticalInsureEvents;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Which events a selection reads: by provider, type, receipt time and ids, each way of selecting (ids, the type index,
 * a scan) at its bounds to the millisecond, in batches with progress, unprocessed keys read again, nothing when
 * nothing matches.
 */
@ExtendWith(ReprocessFixture.class)
class ReprocessSelectionTest {
    @Test
    void aSelectionThatMatchesNothingReportsZero(ReprocessFixture db) {
        Reprocessor.Summary zero = counts(0, 0, 0, 0, 0);
        for (boolean dryRun : new boolean[] {false, true}) {
            assertEquals(zero, db.reprocessor(null).run(Selection.all(), dryRun, new Recorder()), "empty table");
        }
        db.receive(IGNORES_CANCELLED, policyEvent("evt_a", "policy.active", "pl_1", 100), T0);
        Map<String, List<Map<String, AttributeValue>>> before = db.everything();
        List<Selection> nothing = List.of(
                Selection.all().withProvider(VerticalInsureEvents.PROVIDER),
                Selection.all().withType("policy.reactivated"),
                Selection.all().withType("policy.active").withProvider(VerticalInsureEvents.PROVIDER),
                Selection.all().withReceived(T0.plusMillis(1), null),
                Selection.all().withReceived(null, T0),
                Selection.all().withType("policy.active").withReceived(T0.minusSeconds(60), T0),
                Selection.all().withReceived(T0.plusNanos(1), T0.plusNanos(999_999)),
                Selection.all().withEventIds(List.of(TEN99 + "#missing")),
                Selection.all().withEventIds(List.of(TEN99 + "#evt_a")).withType("policy.cancelled"));
        for (Selection selection : nothing) {
            for (boolean dryRun : new boolean[] {false, true}) {
                Recorder recorder = new Recorder();
                assertEquals(zero, db.reprocessor(1).run(selection, dryRun, recorder),
                        selection + " dry run " + dryRun);
                assertTrue(recorder.selected.isEmpty());
            }
        }
        assertEquals(before, db.everything());
    }

    @Test
    void aSelectionByProviderTypeTimeOrIdsPicksExactlyItsEvents(ReprocessFixture db) {
        // six 1099Policy events, a minute apart, alternating types; one Vertical Insure event at minute 2.5
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            String type = i % 2 == 0 ? "policy.active" : "policy.cancelled";
            ids.add(db.receive(IGNORES_CANCELLED, policyEvent("evt_" + i, type, "pl_" + i, 100 + i),
                    T0.plusSeconds(60L * i)));
        }
        String vertical = db.receive(VerticalInsureEvents.PROVIDER, Providers.named(VerticalInsureEvents.PROVIDER)::map,
                Webhooks.sample("vertical-insure/policy_bind_complete.json"), Headers.of(Map.of()),
                T0.plusSeconds(150));
        Instant minute2 = T0.plusSeconds(120);
        Instant minute4 = T0.plusSeconds(240);

        Map<Selection, Set<String>> expected = new LinkedHashMap<>();
        expected.put(Selection.all(), set(ids, vertical));
        expected.put(Selection.all().withProvider(TEN99), set(ids));
        expected.put(Selection.all().withProvider(VerticalInsureEvents.PROVIDER), Set.of(vertical));
        expected.put(Selection.all().withType("policy.active"), Set.of(ids.get(0), ids.get(2), ids.get(4)));
        expected.put(Selection.all().withType("policy.active").withProvider(TEN99),
                Set.of(ids.get(0), ids.get(2), ids.get(4)));
        expected.put(Selection.all().withType("policy.active").withReceived(minute2, minute4), Set.of(ids.get(2)));
        expected.put(Selection.all().withType("policy.cancelled").withReceived(minute2, minute4), Set.of(ids.get(3)));
        expected.put(Selection.all().withType("policy.active").withReceived(minute2, null),
                Set.of(ids.get(2), ids.get(4)));
        expected.put(Selection.all().withType("policy.active").withReceived(null, minute4),
                Set.of(ids.get(0), ids.get(2)));
        // from is inclusive, to exclusive, to the millisecond
        expected.put(Selection.all().withReceived(minute2, minute4), Set.of(ids.get(2), vertical, ids.get(3)));
        expected.put(Selection.all().withReceived(minute2.minusMillis(1), minute4.plusMillis(1)),
                Set.of(ids.get(2), vertical, ids.get(3), ids.get(4)));
        expected.put(Selection.all().withReceived(minute2.plusNanos(1), minute4), Set.of(vertical, ids.get(3)));
        expected.put(Selection.all().withReceived(minute2, null), set(ids.subList(2, 6), vertical));
        expected.put(Selection.all().withReceived(null, minute2), set(ids.subList(0, 2)));
        expected.put(Selection.all().withProvider(TEN99).withReceived(minute2, minute4),
                Set.of(ids.get(2), ids.get(3)));
        expected.put(Selection.all().withEventIds(List.of(ids.get(1), ids.get(4), TEN99 + "#missing", ids.get(1))),
                Set.of(ids.get(1), ids.get(4)));
        expected.put(Selection.all().withEventIds(List.of(ids.get(1), ids.get(4), vertical))
                .withType("policy.cancelled"), Set.of(ids.get(1)));
        expected.put(Selection.all().withEventIds(List.of(ids.get(1), ids.get(4), vertical)).withProvider(TEN99)
                .withReceived(minute2, null), Set.of(ids.get(4)));

        for (Integer pageSize : new Integer[] {2, null}) {
            expected.forEach((selection, events) -> {
                String where = selection + " page size " + pageSize;
                Recorder dry = new Recorder();
                assertEquals(events.size(), db.reprocessor(pageSize).run(selection, true, dry).selected(), where);
                Recorder recorder = new Recorder();
                Reprocessor.Summary summary = db.reprocessor(pageSize).run(selection, false, recorder);
                assertEquals(events, new TreeSet<>(recorder.selected), where);
                assertEquals(events.size(), recorder.selected.size(), where + ": each once");
                assertEquals(events.size(), summary.selected(), where);
                assertEquals(0, summary.failed(), where);
            });
        }
    }

    /** Each way of selecting (ids, the type index, a scan, a scan by provider) at its receipt bounds. */
    @Test
    void eachSelectionPathHoldsItsReceiptBoundsToTheMillisecond(ReprocessFixture db) {
        Instant from = T0.plusSeconds(60);
        Instant until = T0.plusSeconds(120);
        String beforeFrom = db.receive(IGNORES_CANCELLED, policyEvent("evt_1", "policy.active", "pl_1", 1),
                from.minusMillis(1));
        String atFrom = db.receive(IGNORES_CANCELLED, policyEvent("evt_2", "policy.active", "pl_2", 2), from);
        String beforeUntil = db.receive(IGNORES_CANCELLED, policyEvent("evt_3", "policy.active", "pl_3", 3),
                until.minusMillis(1));
        String atUntil = db.receive(IGNORES_CANCELLED, policyEvent("evt_4", "policy.active", "pl_4", 4), until);
        List<String> all = List.of(beforeFrom, atFrom, beforeUntil, atUntil);

        Map<List<Instant>, Set<String>> ranges = new LinkedHashMap<>();
        ranges.put(Arrays.asList(from, until), Set.of(atFrom, beforeUntil));
        ranges.put(Arrays.asList(from.minusNanos(1), until.plusNanos(1)),
                Set.of(atFrom, beforeUntil, atUntil));
        ranges.put(Arrays.asList(from.plusNanos(1), until.minusNanos(1)), Set.of(beforeUntil));
        ranges.put(Arrays.asList(from, null), Set.of(atFrom, beforeUntil, atUntil));
        ranges.put(Arrays.asList(null, until), Set.of(beforeFrom, atFrom, beforeUntil));
        ranges.put(Arrays.asList(from.minusMillis(1), until.plusMillis(1)), Set.copyOf(all));
        List<Selection> paths = List.of(Selection.all().withEventIds(all), Selection.all().withType("policy.active"),
                Selection.all(), Selection.all().withProvider(TEN99));
        for (Selection path : paths) {
            ranges.forEach((range, expected) -> {
                Selection selection = path.withReceived(range.get(0), range.get(1));
                for (boolean dryRun : new boolean[] {true, false}) {
                    Recorder recorder = new Recorder();
                    db.reprocessor(1).run(selection, dryRun, recorder);
                    assertEquals(new TreeSet<>(expected), new TreeSet<>(recorder.selected), selection + " dry run "
                            + dryRun);
                }
            });
        }
    }

    @Test
    void manyEventsOfATypeAreReadInBatchesWithProgress(ReprocessFixture db) {
        List<String> ids = cancelled(db, 130);
        Recorder recorder = new Recorder();
        Reprocessor reprocessor = new Reprocessor(new ReprocessStore(db.dynamo(), db.tables(), null), Providers.all(),
                Clock.systemUTC(), 50, Long.MAX_VALUE);
        assertEquals(counts(130, 130, 0, 0, 0),
                reprocessor.run(Selection.all().withType("policy.cancelled"), false, recorder));
        assertEquals(new TreeSet<>(ids), new TreeSet<>(recorder.selected));
        assertEquals(List.of(50L, 100L), recorder.progress.stream().map(Reprocessor.Summary::selected).toList());
        assertEquals("CANCELLED", db.policy("pl_129").get(Schema.STATUS).s());
    }

    @Test
    void unprocessedKeysAreReadAgain(ReprocessFixture db) {
        List<String> ids = cancelled(db, 5);
        ObservedDynamoDb observed = new ObservedDynamoDb(db.dynamo(), db.tables());
        observed.unprocessedRounds = 2; // twice, DynamoDB returns only the first key
        Recorder recorder = new Recorder();
        assertEquals(counts(5, 5, 0, 0, 0), db.reprocessorThrough(observed)
                .run(Selection.all().withType("policy.cancelled"), false, recorder));
        assertEquals(new TreeSet<>(ids), new TreeSet<>(recorder.selected));
        assertEquals(3, observed.batchGets);
    }

    /** {@code count} policy.cancelled events of as many policies, a second apart. @return their ids */
    private static List<String> cancelled(ReprocessFixture db, int count) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            ids.add(db.receive(IGNORES_CANCELLED, policyEvent("evt_" + i, "policy.cancelled", "pl_" + i, 100 + i),
                    T0.plusSeconds(i)));
        }
        return ids;
    }

    private static Set<String> set(List<String> ids, String... more) {
        Set<String> set = new TreeSet<>(ids);
        set.addAll(List.of(more));
        return set;
    }
}
