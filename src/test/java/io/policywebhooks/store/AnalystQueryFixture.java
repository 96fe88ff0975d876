package io.policywebhooks.store;

import static io.policywebhooks.Webhooks.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.policywebhooks.verticalinsure.VerticalInsureEvents;
import io.policywebhooks.ten99policy.Ten99PolicyEvents;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import io.policywebhooks.store.QueriesDoc.Block;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

/**
 * What the tests of {@code docs/queries.md} share: data seeded through the real HTTP path into dynalite, the doc's
 * check blocks, and each block's command run as the SDK request the CLI sends. One bean for all those test classes,
 * injected into each.
 *
 * <p>It seeds itself once, the first time a test asks it for seeded data or the doc: every accessor, {@link #run} and
 * the other runs first make sure it has. Not when the bean is made: RestAssured knows the application's port only
 * inside a test.
 *
 * <p>The doc's placeholders ({@link #placeholders}) are replaced by this fixture's own ids and times, so a wrong
 * index, attribute, expression or placeholder in the doc fails the test of its question.
 */
@Singleton
final class AnalystQueryFixture {
    /** The doc's placeholders, replaced in the commands by this run's values ({@link #placeholders}). */
    enum Placeholder {
        POLICY("pl_XXXX"), CONTRACTOR("cn_XXXX"), TYPE("policy.cancelled"), WEEK_START("2026-11-23T00:00:00.000Z"),
        NOW("2026-11-26T12:00:00.000Z"),
        /** The event type section 4b shows; the test counts its own type under it. */
        PAYOUT("payout_report_published");

        final String text;

        Placeholder(String text) {
            this.text = text;
        }
    }

    /** The shell variable the two-step blocks splice the first step's keys into (at most 100 per batch). */
    private static final String KEYS_VARIABLE = "$keys";
    private static final int BATCH_GET_MAX_KEYS = 100;

    private final DynamoDbClient dynamo;

    private final Ids ids = Ids.fresh();
    private Data data;
    private Throwable seedingFailure;

    /**
     * The ids of the seeded items, each ending in this fixture's {@code run} (the Vertical Insure policy's a UUID):
     * its items sit beside other tests' in the one dynalite all tests share.
     */
    record Ids(String run,
            // Policies: active, active but expired, cancelled (after active), Vertical Insure active; with a history.
            String activePolicy, String expiredPolicy, String cancelledPolicy, String viPolicy, String historyPolicy,
            // One contractor's assignments: covered, expired, not yet started, cancelled; and another contractor's.
            String contractor, String coveredAssignment, String expiredAssignment, String futureAssignment,
            String cancelledAssignment, String otherAssignment,
            // An event type of this run only, so the count is exact on the shared dynalite.
            String typeT) {
        static Ids fresh() {
            String run = UUID.randomUUID().toString().replace("-", "").substring(0, 10);
            return new Ids(run, "pl_act" + run, "pl_exp" + run, "pl_can" + run, UUID.randomUUID().toString(),
                    "pl_his" + run, "cn_" + run, "an_cov" + run, "an_exp" + run, "an_fut" + run, "an_can" + run,
                    "an_oth" + run, "analyst.counted_" + run);
        }
    }

    /** When the seeding ran, and the doc with its check blocks, read once it had. */
    private record Data(Instant start, Instant end, String doc, Map<String, Block> blocks) {
    }

    @Inject
    AnalystQueryFixture(DynamoDbClient dynamo) {
        this.dynamo = dynamo;
    }

    // ------------------------------------------------------------------ seeded on first use

    /** The seeded items' ids, seeded by now. */
    Ids seeded() {
        data();
        return ids;
    }

    Instant seedStart() {
        return data().start();
    }

    Instant seedEnd() {
        return data().end();
    }

    String doc() {
        return data().doc();
    }

    Map<String, Block> blocks() {
        return data().blocks();
    }

    /**
     * What seeding found, seeding now if it has not yet (from a test, where RestAssured has the port). A seeding that
     * failed is not tried again (its redeliveries would count twice): each later use fails with its cause.
     */
    private synchronized Data data() {
        if (data == null) {
            if (seedingFailure != null) {
                throw new AssertionError("seeding the analyst query data failed before", seedingFailure);
            }
            try {
                data = seed();
            } catch (RuntimeException | Error e) {
                seedingFailure = e;
                throw e;
            }
        }
        return data;
    }

    private Data seed() {
        Instant start = Instant.now();
        seedPolicies(start);
        seedAssignments(start);
        seedEventsOfType(start);
        pause();
        Instant end = Instant.now();
        String doc;
        try {
            doc = QueriesDoc.read();
        } catch (IOException e) {
            throw new UncheckedIOException("docs/queries.md", e);
        }
        return new Data(start, end, doc, QueriesDoc.checkedBlocks(doc));
    }

    // ------------------------------------------------------------------ seeding

    private static final long DAY = 86_400;

    private void seedPolicies(Instant now) {
        policyEvent("policy.active", ids.activePolicy(), now.getEpochSecond() - 100, now.plusSeconds(30 * DAY));
        policyEvent("policy.active", ids.expiredPolicy(), now.getEpochSecond() - 100, now.minusSeconds(DAY));
        policyEvent("policy.active", ids.cancelledPolicy(), now.getEpochSecond() - 200, now.plusSeconds(30 * DAY));
        policyEvent("policy.cancelled", ids.cancelledPolicy(), now.getEpochSecond() - 100, now.plusSeconds(30 * DAY));
        byte[] vi = utf8("{\"event\":\"policy_bind_complete\",\"webhook\":\"https://example.com/hook\",\"data\":{"
                + "\"id\":\"" + ids.viPolicy() + "\",\"policy_status\":\"ACTIVE\",\"is_test\":true,"
                + "\"expiration_date\":\"" + Attributes.iso(now.plusSeconds(60 * DAY)) + "\"}}");
        post(VerticalInsureEvents.PROVIDER, vi).statusCode(200);

        // History: active, cancelled, then a late active.media created before the cancel (stored, state untouched),
        // and a redelivery of the cancel (not stored again).
        policyEvent("policy.active", ids.historyPolicy(), now.getEpochSecond() - 300, now.plusSeconds(30 * DAY));
        pause();
        byte[] cancel = policyBody("evt_hc" + ids.run(), "policy.cancelled", ids.historyPolicy(),
                now.getEpochSecond() - 100, now.plusSeconds(30 * DAY));
        post(Ten99PolicyEvents.PROVIDER, cancel).statusCode(200);
        pause();
        policyEvent("policy.active.media", ids.historyPolicy(), now.getEpochSecond() - 200, now.plusSeconds(30 * DAY));
        post(Ten99PolicyEvents.PROVIDER, cancel).statusCode(200).body("duplicate", org.hamcrest.Matchers.equalTo(true));
    }

    private void seedAssignments(Instant now) {
        assignmentEvent("assignment.active", ids.coveredAssignment(), ids.contractor(), now.minusSeconds(10 * DAY),
                now.plusSeconds(30 * DAY));
        assignmentEvent("assignment.active", ids.expiredAssignment(), ids.contractor(), now.minusSeconds(60 * DAY),
                now.minusSeconds(DAY));
        assignmentEvent("assignment.active", ids.futureAssignment(), ids.contractor(), now.plusSeconds(5 * DAY),
                now.plusSeconds(60 * DAY));
        assignmentEvent("assignment.active", ids.cancelledAssignment(), ids.contractor(), now.minusSeconds(10 * DAY),
                now.plusSeconds(30 * DAY));
        assignmentEvent("assignment.cancelled", ids.cancelledAssignment(), ids.contractor(), now.minusSeconds(10 * DAY),
                now.plusSeconds(30 * DAY));
        assignmentEvent("assignment.active", ids.otherAssignment(), "cn_other" + ids.run(), now.minusSeconds(10 * DAY),
                now.plusSeconds(30 * DAY));
    }

    /** Three events of {@link Ids#typeT}, one of them delivered twice. */
    private void seedEventsOfType(Instant now) {
        for (int i = 0; i < 3; i++) {
            byte[] body = utf8("{\"id\":\"evt_t" + i + ids.run() + "\",\"type\":\"" + ids.typeT() + "\",\"created\":"
                    + now.getEpochSecond() + ",\"data\":{\"id\":\"ob_" + i + ids.run() + "\"}}");
            post(Ten99PolicyEvents.PROVIDER, body).statusCode(200);
            if (i == 0) {
                post(Ten99PolicyEvents.PROVIDER, body).statusCode(200); // a redelivery: not counted twice
            }
        }
    }

    private void policyEvent(String type, String policyId, long created, Instant expiration) {
        post(Ten99PolicyEvents.PROVIDER, policyBody("evt_" + UUID.randomUUID(), type, policyId, created, expiration)).statusCode(200);
    }

    private static byte[] policyBody(String eventId, String type, String policyId, long created, Instant expiration) {
        return utf8("{\"id\":\"" + eventId + "\",\"type\":\"" + type + "\",\"created\":" + created
                + ",\"data\":{\"id\":\"" + policyId + "\",\"object\":\"policy\",\"is_active\":"
                + !type.endsWith("cancelled") + ",\"contractor\":\"cn_any\",\"effective_date\":"
                + (created - DAY) + ",\"expiration_date\":" + expiration.getEpochSecond() + "}}");
    }

    private void assignmentEvent(String type, String assignmentId, String contractorId, Instant effective,
            Instant end) {
        post(Ten99PolicyEvents.PROVIDER, utf8("{\"id\":\"evt_" + UUID.randomUUID() + "\",\"type\":\"" + type + "\",\"created\":"
                + (Instant.now().getEpochSecond() + (type.endsWith("cancelled") ? 1 : 0)) + ",\"data\":{\"id\":\""
                + assignmentId + "\",\"object\":\"assignment\",\"contractor\":\"" + contractorId
                + "\",\"job\":\"jb_" + ids.run() + "\",\"policy\":\"" + ids.activePolicy() + "\",\"effective_date\":"
                + effective.getEpochSecond() + ",\"end_date\":" + end.getEpochSecond() + "}}")).statusCode(200);
    }

    /** received_at has millisecond precision: keep arrivals apart so their order is the index order. */
    private static void pause() {
        try {
            Thread.sleep(5);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while seeding", e);
        }
    }

    Map<String, String> placeholders() {
        Map<String, String> values = new LinkedHashMap<>();
        values.put(Placeholder.POLICY.text, ids.historyPolicy());
        values.put(Placeholder.CONTRACTOR.text, ids.contractor());
        values.put(Placeholder.TYPE.text, ids.typeT());
        values.put(Placeholder.PAYOUT.text, ids.typeT());
        values.put(Placeholder.WEEK_START.text, Attributes.iso(seedStart().minus(Duration.ofSeconds(1))));
        values.put(Placeholder.NOW.text, Attributes.iso(Instant.now()));
        return values;
    }

    // ------------------------------------------------------------------ the doc's commands, run

    record Result(List<Map<String, AttributeValue>> items, int count) {
    }

    Result run(String check) {
        Block block = blocks().get(check);
        assertNotNull(block, "no check block " + check + " in docs/queries.md");
        assertEquals(1, block.local().size(), "one command in check " + check);
        return query(block.local().get(0), placeholders());
    }

    /**
     * A two-step block as the shell runs it: the query's {@code Items} (what {@code --query Items --output json}
     * writes to keys.json: the keys), cut into batches of at most 100 as the doc's jq line does, each spliced into
     * the batch-get-item's {@code --request-items} for {@code $keys} and sent.
     */
    List<Map<String, AttributeValue>> runTwoStep(String check) {
        Block block = blocks().get(check);
        assertNotNull(block, "no check block " + check + " in docs/queries.md");
        assertEquals(2, block.local().size(), "a query and a batch-get-item in check " + check);
        String query = block.local().get(0);
        Map<String, String> queryOptions = QueriesDoc.options(query, "query", placeholders());
        assertEquals("Items", queryOptions.get("--query"), "the first step keeps the items: " + query);
        assertEquals("json", queryOptions.get("--output"), "the first step writes JSON: " + query);
        assertTrue(QueriesDoc.words(query).contains(">"), "the first step writes keys.json: " + query);
        List<Map<String, AttributeValue>> keys = query(query, placeholders()).items();
        assertFalse(keys.isEmpty(), "no keys from " + query);

        Map<String, String> batch = QueriesDoc.options(block.local().get(1), "batch-get-item", placeholders());
        assertEquals(Set.of("--request-items"), batch.keySet(), block.local().get(1));
        String template = batch.get("--request-items");
        assertTrue(template.contains(KEYS_VARIABLE), "the keys go in as " + KEYS_VARIABLE + ": " + template);
        List<Map<String, AttributeValue>> items = new ArrayList<>();
        for (int from = 0; from < keys.size(); from += BATCH_GET_MAX_KEYS) {
            List<Map<String, AttributeValue>> slice = keys.subList(from, Math.min(keys.size(), from + BATCH_GET_MAX_KEYS));
            String requestItems = template.replace(KEYS_VARIABLE, CliRequests.cliJson(slice));
            BatchGetItemResponse answer = dynamo.batchGetItem(BatchGetItemRequest.builder()
                    .requestItems(CliRequests.requestItems(requestItems)).build());
            assertTrue(!answer.hasUnprocessedKeys() || answer.unprocessedKeys().isEmpty(), "unprocessed keys");
            answer.responses().values().forEach(items::addAll);
        }
        return items;
    }

    /** The command as the SDK request the CLI sends, all pages (the CLI paginates and adds up Count too). */
    Result query(String command, Map<String, String> values) {
        data();
        Map<String, String> options = QueriesDoc.options(command, "query", values);
        QueryRequest.Builder request = CliRequests.query(options, command);
        assertTrue(options.containsKey("--index-name"), "a query on an index: " + command);
        List<Map<String, AttributeValue>> items = new ArrayList<>();
        int count = 0;
        Map<String, AttributeValue> start = null;
        do {
            QueryResponse page = dynamo.query(request.exclusiveStartKey(start).build());
            items.addAll(page.items());
            count += page.count();
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null);
        return new Result(items, count);
    }

    Map<String, AttributeValue> getItem(String command) {
        Map<String, String> options = QueriesDoc.options(command, "get-item", placeholders());
        assertEquals(Set.of("--table-name", "--key"), options.keySet(), command);
        Map<String, AttributeValue> item = dynamo.getItem(GetItemRequest.builder().tableName(options.get("--table-name"))
                .key(CliRequests.attributeMap(options.get("--key"))).consistentRead(true).build()).item();
        assertFalse(item.isEmpty(), "no item for " + command);
        return item;
    }

    // ------------------------------------------------------------------ small helpers

    static Set<String> ids(List<Map<String, AttributeValue>> items, String key) {
        return items.stream().map(i -> s(i, key)).collect(Collectors.toCollection(LinkedHashSet::new));
    }

    static Map<String, AttributeValue> find(List<Map<String, AttributeValue>> items, String key, String id) {
        return items.stream().filter(i -> id.equals(s(i, key))).findFirst()
                .orElseThrow(() -> new AssertionError(id + " not in " + ids(items, key)));
    }
}
