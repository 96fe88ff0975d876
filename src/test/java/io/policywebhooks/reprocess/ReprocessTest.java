package io.policywebhooks.reprocess;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.policywebhooks.DynaliteResource;
import io.policywebhooks.local.LocalDynamoDb;
import io.policywebhooks.store.EventRecord;
import io.policywebhooks.store.ReprocessStore;
import io.policywebhooks.store.StateUpdate;
import io.policywebhooks.store.Tables;
import io.policywebhooks.store.WebhookStore;
import io.policywebhooks.ten99policy.Ten99PolicyEvents;
import io.policywebhooks.verticalinsure.VerticalInsureEvents;
import io.policywebhooks.provider.Delivery;
import io.policywebhooks.provider.Headers;
import io.policywebhooks.webhook.Outcome;
import io.policywebhooks.TestProviders;
import io.policywebhooks.provider.Providers;
import io.policywebhooks.ten99policy.Ten99PolicyProvider;
import io.policywebhooks.webhook.Endpoint;
import io.policywebhooks.webhook.WebhookService;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemResponse;

/**
 * The reprocessor against dynalite (plain JUnit, its own dynalite, fresh tables per test). Events are stored through
 * the real flow ({@link WebhookService}) with an "old" mapping, then reprocessed with the production mappings.
 */
class ReprocessTest {
    private static final String TEN99 = Ten99PolicyEvents.PROVIDER;
    private static final Instant T0 = Instant.parse("2026-11-30T08:00:00Z");
    private static final AtomicInteger TABLE_SETS = new AtomicInteger();

    private static Process dynalite;
    private static URI endpoint;
    private static DynamoDbClient dynamo;

    private Tables.Names tables;

    @BeforeAll
    static void startDynalite() {
        int port = DynaliteResource.freePort();
        dynalite = LocalDynamoDb.startIfAbsent(port);
        endpoint = URI.create("http://" + LocalDynamoDb.HOST + ":" + port);
        dynamo = DynaliteResource.client(endpoint);
    }

    @AfterAll
    static void stopDynalite() {
        dynamo.close();
        if (dynalite != null) {
            dynalite.destroy();
        }
    }

    @BeforeEach
    void freshTables() {
        int n = TABLE_SETS.incrementAndGet();
        tables = new Tables.Names("rp" + n + "-events", "rp" + n + "-policies", "rp" + n + "-assignments");
        LocalDynamoDb.createTables(dynamo, tables);
    }

    // ------------------------------------------------------------------------------------------------ mappings

    /**
     * The old mapping: no state for policy.cancelled, and its event stored without object id and type, with a parse
     * note today's mapping does not give.
     */
    private static final TestProviders.Mapper IGNORES_CANCELLED = (raw, json, headers, at) -> {
        Delivery delivery = Ten99PolicyEvents.map(raw, json, at);
        if (!"policy.cancelled".equals(delivery.event().type())) {
            return delivery;
        }
        EventRecord e = delivery.event();
        return new Delivery(new EventRecord(e.eventId(), e.provider(), e.type(), null, null, e.createdAt(),
                e.receivedAt(), e.rawBody(), e.payload(), e.extra(), "an old note"), List.of());
    };

    /** The old mapping: no state for policy.cancelled; the event as today. */
    private static final TestProviders.Mapper IGNORES_CANCELLED_STATE = (raw, json, headers, at) -> {
        Delivery delivery = Ten99PolicyEvents.map(raw, json, at);
        return "policy.cancelled".equals(delivery.event().type()) ? new Delivery(delivery.event(), List.of())
                : delivery;
    };

    // ------------------------------------------------------------------------------------------------ tests

    @Test
    void reprocessingAppliesTheStateTheOldMappingIgnoredAndRefreshesTheEvent() {
        String active = receive(IGNORES_CANCELLED, policyEvent("evt_a", "policy.active", "pl_1", 100), T0);
        String cancelled = receive(IGNORES_CANCELLED, policyEvent("evt_c", "policy.cancelled", "pl_1", 200),
                T0.plusSeconds(60));
        assertEquals("ACTIVE", policy("pl_1").get(Tables.STATUS).s());
        Map<String, AttributeValue> before = event(cancelled);
        assertNull(before.get(Tables.OBJECT_ID), "the old mapping stored no object id");

        Recorder recorder = new Recorder();
        Reprocessor.Summary summary = reprocessor(null).run(Selection.all().withProvider(TEN99), false, recorder);
        // evt_a is already right or stale: whether it is read before or after evt_c makes the state evt_c's
        assertEquals(List.of(2L, 1L, 1L, 0L), List.of(summary.selected(), summary.reapplied(),
                summary.alreadyRight() + summary.stale(), summary.failed()));
        assertEquals(Set.of(active, cancelled), new TreeSet<>(recorder.selected));

        Map<String, AttributeValue> state = policy("pl_1");
        assertEquals("CANCELLED", state.get(Tables.STATUS).s());
        assertEquals(cancelled, state.get(Tables.LAST_EVENT_ID).s());
        Map<String, AttributeValue> after = event(cancelled);
        assertEquals("pl_1", after.get(Tables.OBJECT_ID).s(), "parsed attributes refreshed");
        assertEquals("policy", after.get(Tables.OBJECT_TYPE).s());
        assertEquals("an old note", before.get(Tables.PARSE_NOTE).s());
        assertNull(after.get(Tables.PARSE_NOTE), "what the mapping no longer gives is removed");
        for (String kept : List.of(Tables.EVENT_ID, Tables.RAW_BODY, Tables.RECEIVED_AT, Tables.LAST_RECEIVED_AT,
                Tables.DELIVERIES, Tables.PAYLOAD, Tables.TYPE, Tables.CREATED_AT)) {
            assertEquals(before.get(kept), after.get(kept), kept + " unchanged");
        }
    }

    @Test
    void reprocessingTwiceChangesNothing() {
        receive(IGNORES_CANCELLED, policyEvent("evt_a", "policy.active", "pl_1", 100), T0);
        receive(IGNORES_CANCELLED, policyEvent("evt_c", "policy.cancelled", "pl_1", 200), T0.plusSeconds(60));
        receive(IGNORES_CANCELLED, assignmentEvent("evt_s", "assignment.active", "as_1", 150), T0.plusSeconds(90));
        receive(IGNORES_CANCELLED, "not JSON at all".getBytes(StandardCharsets.UTF_8), T0.plusSeconds(120));
        receive(IGNORES_CANCELLED, new byte[] {(byte) 0xff, (byte) 0xfe, 0, 1}, T0.plusSeconds(180));
        Reprocessor.Summary first = reprocessor(2).run(Selection.all(), false, new Recorder());
        // evt_a is already right or stale: whether it is read before or after evt_c makes the state evt_c's
        assertEquals(List.of(5L, 1L, 4L, 0L), List.of(first.selected(), first.reapplied(),
                first.alreadyRight() + first.stale(), first.failed()));

        Map<String, List<Map<String, AttributeValue>>> before = everything();
        Reprocessor.Summary second = reprocessor(2).run(Selection.all(), false, new Recorder());
        assertEquals(counts(5, 0, 4, 1, 0), second, "the second run: evt_a stale, the others already right");
        assertEquals(before, everything(), "every item of the three tables as it was");
        // and by type, through the index
        assertEquals(counts(1, 0, 1, 0, 0),
                reprocessor(2).run(Selection.all().withType("policy.cancelled"), false, new Recorder()));
        assertEquals(before, everything());
    }

    @Test
    void anOlderEventReprocessedNeverOverwritesANewerState() {
        // cancelled first (created 100, its state ignored then), active later (created 200)
        receive(IGNORES_CANCELLED_STATE, policyEvent("evt_c", "policy.cancelled", "pl_1", 100), T0);
        String active = receive(IGNORES_CANCELLED_STATE, policyEvent("evt_a", "policy.active", "pl_1", 200),
                T0.plusSeconds(60));
        Map<String, AttributeValue> state = policy("pl_1");

        assertEquals(counts(2, 0, 1, 1, 0), reprocessor(null).run(Selection.all(), false, new Recorder()),
                "the older event stale, the newer already right");
        assertEquals(state, policy("pl_1"), "the newer state stays, untouched");
        assertEquals(active, policy("pl_1").get(Tables.LAST_EVENT_ID).s());
    }

    @Test
    void aSelectionThatMatchesNothingReportsZero() {
        Reprocessor.Summary zero = counts(0, 0, 0, 0, 0);
        for (boolean dryRun : new boolean[] {false, true}) {
            assertEquals(zero, reprocessor(null).run(Selection.all(), dryRun, new Recorder()), "empty table");
        }
        receive(IGNORES_CANCELLED, policyEvent("evt_a", "policy.active", "pl_1", 100), T0);
        Map<String, List<Map<String, AttributeValue>>> before = everything();
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
                assertEquals(zero, reprocessor(1).run(selection, dryRun, recorder), selection + " dry run " + dryRun);
                assertTrue(recorder.selected.isEmpty());
            }
        }
        assertEquals(before, everything());
    }

    @Test
    void aSelectionByProviderTypeTimeOrIdsPicksExactlyItsEvents() throws IOException {
        // six 1099Policy events, a minute apart, alternating types; one Vertical Insure event at minute 2.5
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            String type = i % 2 == 0 ? "policy.active" : "policy.cancelled";
            ids.add(receive(IGNORES_CANCELLED, policyEvent("evt_" + i, type, "pl_" + i, 100 + i),
                    T0.plusSeconds(60L * i)));
        }
        String vertical = receive(VerticalInsureEvents.PROVIDER, Providers.named(VerticalInsureEvents.PROVIDER)::map,
                sample("vertical-insure/policy_bind_complete.json"), Headers.of(Map.of()), T0.plusSeconds(150));
        Instant minute2 = T0.plusSeconds(120);
        Instant minute4 = T0.plusSeconds(240);

        Map<Selection, Set<String>> expected = new java.util.LinkedHashMap<>();
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
                assertEquals(events.size(), reprocessor(pageSize).run(selection, true, dry).selected(), where);
                Recorder recorder = new Recorder();
                Reprocessor.Summary summary = reprocessor(pageSize).run(selection, false, recorder);
                assertEquals(events, new TreeSet<>(recorder.selected), where);
                assertEquals(events.size(), recorder.selected.size(), where + ": each once");
                assertEquals(events.size(), summary.selected(), where);
                assertEquals(0, summary.failed(), where);
            });
        }
    }

    @Test
    void manyEventsOfATypeAreReadInBatchesWithProgress() {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 130; i++) {
            ids.add(receive(IGNORES_CANCELLED, policyEvent("evt_" + i, "policy.cancelled", "pl_" + i, 100 + i),
                    T0.plusSeconds(i)));
        }
        Recorder recorder = new Recorder();
        Reprocessor reprocessor = new Reprocessor(new ReprocessStore(dynamo, tables, null), Providers.all(), Clock.systemUTC(), 50, Long.MAX_VALUE);
        assertEquals(counts(130, 130, 0, 0, 0),
                reprocessor.run(Selection.all().withType("policy.cancelled"), false, recorder));
        assertEquals(new TreeSet<>(ids), new TreeSet<>(recorder.selected));
        assertEquals(List.of(50L, 100L), recorder.progress.stream().map(Reprocessor.Summary::selected).toList());
        assertEquals("CANCELLED", policy("pl_129").get(Tables.STATUS).s());
    }

    @Test
    void unprocessedKeysAreReadAgain() {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            ids.add(receive(IGNORES_CANCELLED, policyEvent("evt_" + i, "policy.cancelled", "pl_" + i, 100 + i),
                    T0.plusSeconds(i)));
        }
        Observed observed = new Observed(dynamo, tables);
        observed.unprocessedRounds = 2; // twice, DynamoDB returns only the first key
        Recorder recorder = new Recorder();
        assertEquals(counts(5, 5, 0, 0, 0), new Reprocessor(new ReprocessStore(observed, tables, null), Providers.all(), Clock.systemUTC(), 1000, Long.MAX_VALUE)
                .run(Selection.all().withType("policy.cancelled"), false, recorder));
        assertEquals(new TreeSet<>(ids), new TreeSet<>(recorder.selected));
        assertEquals(3, observed.batchGets);
    }

    @Test
    void bodiesThatAreNotJsonOrNotUtf8AreCountedAndAnEventThatCannotBeReadFailsAlone() {
        String text = receive(IGNORES_CANCELLED, "not JSON at all".getBytes(StandardCharsets.UTF_8), T0);
        String binary = receive(IGNORES_CANCELLED, new byte[] {(byte) 0xff, (byte) 0xfe, 0, 1}, T0.plusSeconds(1));
        assertEquals(AttributeValue.Type.B, event(binary).get(Tables.RAW_BODY_BYTES).type());
        Map<String, List<Map<String, AttributeValue>>> before = everything();
        assertEquals(counts(2, 0, 2, 0, 0), reprocessor(null).run(Selection.all(), false,
                new Recorder()));
        assertEquals(before, everything());
        assertEquals("body is not JSON", event(text).get(Tables.PARSE_ERROR).s());

        // an item without a body, one of an unknown provider: each fails, the others are still processed
        dynamo.putItem(b -> b.tableName(tables.events()).item(Map.of(Tables.EVENT_ID, s(TEN99 + "#nobody"),
                Tables.PROVIDER_ATTRIBUTE, s(TEN99), Tables.RECEIVED_AT, s("2026-11-30T09:00:00.000Z"))));
        dynamo.putItem(b -> b.tableName(tables.events()).item(Map.of(Tables.EVENT_ID, s("other#x"),
                Tables.PROVIDER_ATTRIBUTE, s("other"), Tables.RAW_BODY, s("{}"),
                Tables.RECEIVED_AT, s("2026-11-30T09:00:00.000Z"))));
        Recorder recorder = new Recorder();
        assertEquals(counts(4, 0, 2, 0, 2), reprocessor(1).run(Selection.all(), false, recorder));
        assertEquals(Map.of(TEN99 + "#nobody", "no raw_body stored", "other#x", "no mapping for provider other"),
                recorder.failed);
    }

    @Test
    void aMappingThatNowGivesAnotherIdKeepsTheStoredKey() {
        TestProviders.Mapper legacyIds = (raw, json, headers, at) -> {
            Delivery d = IGNORES_CANCELLED.map(raw, json, headers, at);
            EventRecord e = d.event();
            return new Delivery(new EventRecord(TEN99 + "#legacy-1", e.provider(), e.type(), e.objectType(),
                    e.objectId(), e.createdAt(), e.receivedAt(), e.rawBody(), e.payload(), e.extra(),
                    e.parseNote()), d.states());
        };
        String stored = receive(legacyIds, policyEvent("evt_c", "policy.cancelled", "pl_1", 100), T0);
        assertEquals(TEN99 + "#legacy-1", stored);

        Recorder recorder = new Recorder();
        assertEquals(counts(1, 1, 0, 0, 0), reprocessor(null).run(Selection.all(), false, recorder));
        assertEquals(Map.of(stored, TEN99 + "#evt_c"), recorder.idChanged);
        assertEquals(1, everything().get("events").size(), "no item under the new id");
        assertEquals(stored, policy("pl_1").get(Tables.LAST_EVENT_ID).s(), "the state names the stored event");
        assertEquals("pl_1", event(stored).get(Tables.OBJECT_ID).s());
    }

    @Test
    void anEventItemIsNeverCreated() {
        String id = receive(IGNORES_CANCELLED, policyEvent("evt_c", "policy.cancelled", "pl_1", 100), T0);
        Observed observed = new Observed(dynamo, tables);
        observed.deleteAfterRead = true; // the item goes away between reading and writing it
        Recorder recorder = new Recorder();
        assertEquals(counts(1, 0, 0, 0, 1), new Reprocessor(new ReprocessStore(observed, tables, null), Providers.all(), Clock.systemUTC(), 1000, Long.MAX_VALUE)
                .run(Selection.all(), false, recorder));
        assertEquals(Map.of(id, "the event item no longer exists"), recorder.failed);
        assertTrue(everything().get("events").isEmpty(), "not re-created");
        assertEquals("CANCELLED", policy("pl_1").get(Tables.STATUS).s(), "its state re-applied all the same");
    }

    @Test
    void theMappingGetsTheStoredKeptHeadersBack() {
        receive(TEN99, Providers.named(TEN99)::map, policyEvent("evt_a", "policy.active", "pl_1", 100),
                Headers.of(Map.of("X-Convoy-Idempotency-Key", "idem-1", "X-Convoy-Event-ID", "cv-1")), T0);
        List<List<String>> seen = new ArrayList<>();
        TestProviders.Mapper spy = (raw, json, headers, at) -> {
            seen.add(Arrays.asList(headers.get(Ten99PolicyProvider.IDEMPOTENCY_KEY_HEADER),
                    headers.get(Ten99PolicyProvider.EVENT_ID_HEADER)));
            return Ten99PolicyEvents.map(raw, json, at);
        };
        // Already right: the kept headers are the delivery's, so they stay as stored.
        assertEquals(counts(1, 0, 1, 0, 0), new Reprocessor(new ReprocessStore(dynamo, tables, null),
                List.of(TestProviders.mappingWith(Providers.named(TEN99), spy)), Clock.systemUTC(), 1000,
                Long.MAX_VALUE).run(Selection.all(), false, new Recorder()));
        assertEquals(List.of(List.of("idem-1", "cv-1")), seen);
    }

    /**
     * DynamoDB returns numbers in its own form (trimmed, no exponent: the body's {@code 1E+3} as {@code 1000}): that is
     * no change to write.
     */
    @Test
    void numbersTrimmedAsDynamoDbReturnsThemAreNoChange() {
        receive(Providers.named(TEN99)::map, policyEvent("evt_a", "policy.active", "pl_1", 100), T0);
        Observed observed = new Observed(dynamo, tables);
        observed.trimNumbers = true;
        Map<String, List<Map<String, AttributeValue>>> before = everything();
        assertEquals(counts(1, 0, 1, 0, 0), new Reprocessor(new ReprocessStore(observed, tables, null), Providers.all(), Clock.systemUTC(), 1000, Long.MAX_VALUE)
                .run(Selection.all(), false, new Recorder()));
        assertEquals(before, everything());
    }

    @Test
    void callsExactlyTheOperationsThePolicyGrants() {
        receive(IGNORES_CANCELLED, policyEvent("evt_c", "policy.cancelled", "pl_1", 100), T0);
        receive(IGNORES_CANCELLED, assignmentEvent("evt_s", "assignment.cancelled", "as_1", 100), T0);
        Observed observed = new Observed(dynamo, tables);
        Reprocessor reprocessor = new Reprocessor(new ReprocessStore(observed, tables, null), Providers.all(), Clock.systemUTC(), 1000, Long.MAX_VALUE);
        reprocessor.run(Selection.all().withType("policy.cancelled"), true, new Recorder());
        reprocessor.run(Selection.all().withType("policy.cancelled"), false, new Recorder());
        reprocessor.run(Selection.all().withEventIds(List.of(TEN99 + "#evt_s")), false, new Recorder());
        reprocessor.run(Selection.all(), true, new Recorder());
        reprocessor.run(Selection.all().withProvider(TEN99), false, new Recorder());
        receive(WRONG_KEY, policyEvent("evt_w", "policy.active", "pl_2", 100), T0);
        receive(WRONG_KEY, assignmentEvent("evt_x", "assignment.active", "as_2", 100), T0);
        assertEquals(2, reprocessor.run(Selection.all().withType("policy.active"), false, true, new Recorder())
                .orphansRemoved() + reprocessor.run(Selection.all().withType("assignment.active"), false, true,
                        new Recorder()).orphansRemoved(), "one orphan of each table removed");
        assertEquals(ReprocessStore.OPERATIONS, observed.byTable);
        assertEquals(ReprocessStore.INDEX_OPERATIONS, observed.byIndex);
    }

    @Test
    void theCommandRunsAgainstALocalEndpoint() {
        receive(IGNORES_CANCELLED, policyEvent("evt_c", "policy.cancelled", "pl_1", 100), T0);
        Map<String, String> environment = Map.of("EVENTS_TABLE", tables.events(), "POLICIES_TABLE",
                tables.policies(), "ASSIGNMENTS_TABLE", tables.assignments());
        String[] local = {"--endpoint", endpoint.toString(), "--region", "us-east-1"};
        System.setProperty("aws.accessKeyId", "local");
        System.setProperty("aws.secretAccessKey", "local");
        try {
            assertEquals(List.of("0", "dry run: selected 1, failed 0, orphans 0"),
                    command(environment, local, "--provider", TEN99, "--dry-run"));
            assertEquals(List.of("0", "selected 1, reapplied 1, already right 0, stale 0, failed 0, orphans 0, "
                    + "orphans removed 0"),
                    command(environment, local, "--provider", TEN99, "--from", "2026-11-30", "--to", "2026-12-01"));
            assertEquals("CANCELLED", policy("pl_1").get(Tables.STATUS).s());
            assertEquals(List.of("0", "selected 1, reapplied 0, already right 1, stale 0, failed 0, orphans 0, "
                    + "orphans removed 0"),
                    command(environment, local, "--all"));
            dynamo.putItem(b -> b.tableName(tables.events()).item(Map.of(Tables.EVENT_ID, s(TEN99 + "#nobody"),
                    Tables.PROVIDER_ATTRIBUTE, s(TEN99), Tables.RECEIVED_AT, s("2026-11-30T09:00:00.000Z"))));
            assertEquals(List.of("1", "selected 2, reapplied 0, already right 1, stale 0, failed 1, orphans 0, "
                    + "orphans removed 0"),
                    command(environment, local, "--event-id", TEN99 + "#nobody", "--event-id", TEN99 + "#evt_c"));
            String wrongKey = receive(WRONG_KEY, policyEvent("evt_w", "policy.active", "pl_w", 100), T0);
            assertEquals(List.of("0", "dry run: selected 1, failed 0, orphans 1"),
                    command(environment, local, "--event-id", wrongKey, "--dry-run", "--remove-orphans"));
            assertEquals(List.of("0", "selected 1, reapplied 1, already right 0, stale 0, failed 0, orphans 1, "
                    + "orphans removed 1"), command(environment, local, "--event-id", wrongKey, "--remove-orphans"));
            assertTrue(policy("cn_1").isEmpty());
            assertEquals("1", command(Map.of("EVENTS_TABLE", "no-such-table"), local, "--all").get(0),
                    "a selection that cannot be read");
        } finally {
            System.clearProperty("aws.accessKeyId");
            System.clearProperty("aws.secretAccessKey");
        }
    }

    // ------------------------------------------------------------------------------------------------ repairs

    /** An earlier mapping that wrote the policy's {@code quote} wrong and set a {@code job} a policy never has. */
    private static final TestProviders.Mapper WRONG_QUOTE = changedStates(state -> {
        state.attributes().put(Ten99PolicyEvents.QUOTE, "qt_wrong");
        state.attributes().put(Tables.JOB, "jb_wrong");
        return state;
    });

    /** An earlier mapping that keyed the policy's state by its contractor instead of its id. */
    private static final TestProviders.Mapper WRONG_KEY = changedStates(state -> new StateUpdate(state.kind(),
            (String) state.attributes().get(Tables.CONTRACTOR), state.version(), state.orderKey(),
            state.attributes()));

    /** An earlier mapping that ranked policy.active as high as policy.reactivated (3 instead of 1). */
    private static final TestProviders.Mapper ACTIVE_TOO_HIGH = (raw, json, headers, at) -> {
        Delivery today = Ten99PolicyEvents.map(raw, json, at);
        if (!"policy.active".equals(today.event().type())) {
            return today;
        }
        JsonNode reactivated = ((ObjectNode) json.deepCopy()).put("type", "policy.reactivated");
        return new Delivery(today.event(), Ten99PolicyEvents.map(raw, reactivated, at).states());
    };

    /** Today's 1099Policy mapping with each state changed as an earlier mapping made it. */
    private static TestProviders.Mapper changedStates(UnaryOperator<StateUpdate> change) {
        return changedStates(Providers.named(TEN99)::map, change);
    }

    private static TestProviders.Mapper changedStates(TestProviders.Mapper mapper,
            UnaryOperator<StateUpdate> change) {
        return (raw, json, headers, at) -> {
            Delivery today = mapper.map(raw, json, headers, at);
            return new Delivery(today.event(), today.states().stream().map(change).toList());
        };
    }

    @Test
    void aWrongAttributeTheSameEventWroteIsRepaired() {
        String id = receive(WRONG_QUOTE, policyEvent("evt_a", "policy.active", "pl_1", 100), T0);
        assertEquals("qt_wrong", policy("pl_1").get(Ten99PolicyEvents.QUOTE).s());

        assertEquals(counts(1, 1, 0, 0, 0), reprocessor(null).run(Selection.all(), false, new Recorder()));
        Map<String, AttributeValue> repaired = policy("pl_1");
        assertEquals("qt_1", repaired.get(Ten99PolicyEvents.QUOTE).s());
        assertNull(repaired.get(Tables.JOB), "what the mapping no longer gives for its last event is removed");
        assertEquals(id, repaired.get(Tables.LAST_EVENT_ID).s());

        Map<String, List<Map<String, AttributeValue>>> before = everything();
        assertEquals(counts(1, 0, 1, 0, 0), reprocessor(null).run(Selection.all(), false, new Recorder()));
        assertEquals(before, everything(), "a second run changes nothing");
    }

    @Test
    void aStatusMappedTooHighIsLoweredWhateverOrderTheEventsAreRead() {
        for (boolean activeFirst : new boolean[] {true, false}) {
            freshTables();
            // the same created second: active (rank 1) < cancelled (rank 2), so the policy is CANCELLED
            String active = receive(ACTIVE_TOO_HIGH, policyEvent("evt_a", "policy.active", "pl_1", 100), T0);
            String cancelled = receive(ACTIVE_TOO_HIGH, policyEvent("evt_c", "policy.cancelled", "pl_1", 100),
                    T0.plusSeconds(1));
            assertEquals("ACTIVE", policy("pl_1").get(Tables.STATUS).s(), "the earlier mapping let active win");

            List<String> order = activeFirst ? List.of(active, cancelled) : List.of(cancelled, active);
            assertEquals(counts(2, 2, 0, 0, 0), reprocessor(null).run(Selection.all().withEventIds(order), false,
                    new Recorder()), "active first: " + activeFirst);
            Map<String, AttributeValue> state = policy("pl_1");
            assertEquals("CANCELLED", state.get(Tables.STATUS).s(), "active first: " + activeFirst);
            assertEquals(cancelled, state.get(Tables.LAST_EVENT_ID).s());

            Map<String, List<Map<String, AttributeValue>>> before = everything();
            assertEquals(counts(2, 0, 1, 1, 0), reprocessor(null).run(Selection.all(), false, new Recorder()),
                    "active stale, cancelled already right");
            assertEquals(before, everything(), "a second run changes nothing");
        }
    }

    @Test
    void aMappingThatThrowsFailsTheEventAndLeavesItAsStored() {
        String id = receive(Providers.named(TEN99)::map, policyEvent("evt_a", "policy.active", "pl_1", 100), T0);
        Map<String, List<Map<String, AttributeValue>>> before = everything();
        TestProviders.Mapper throwing = (raw, json, headers, at) -> {
            throw new IllegalStateException("a bug in the new mapping");
        };
        Recorder recorder = new Recorder();
        assertEquals(counts(1, 0, 0, 0, 1), new Reprocessor(new ReprocessStore(dynamo, tables, null), List.of(TestProviders.mappingWith(Providers.named(TEN99), throwing)), Clock.systemUTC(), 1000, Long.MAX_VALUE)
                .run(Selection.all(), false, true, recorder));
        assertEquals(before, everything(), "the event and its state as stored; its state is no orphan");
        assertEquals(Map.of(id, "the mapping threw java.lang.IllegalStateException; the event is left as stored"),
                recorder.failed);
    }

    @Test
    void aStateKeyedWrongIsAnOrphanListedAndRemovedOnlyWithTheFlag() {
        String id = receive(WRONG_KEY, policyEvent("evt_a", "policy.active", "pl_1", 100), T0);
        assertEquals("ACTIVE", policy("cn_1").get(Tables.STATUS).s(), "the earlier mapping keyed it by contractor");
        String orphan = tables.policies() + " cn_1 names " + id + ": ";

        Recorder dry = new Recorder();
        Map<String, List<Map<String, AttributeValue>>> stored = everything();
        assertEquals(new Reprocessor.Summary(1, 0, 0, 0, 0, 1, 0), reprocessor(1).run(Selection.all(), true, true,
                dry), "a dry run lists, even when asked to remove");
        assertEquals(List.of(orphan + "FOUND"), dry.orphans);
        assertEquals(stored, everything(), "a dry run writes nothing");

        Recorder listed = new Recorder();
        assertEquals(new Reprocessor.Summary(1, 1, 0, 0, 0, 1, 0), reprocessor(1).run(Selection.all(), false,
                listed));
        assertEquals(List.of(orphan + "FOUND"), listed.orphans);
        assertEquals("ACTIVE", policy("pl_1").get(Tables.STATUS).s(), "the state under its right key");
        assertEquals(id, policy("cn_1").get(Tables.LAST_EVENT_ID).s(), "the orphan stays without the flag");

        Recorder removed = new Recorder();
        assertEquals(new Reprocessor.Summary(1, 0, 1, 0, 0, 1, 1), reprocessor(1).run(Selection.all(), false, true,
                removed));
        assertEquals(List.of(orphan + "REMOVED"), removed.orphans);
        assertTrue(policy("cn_1").isEmpty());

        Map<String, List<Map<String, AttributeValue>>> before = everything();
        assertEquals(counts(1, 0, 1, 0, 0), reprocessor(1).run(Selection.all(), false, true, new Recorder()));
        assertEquals(before, everything(), "a second run changes nothing");
    }

    @Test
    void aRepairNeverOverwritesADeliveryWrittenBetweenItsReadAndItsWrite() {
        String id = receive(WRONG_QUOTE, policyEvent("evt_a", "policy.active", "pl_1", 100), T0);
        Observed observed = new Observed(dynamo, tables);
        observed.afterStateRead = request -> {
            observed.afterStateRead = r -> {
            };
            receive(Providers.named(TEN99)::map, policyEvent("evt_n", "policy.cancelled", "pl_1", 200), T0.plusSeconds(60));
        };
        assertEquals(counts(1, 0, 0, 1, 0), new Reprocessor(new ReprocessStore(observed, tables, null), Providers.all(), Clock.systemUTC(), 1000, Long.MAX_VALUE)
                .run(Selection.all().withEventIds(List.of(id)), false, new Recorder()));
        Map<String, AttributeValue> state = policy("pl_1");
        assertEquals(List.of(TEN99 + "#evt_n", "CANCELLED"), List.of(state.get(Tables.LAST_EVENT_ID).s(),
                state.get(Tables.STATUS).s()), "the newer delivery's state kept");
    }

    @Test
    void anOrphanADeliveryNamesMeanwhileIsNotRemoved() {
        String id = receive(WRONG_KEY, policyEvent("evt_a", "policy.active", "pl_1", 100), T0);
        String newer = TEN99 + "#evt_newer";
        Observed observed = new Observed(dynamo, tables);
        observed.beforeDelete = request -> dynamo.updateItem(b -> b.tableName(tables.policies())
                .key(request.key()).updateExpression("SET #last = :newer")
                .expressionAttributeNames(Map.of("#last", Tables.LAST_EVENT_ID))
                .expressionAttributeValues(Map.of(":newer", s(newer))));
        Recorder recorder = new Recorder();
        assertEquals(new Reprocessor.Summary(1, 1, 0, 0, 0, 1, 0), new Reprocessor(new ReprocessStore(observed, tables, null),
                Providers.all(), Clock.systemUTC(), 1000, Long.MAX_VALUE)
                .run(Selection.all(), false, true, recorder));
        assertEquals(List.of(tables.policies() + " cn_1 names " + id + ": NAMES_ANOTHER_EVENT"), recorder.orphans);
        assertEquals(newer, policy("cn_1").get(Tables.LAST_EVENT_ID).s(), "the newer delivery's state kept");
    }

    /**
     * Vertical Insure's version decides when the stored state and the event both carry one (then the order key);
     * otherwise the order key. Re-applying never lets an older version or a lower order in, in either reading
     * order, and a state the same versioned event wrote wrong is repaired.
     */
    @Test
    void theVersionGuardHoldsWhenReapplyingVersionedEvents() {
        String vertical = VerticalInsureEvents.PROVIDER;
        TestProviders.Mapper today = Providers.named(vertical)::map;
        TestProviders.Mapper wrongNumber = changedStates(today, state -> {
            state.attributes().put(VerticalInsureEvents.POLICY_NUMBER, "PN-wrong");
            return state;
        });
        for (boolean forward : new boolean[] {true, false}) {
            freshTables();
            Headers none = Headers.of(Map.of());
            List<String> ids = new ArrayList<>(List.of(
                    // pol_1: version 2 ACTIVE, its number written wrong; an older version's cancel (rank 5) and the
                    // same version's PENDING (rank 1) stay out
                    receive(vertical, wrongNumber, verticalEvent("policy_bind_complete", "pol_1", "ACTIVE", 2L), none,
                            T0),
                    receive(vertical, today, verticalEvent("policy_canceled", "pol_1", "CANCELED", 1L), none,
                            T0.plusSeconds(1)),
                    receive(vertical, today, verticalEvent("policy_purchase_complete", "pol_1", "PENDING", 2L), none,
                            T0.plusSeconds(2)),
                    // pol_2: stored without a version, so the order decides: a versioned payment failure (rank 2)
                    // stays out of ACTIVE (rank 3)
                    receive(vertical, today, verticalEvent("policy_bind_complete", "pol_2", "ACTIVE", null), none,
                            T0.plusSeconds(3)),
                    receive(vertical, today, verticalEvent("policy_payment_failed", "pol_2", "ACTIVE", 1L), none,
                            T0.plusSeconds(4))));
            if (!forward) {
                java.util.Collections.reverse(ids);
            }
            assertEquals("PN-wrong", policy("pol_1").get(VerticalInsureEvents.POLICY_NUMBER).s());

            assertEquals(counts(5, 1, 1, 3, 0), reprocessor(null).run(Selection.all().withEventIds(ids), false,
                    new Recorder()), "forward: " + forward);
            Map<String, AttributeValue> first = policy("pol_1");
            assertEquals(List.of("ACTIVE", "2", "PN-2"), List.of(first.get(Tables.STATUS).s(),
                    first.get(Tables.VERSION).n(), first.get(VerticalInsureEvents.POLICY_NUMBER).s()));
            Map<String, AttributeValue> second = policy("pol_2");
            assertEquals("ACTIVE", second.get(Tables.STATUS).s());
            assertNull(second.get(Tables.VERSION));

            Map<String, List<Map<String, AttributeValue>>> before = everything();
            assertEquals(counts(5, 0, 2, 3, 0), reprocessor(null).run(Selection.all(), false, new Recorder()));
            assertEquals(before, everything(), "a second run changes nothing");
        }
    }

    @Test
    void reprocessingNeverChangesDeliveryCountsOrReceiptTimes() {
        byte[] body = policyEvent("evt_c", "policy.cancelled", "pl_1", 100);
        Headers convoy = Headers.of(Map.of("X-Convoy-Idempotency-Key", "idem-1", "X-Convoy-Event-ID", "cv-1"));
        String id = receive(TEN99, IGNORES_CANCELLED, body, convoy, T0);
        receive(TEN99, IGNORES_CANCELLED, body, Headers.of(Map.of()), T0.plusSeconds(300)); // a redelivery
        Map<String, AttributeValue> before = event(id);
        assertEquals("2", before.get(Tables.DELIVERIES).n());

        assertEquals(counts(1, 1, 0, 0, 0), reprocessor(null).run(Selection.all(), false, new Recorder()));
        Map<String, AttributeValue> after = event(id);
        assertEquals("pl_1", after.get(Tables.OBJECT_ID).s(), "the event was refreshed");
        for (String kept : ReprocessStore.RECORDED) {
            assertEquals(before.get(kept), after.get(kept), kept);
        }
        assertEquals(List.of("2", "2026-11-30T08:00:00.000Z", "2026-11-30T08:05:00.000Z", "idem-1"),
                List.of(after.get(Tables.DELIVERIES).n(), after.get(Tables.RECEIVED_AT).s(),
                        after.get(Tables.LAST_RECEIVED_AT).s(), after.get(Ten99PolicyProvider.CONVOY_IDEMPOTENCY_KEY).s()));
    }

    @Test
    void aFailedStateWriteStillRefreshesTheEvent() {
        String id = receive(IGNORES_CANCELLED, policyEvent("evt_c", "policy.cancelled", "pl_1", 100), T0);
        Observed observed = new Observed(dynamo, tables);
        observed.failUpdates = WebhookStore.Table.POLICIES;
        Recorder recorder = new Recorder();
        assertEquals(counts(1, 0, 0, 0, 1), new Reprocessor(new ReprocessStore(observed, tables, null), Providers.all(), Clock.systemUTC(), 1000, Long.MAX_VALUE)
                .run(Selection.all(), false, recorder));
        assertEquals(Map.of(id, "policy_id pl_1: storage: DynamoDbException"), recorder.failed);
        assertEquals("pl_1", event(id).get(Tables.OBJECT_ID).s(), "the event item refreshed all the same");
        assertTrue(policy("pl_1").isEmpty());
    }

    /** Each way of selecting (ids, the type index, a scan, a scan by provider) at its receipt bounds. */
    @Test
    void eachSelectionPathHoldsItsReceiptBoundsToTheMillisecond() {
        Instant from = T0.plusSeconds(60);
        Instant until = T0.plusSeconds(120);
        String beforeFrom = receive(IGNORES_CANCELLED, policyEvent("evt_1", "policy.active", "pl_1", 1),
                from.minusMillis(1));
        String atFrom = receive(IGNORES_CANCELLED, policyEvent("evt_2", "policy.active", "pl_2", 2), from);
        String beforeUntil = receive(IGNORES_CANCELLED, policyEvent("evt_3", "policy.active", "pl_3", 3),
                until.minusMillis(1));
        String atUntil = receive(IGNORES_CANCELLED, policyEvent("evt_4", "policy.active", "pl_4", 4), until);
        List<String> all = List.of(beforeFrom, atFrom, beforeUntil, atUntil);

        Map<List<Instant>, Set<String>> ranges = new java.util.LinkedHashMap<>();
        ranges.put(java.util.Arrays.asList(from, until), Set.of(atFrom, beforeUntil));
        ranges.put(java.util.Arrays.asList(from.minusNanos(1), until.plusNanos(1)),
                Set.of(atFrom, beforeUntil, atUntil));
        ranges.put(java.util.Arrays.asList(from.plusNanos(1), until.minusNanos(1)), Set.of(beforeUntil));
        ranges.put(java.util.Arrays.asList(from, null), Set.of(atFrom, beforeUntil, atUntil));
        ranges.put(java.util.Arrays.asList(null, until), Set.of(beforeFrom, atFrom, beforeUntil));
        ranges.put(java.util.Arrays.asList(from.minusMillis(1), until.plusMillis(1)), Set.copyOf(all));
        List<Selection> paths = List.of(Selection.all().withEventIds(all), Selection.all().withType("policy.active"),
                Selection.all(), Selection.all().withProvider(TEN99));
        for (Selection path : paths) {
            ranges.forEach((range, expected) -> {
                Selection selection = path.withReceived(range.get(0), range.get(1));
                for (boolean dryRun : new boolean[] {true, false}) {
                    Recorder recorder = new Recorder();
                    reprocessor(1).run(selection, dryRun, recorder);
                    assertEquals(new TreeSet<>(expected), new TreeSet<>(recorder.selected), selection + " dry run "
                            + dryRun);
                }
            });
        }
    }

    // ------------------------------------------------------------------------------------------------ helpers

    /** The exit status and the summary line. */
    private static List<String> command(Map<String, String> environment, String[] common, String... args) {
        String[] all = new String[common.length + args.length];
        System.arraycopy(common, 0, all, 0, common.length);
        System.arraycopy(args, 0, all, common.length, args.length);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = ReprocessCommand.run(all, environment, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return List.of(Integer.toString(status), out.toString(StandardCharsets.UTF_8).strip());
    }

    /** A summary without orphans. */
    private static Reprocessor.Summary counts(long selected, long reapplied, long alreadyRight, long stale,
            long failed) {
        return new Reprocessor.Summary(selected, reapplied, alreadyRight, stale, failed, 0, 0);
    }

    private Reprocessor reprocessor(Integer pageSize) {
        return new Reprocessor(new ReprocessStore(dynamo, tables, pageSize), Providers.all(), Clock.systemUTC(),
                1000, Long.MAX_VALUE);
    }

    private String receive(TestProviders.Mapper mapper, byte[] body, Instant at) {
        return receive(TEN99, mapper, body, Headers.of(Map.of()), at);
    }

    /** Through the real flow (signature check skipped: the reprocessor never checks one). */
    private String receive(String provider, TestProviders.Mapper mapper, byte[] body, Headers headers, Instant at) {
        WebhookService service = new WebhookService(new WebhookStore(dynamo, tables), Clock.fixed(at, ZoneOffset.UTC),
                WebhookService.MAX_BODY_BYTES_LIMIT);
        Outcome outcome = service.receive(new Endpoint(TestProviders.mappingWith(Providers.named(provider), mapper),
                (b, h) -> {
                }), body, headers);
        assertEquals(200, outcome.status(), outcome.toString());
        return outcome.eventId();
    }

    private static byte[] policyEvent(String id, String type, String policyId, long createdSeconds) {
        return ("{\"id\":\"" + id + "\",\"type\":\"" + type + "\",\"created\":" + (1_764_000_000L + createdSeconds)
                + ",\"data\":{\"id\":\"" + policyId + "\",\"object\":\"policy\",\"is_active\":true,"
                + "\"contractor\":\"cn_1\",\"quote\":\"qt_1\",\"premium\":12.50,\"limit\":1E+3}}").getBytes(StandardCharsets.UTF_8);
    }

    /** A Vertical Insure policy event; {@code version} null for none. */
    private static byte[] verticalEvent(String type, String policyId, String policyStatus, Long version) {
        return ("{\"event\":\"" + type + "\",\"webhook\":\"https://example.com/hook\",\"data\":{\"id\":\""
                + policyId + "\",\"policy_status\":\"" + policyStatus + "\",\"policy_number\":\"PN-"
                + (version == null ? "none" : version) + "\"" + (version == null ? "" : ",\"version\":" + version)
                + "}}").getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] assignmentEvent(String id, String type, String assignmentId, long createdSeconds) {
        return ("{\"id\":\"" + id + "\",\"type\":\"" + type + "\",\"created\":" + (1_764_000_000L + createdSeconds)
                + ",\"data\":{\"object\":{\"id\":\"" + assignmentId + "\",\"object\":\"assignment\","
                + "\"contractor\":\"cn_1\",\"job\":\"jb_1\"}}}").getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] sample(String path) throws IOException {
        try (InputStream in = ReprocessTest.class.getResourceAsStream("/samples/" + path)) {
            return in.readAllBytes();
        }
    }

    private Map<String, AttributeValue> policy(String id) {
        return dynamo.getItem(b -> b.tableName(tables.policies()).key(Map.of(Tables.POLICY_ID, s(id)))).item();
    }

    private Map<String, AttributeValue> event(String id) {
        return dynamo.getItem(b -> b.tableName(tables.events()).key(Map.of(Tables.EVENT_ID, s(id)))).item();
    }

    /** Every item of the three tables, sorted by key. */
    private Map<String, List<Map<String, AttributeValue>>> everything() {
        Map<String, List<Map<String, AttributeValue>>> all = new TreeMap<>();
        all.put("events", scan(tables.events(), Tables.EVENT_ID));
        all.put("policies", scan(tables.policies(), Tables.POLICY_ID));
        all.put("assignments", scan(tables.assignments(), Tables.ASSIGNMENT_ID));
        return all;
    }

    private static List<Map<String, AttributeValue>> scan(String table, String key) {
        List<Map<String, AttributeValue>> items = new ArrayList<>();
        dynamo.scanPaginator(b -> b.tableName(table)).items().forEach(items::add);
        items.sort(java.util.Comparator.comparing(item -> item.get(key).s()));
        return items;
    }

    private static Set<String> set(List<String> ids, String... more) {
        Set<String> set = new TreeSet<>(ids);
        set.addAll(List.of(more));
        return set;
    }

    private static AttributeValue s(String value) {
        return AttributeValue.fromS(value);
    }

    private static final class Recorder implements Reprocessor.Listener {
        final List<String> selected = new ArrayList<>();
        final Map<String, String> failed = new TreeMap<>();
        final Map<String, String> idChanged = new TreeMap<>();
        final List<Reprocessor.Summary> progress = new ArrayList<>();
        final List<String> orphans = new ArrayList<>();

        @Override
        public void selected(String eventId) {
            selected.add(eventId);
        }

        @Override
        public void failed(String eventId, String reason) {
            failed.put(eventId, reason);
        }

        @Override
        public void idChanged(String storedId, String mappedId) {
            idChanged.put(storedId, mappedId);
        }

        @Override
        public void progress(Reprocessor.Summary soFar) {
            progress.add(soFar);
        }

        @Override
        public void orphan(String table, String key, String eventId, Reprocessor.Orphan what) {
            orphans.add(table + " " + key + " names " + eventId + ": " + what);
        }
    }

    /**
     * dynalite behind a recorder of the operations called (by table and by index), that can also hold back keys
     * from BatchGetItem (as DynamoDB does under load) and delete an item right after it was read.
     */
    private static final class Observed implements DynamoDbClient {
        private final DynamoDbClient real;
        private final Map<String, WebhookStore.Table> tableByName;
        final Map<WebhookStore.Table, Set<String>> byTable = new EnumMap<>(WebhookStore.Table.class);
        final Map<String, Set<String>> byIndex = new TreeMap<>();
        int unprocessedRounds;
        int batchGets;
        boolean deleteAfterRead;
        /** Runs before each DeleteItem reaches dynalite (a delivery arriving meanwhile). */
        Consumer<DeleteItemRequest> beforeDelete = request -> {
        };
        /** Runs after each GetItem of a state item (a delivery arriving between the read and the write). */
        Consumer<GetItemRequest> afterStateRead = request -> {
        };
        /** UpdateItem on this table fails as DynamoDB does when it is unavailable. */
        WebhookStore.Table failUpdates;
        /** Return numbers without leading and trailing zeroes, as DynamoDB does. */
        boolean trimNumbers;

        Observed(DynamoDbClient real, Tables.Names tables) {
            this.real = real;
            this.tableByName = Map.of(tables.events(), WebhookStore.Table.EVENTS, tables.policies(),
                    WebhookStore.Table.POLICIES, tables.assignments(), WebhookStore.Table.ASSIGNMENTS);
        }

        private void called(String table, String index, String operation) {
            if (index != null) {
                byIndex.computeIfAbsent(index, i -> new TreeSet<>()).add(operation);
            } else {
                byTable.computeIfAbsent(tableByName.get(table), t -> new TreeSet<>()).add(operation);
            }
        }

        @Override
        public ScanResponse scan(ScanRequest request) {
            called(request.tableName(), request.indexName(), "Scan");
            ScanResponse response = real.scan(request);
            if (trimNumbers) {
                response = response.toBuilder().items(response.items().stream().map(Observed::trimmed).toList())
                        .build();
            }
            if (deleteAfterRead && tableByName.get(request.tableName()) == WebhookStore.Table.EVENTS) {
                response.items().forEach(item -> real.deleteItem(b -> b.tableName(request.tableName())
                        .key(Map.of(Tables.EVENT_ID, item.get(Tables.EVENT_ID)))));
            }
            return response;
        }

        private static Map<String, AttributeValue> trimmed(Map<String, AttributeValue> item) {
            Map<String, AttributeValue> copy = new HashMap<>();
            item.forEach((name, value) -> copy.put(name, trimmed(value)));
            return copy;
        }

        private static AttributeValue trimmed(AttributeValue value) {
            switch (value.type()) {
                case N:
                    return AttributeValue.fromN(new java.math.BigDecimal(value.n()).stripTrailingZeros().toPlainString());
                case M:
                    return AttributeValue.fromM(trimmed(value.m()));
                case L:
                    return AttributeValue.fromL(value.l().stream().map(Observed::trimmed).toList());
                default:
                    return value;
            }
        }

        @Override
        public QueryResponse query(QueryRequest request) {
            called(request.tableName(), request.indexName(), "Query");
            return real.query(request);
        }

        @Override
        public GetItemResponse getItem(GetItemRequest request) {
            called(request.tableName(), null, "GetItem");
            GetItemResponse response = real.getItem(request);
            if (tableByName.get(request.tableName()) != WebhookStore.Table.EVENTS) {
                afterStateRead.accept(request);
            }
            return response;
        }

        @Override
        public BatchGetItemResponse batchGetItem(BatchGetItemRequest request) {
            request.requestItems().keySet().forEach(table -> called(table, null, "BatchGetItem"));
            batchGets++;
            if (unprocessedRounds == 0) {
                return real.batchGetItem(request);
            }
            unprocessedRounds--;
            Map.Entry<String, KeysAndAttributes> only = request.requestItems().entrySet().iterator().next();
            List<Map<String, AttributeValue>> keys = only.getValue().keys();
            BatchGetItemResponse first = real.batchGetItem(b -> b.requestItems(Map.of(only.getKey(),
                    KeysAndAttributes.builder().keys(keys.get(0)).build())));
            Map<String, KeysAndAttributes> unprocessed = new HashMap<>();
            if (keys.size() > 1) {
                unprocessed.put(only.getKey(), KeysAndAttributes.builder().keys(keys.subList(1, keys.size())).build());
            }
            return first.toBuilder().unprocessedKeys(unprocessed).build();
        }

        @Override
        public UpdateItemResponse updateItem(UpdateItemRequest request) {
            called(request.tableName(), null, "UpdateItem");
            if (tableByName.get(request.tableName()) == failUpdates) {
                throw DynamoDbException.builder().statusCode(503).message("unavailable").build();
            }
            return real.updateItem(request);
        }

        @Override
        public DeleteItemResponse deleteItem(DeleteItemRequest request) {
            called(request.tableName(), null, "DeleteItem");
            beforeDelete.accept(request);
            return real.deleteItem(request);
        }

        @Override
        public String serviceName() {
            return real.serviceName();
        }

        @Override
        public void close() {
            // the real client is the test's
        }
    }
}
