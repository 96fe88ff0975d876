package io.policywebhooks.store;

import static io.policywebhooks.Webhooks.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.policywebhooks.DynaliteResource;
import io.policywebhooks.LogCapture;
import io.policywebhooks.verticalinsure.VerticalInsureSigner;
import io.quarkus.test.junit.QuarkusTest;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.Select;

/**
 * Runs the analysts' queries of {@code docs/queries.md} against dynalite, on data seeded through the real HTTP path.
 *
 * <p>Every {@code aws dynamodb query|get-item} command with {@code --endpoint-url} in the doc sits in a block marked
 * {@code <!-- check: NAME -->}. The test reads the doc, replaces the placeholders ({@link #placeholders}) with its
 * own ids and times, turns the command's arguments into the same SDK request, runs it and checks the answer for
 * that NAME. A wrong index, attribute, expression or placeholder in the doc fails here. It also checks the deployed
 * twin of each command, the PartiQL statements' index and key names, and the signature-rejection sources.
 */
@QuarkusTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AnalystQueriesTest {
    static final Path DOC = Path.of("docs", "queries.md");
    static final String LOCAL_ENDPOINT = "http://127.0.0.1:8000";
    // The doc's placeholders, replaced in the commands by this run's values.
    static final String POLICY_PLACEHOLDER = "pl_XXXX";
    static final String CONTRACTOR_PLACEHOLDER = "cn_XXXX";
    static final String TYPE_PLACEHOLDER = "policy.cancelled";
    static final String WEEK_START_PLACEHOLDER = "2026-11-23T00:00:00.000Z";
    static final String NOW_PLACEHOLDER = "2026-11-26T12:00:00.000Z";

    static final Set<String> CHECKS = Set.of("active-policies", "active-unexpired-policies", "policy-history",
            "policy-history-full", "policy-state", "contractor-assignments", "contractor-covered-assignments",
            "events-of-type-this-week", "deliveries-of-type");
    /** The shell variable the two-step blocks splice the first step's keys into (at most 100 per batch). */
    static final String SECRETS_VARIABLE = "$keys";
    static final int BATCH_GET_MAX_KEYS = 100;
    /** The event type section 4b shows; the test counts its own type under it. */
    static final String PAYOUT_PLACEHOLDER = "payout_report_published";

    static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    DynamoDbClient dynamo;

    final String run = UUID.randomUUID().toString().replace("-", "").substring(0, 10);
    // Policies: active, active but expired, cancelled (after active), Vertical Insure active; one with a history.
    final String activePolicy = "pl_act" + run;
    final String expiredPolicy = "pl_exp" + run;
    final String cancelledPolicy = "pl_can" + run;
    final String viPolicy = UUID.randomUUID().toString();
    final String historyPolicy = "pl_his" + run;
    // One contractor's assignments: covered, expired, not yet started, cancelled; and another contractor's.
    final String contractor = "cn_" + run;
    final String coveredAssignment = "an_cov" + run;
    final String expiredAssignment = "an_exp" + run;
    final String futureAssignment = "an_fut" + run;
    final String cancelledAssignment = "an_can" + run;
    final String otherAssignment = "an_oth" + run;
    // An event type of this run only, so the count is exact on the shared dynalite.
    final String typeT = "analyst.counted_" + run;

    Instant seedStart;
    Instant seedEnd;
    String doc;
    Map<String, Block> blocks;

    /** Once per class (one instance): RestAssured knows the application's port only from the first test on. */
    @BeforeEach
    void seedThroughTheHttpPathAndReadTheDoc() throws Exception {
        if (doc != null) {
            return;
        }
        seedStart = Instant.now();
        Instant now = seedStart;
        long day = 86_400;

        policyEvent("policy.active", activePolicy, now.getEpochSecond() - 100, now.plusSeconds(30 * day));
        policyEvent("policy.active", expiredPolicy, now.getEpochSecond() - 100, now.minusSeconds(day));
        policyEvent("policy.active", cancelledPolicy, now.getEpochSecond() - 200, now.plusSeconds(30 * day));
        policyEvent("policy.cancelled", cancelledPolicy, now.getEpochSecond() - 100, now.plusSeconds(30 * day));
        byte[] vi = utf8("{\"event\":\"policy_bind_complete\",\"webhook\":\"https://example.com/hook\",\"data\":{"
                + "\"id\":\"" + viPolicy + "\",\"policy_status\":\"ACTIVE\",\"is_test\":true,"
                + "\"expiration_date\":\"" + Attributes.iso(now.plusSeconds(60 * day)) + "\"}}");
        postVerticalInsure(vi).statusCode(200);

        // History: active, cancelled, then a late active.media created before the cancel (stored, state untouched),
        // and a redelivery of the cancel (not stored again).
        policyEvent("policy.active", historyPolicy, now.getEpochSecond() - 300, now.plusSeconds(30 * day));
        pause();
        byte[] cancel = policyBody("evt_hc" + run, "policy.cancelled", historyPolicy, now.getEpochSecond() - 100,
                now.plusSeconds(30 * day));
        post1099(cancel).statusCode(200);
        pause();
        policyEvent("policy.active.media", historyPolicy, now.getEpochSecond() - 200, now.plusSeconds(30 * day));
        post1099(cancel).statusCode(200).body("duplicate", org.hamcrest.Matchers.equalTo(true));

        assignmentEvent("assignment.active", coveredAssignment, contractor, now.minusSeconds(10 * day),
                now.plusSeconds(30 * day));
        assignmentEvent("assignment.active", expiredAssignment, contractor, now.minusSeconds(60 * day),
                now.minusSeconds(day));
        assignmentEvent("assignment.active", futureAssignment, contractor, now.plusSeconds(5 * day),
                now.plusSeconds(60 * day));
        assignmentEvent("assignment.active", cancelledAssignment, contractor, now.minusSeconds(10 * day),
                now.plusSeconds(30 * day));
        assignmentEvent("assignment.cancelled", cancelledAssignment, contractor, now.minusSeconds(10 * day),
                now.plusSeconds(30 * day));
        assignmentEvent("assignment.active", otherAssignment, "cn_other" + run, now.minusSeconds(10 * day),
                now.plusSeconds(30 * day));

        for (int i = 0; i < 3; i++) {
            byte[] body = utf8("{\"id\":\"evt_t" + i + run + "\",\"type\":\"" + typeT + "\",\"created\":"
                    + now.getEpochSecond() + ",\"data\":{\"id\":\"ob_" + i + run + "\"}}");
            post1099(body).statusCode(200);
            if (i == 0) {
                post1099(body).statusCode(200); // a redelivery: not counted twice
            }
        }
        pause();
        seedEnd = Instant.now();

        assertTrue(Files.isRegularFile(DOC), "docs/queries.md not found from " + Path.of("").toAbsolutePath());
        doc = Files.readString(DOC, StandardCharsets.UTF_8);
        blocks = checkedBlocks(doc);
    }

    // ------------------------------------------------------------------ the doc's queries, run

    @Test
    void everyLocalCommandInTheDocIsChecked() {
        assertEquals(CHECKS, blocks.keySet(), "check blocks in docs/queries.md");
        List<String> all = commands(doc);
        long local = all.stream().filter(c -> c.contains("--endpoint-url")).count();
        long checked = blocks.values().stream().mapToLong(b -> b.local().size()).sum();
        assertEquals(checked, local, "every local aws dynamodb command sits in a check block: " + all);
        assertFalse(doc.contains("dynamodb scan"), "the analysts' queries use indexes, never a scan");
    }

    @Test
    void activePolicies() {
        Set<String> ids = ids(run("active-policies").items(), Tables.POLICY_ID);
        assertTrue(ids.containsAll(Set.of(activePolicy, expiredPolicy, viPolicy)), ids.toString());
        assertFalse(ids.contains(cancelledPolicy), "cancelled policy listed as active");
        assertFalse(ids.contains(historyPolicy), "cancelled policy listed as active");
        Map<String, AttributeValue> item = find(run("active-policies").items(), Tables.POLICY_ID, activePolicy);
        assertNotNull(s(item, "expiration_date"), "projection keeps expiration_date: " + item);
        assertFalse(item.containsKey(Tables.LAST_EVENT_ORDER), "projection applied: " + item);
    }

    @Test
    void activeUnexpiredPolicies() {
        Set<String> ids = ids(run("active-unexpired-policies").items(), Tables.POLICY_ID);
        assertTrue(ids.containsAll(Set.of(activePolicy, viPolicy)), ids.toString());
        assertFalse(ids.contains(expiredPolicy), "expired policy listed: " + ids);
        assertFalse(ids.contains(cancelledPolicy), "cancelled policy listed: " + ids);
    }

    @Test
    void policyHistoryInArrivalOrder() {
        List<Map<String, AttributeValue>> items = run("policy-history").items();
        assertEquals(List.of("policy.active", "policy.cancelled", "policy.active.media"),
                items.stream().map(i -> s(i, Tables.TYPE)).toList(), "history of " + historyPolicy);
        for (Map<String, AttributeValue> item : items) {
            assertNotNull(s(item, Tables.RECEIVED_AT), item.toString());
            assertNotNull(s(item, Tables.CREATED_AT), item.toString());
            assertTrue(s(item, Tables.EVENT_ID).startsWith("1099policy#"), item.toString());
            assertFalse(item.containsKey(Tables.RAW_BODY), "projection applied: " + item);
        }
    }

    /** 2b: the index holds no body, so the doc fetches the full events by key from the ids the index gives. */
    @Test
    void policyHistoryInFullByKey() {
        List<Map<String, AttributeValue>> items = runTwoStep("policy-history-full");
        assertEquals(Set.of("policy.active", "policy.cancelled", "policy.active.media"),
                items.stream().map(i -> s(i, Tables.TYPE)).collect(Collectors.toSet()), "history of " + historyPolicy);
        for (Map<String, AttributeValue> item : items) {
            assertTrue(s(item, Tables.RAW_BODY).contains(historyPolicy), "raw body by key: " + item);
            assertNotNull(item.get(Tables.PAYLOAD), "parsed payload by key: " + item);
        }
        // ... and the index alone does not have them: asked for everything, it answers what it projects.
        List<Map<String, AttributeValue>> fromIndex = dynamo.query(QueryRequest.builder()
                .tableName(DynaliteResource.TABLES.events()).indexName(Tables.EVENTS_BY_OBJECT)
                .keyConditionExpression("object_id = :id")
                .expressionAttributeValues(Map.of(":id", AttributeValue.fromS(historyPolicy))).build()).items();
        assertEquals(3, fromIndex.size());
        fromIndex.forEach(i -> assertFalse(i.containsKey(Tables.RAW_BODY) || i.containsKey(Tables.PAYLOAD),
                "the index projects no body: " + i));
    }

    /**
     * Each index answers with its keys and projected attributes only, as DynamoDB does for a projection other than
     * ALL (dynalite stores the projected entry, so it behaves the same): the doc's queries ask for nothing more.
     */
    @Test
    void eachIndexHoldsOnlyItsProjection() {
        Map<String, Map<String, String>> partitions = Map.of(
                Tables.EVENTS_BY_OBJECT, Map.of(Tables.OBJECT_ID, historyPolicy),
                Tables.EVENTS_BY_TYPE, Map.of(Tables.TYPE, typeT),
                Tables.POLICIES_BY_STATUS, Map.of(Tables.STATUS, "ACTIVE"),
                Tables.ASSIGNMENTS_BY_CONTRACTOR, Map.of(Tables.CONTRACTOR, contractor),
                Tables.ASSIGNMENTS_BY_JOB, Map.of(Tables.JOB, "jb_" + run));
        for (CreateTableRequest table : Tables.all(DynaliteResource.TABLES)) {
            for (GlobalSecondaryIndex index : table.globalSecondaryIndexes()) {
                Set<String> allowed = new java.util.HashSet<>();
                allowed.add(table.keySchema().get(0).attributeName());
                index.keySchema().forEach(k -> allowed.add(k.attributeName()));
                assertTrue(index.projection().projectionType() != software.amazon.awssdk.services.dynamodb.model
                        .ProjectionType.ALL, index.indexName() + " projects ALL");
                if (index.projection().hasNonKeyAttributes()) {
                    allowed.addAll(index.projection().nonKeyAttributes());
                }
                Map.Entry<String, String> partition = partitions.get(index.indexName()).entrySet().iterator().next();
                List<Map<String, AttributeValue>> items = dynamo.query(QueryRequest.builder()
                        .tableName(table.tableName()).indexName(index.indexName())
                        .keyConditionExpression("#k = :v").expressionAttributeNames(Map.of("#k", partition.getKey()))
                        .expressionAttributeValues(Map.of(":v", AttributeValue.fromS(partition.getValue())))
                        .build()).items();
                assertFalse(items.isEmpty(), "nothing in " + index.indexName() + " for " + partition);
                for (Map<String, AttributeValue> item : items) {
                    assertTrue(allowed.containsAll(item.keySet()), index.indexName() + " answered " + item.keySet()
                            + ", projects " + allowed);
                }
            }
        }
    }

    @Test
    void policyState() {
        Map<String, AttributeValue> item = getItem(blocks.get("policy-state").local().get(0));
        assertEquals("CANCELLED", s(item, Tables.STATUS), item.toString());
        assertEquals("policy.cancelled", s(item, Tables.LAST_EVENT_TYPE));
    }

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

    @Test
    void eventsOfTypeThisWeek() {
        assertEquals(3, run("events-of-type-this-week").count(), "events of " + typeT + " since " + seedStart);
        // The week boundary is a real key condition: from after the seeding, nothing.
        Map<String, String> later = placeholders();
        later.put(WEEK_START_PLACEHOLDER, Attributes.iso(seedEnd.plusSeconds(1)));
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

    // ------------------------------------------------------------------ the rest of the doc, checked

    @Test
    void deployedCommandsAreTheLocalOnesAgainstTheStackTables() {
        Map<String, String> variables = Map.of(
                DynaliteResource.TABLES.events(), "$EVENTS_TABLE",
                DynaliteResource.TABLES.policies(), "$POLICIES_TABLE",
                DynaliteResource.TABLES.assignments(), "$ASSIGNMENTS_TABLE");
        for (Map.Entry<String, Block> entry : blocks.entrySet()) {
            List<String> locals = entry.getValue().local();
            List<String> deployeds = entry.getValue().deployed();
            assertEquals(locals.size(), deployeds.size(), "a deployed command for each local one in check "
                    + entry.getKey());
            for (int c = 0; c < locals.size(); c++) {
                List<String> expected = new ArrayList<>();
                List<String> local = words(locals.get(c));
                for (int i = 0; i < local.size(); i++) {
                    if (local.get(i).equals("--endpoint-url")) {
                        i++;
                    } else {
                        String word = local.get(i);
                        for (Map.Entry<String, String> table : variables.entrySet()) {
                            // a table name as a whole word, or as the key of --request-items' JSON
                            word = word.equals(table.getKey()) ? table.getValue()
                                    : word.replace("\"" + table.getKey() + "\"", "\"" + table.getValue() + "\"");
                        }
                        expected.add(word);
                    }
                }
                assertEquals(expected, words(deployeds.get(c)), "deployed twin of " + entry.getKey());
            }
        }
        for (String output : new String[] {"EventsTableName", "PoliciesTableName", "AssignmentsTableName",
                "FunctionLogGroupName"}) {
            assertTrue(doc.contains("out " + output + ")"), "doc reads " + output);
            assertTrue(template().contains("  " + output + ":"), "template has output " + output);
        }
        assertTrue(doc.contains("--stack-name " + stackName()), "doc uses the samconfig stack name");
    }

    @Test
    void partiqlStatementsReadAnIndexByItsPartitionKey() {
        Map<String, CreateTableRequest> tables = new HashMap<>();
        List<CreateTableRequest> all = Tables.all(DynaliteResource.TABLES);
        tables.put("EventsTableName", all.get(0));
        tables.put("PoliciesTableName", all.get(1));
        tables.put("AssignmentsTableName", all.get(2));
        Pattern from = Pattern.compile(
                "FROM \"<(\\w+)>\"(?:\\.\"([^\"]+)\")?\\s+WHERE\\s+\"?(\\w+)\"?\\s*(?:=|IN \\[)");
        Matcher m = from.matcher(doc);
        int statements = 0;
        while (m.find()) {
            statements++;
            CreateTableRequest table = tables.get(m.group(1));
            assertNotNull(table, "unknown table placeholder <" + m.group(1) + ">");
            String partitionKey;
            if (m.group(2) == null) { // the table itself: must be a key lookup
                partitionKey = table.keySchema().get(0).attributeName();
            } else {
                GlobalSecondaryIndex index = table.globalSecondaryIndexes().stream()
                        .filter(i -> i.indexName().equals(m.group(2))).findFirst()
                        .orElseThrow(() -> new AssertionError(m.group(2) + " is no index of <" + m.group(1) + ">"));
                partitionKey = index.keySchema().stream().filter(k -> k.keyType() == KeyType.HASH).findFirst()
                        .orElseThrow().attributeName();
            }
            assertEquals(partitionKey, m.group(3), "first WHERE condition must be the partition key: " + m.group());
        }
        assertEquals(countOf(doc, "FROM \"<"), statements, "every PartiQL statement reads by a partition key");
        assertTrue(statements >= 6, "PartiQL statements found: " + statements);
    }

    @Test
    void signatureRejectionsAreLoggedForTheInsightsQueryAndTheMetricAndNotStored() throws Exception {
        String objectId = UUID.randomUUID().toString();
        byte[] body = utf8("{\"event\":\"policy_bind_complete\",\"data\":{\"id\":\"" + objectId + "\"}}");
        List<String> lines;
        try (LogCapture capture = new LogCapture()) {
            postVerticalInsure(body, VerticalInsureSigner.sign("not-the-key", body)).statusCode(401);
            lines = capture.requestLines();
        }
        assertEquals(1, lines.size(), lines.toString());
        JsonNode line = JSON.readTree(lines.get(0));
        // What the doc's Logs Insights query filters and groups on, and the template's metric filter pattern.
        assertTrue(doc.contains("filter outcome = \"rejected\""), "Insights filter in the doc");
        assertTrue(doc.contains("stats count(*) as rejections by provider, reason"), "Insights stats in the doc");
        assertEquals("rejected", line.get("outcome").asText(), line.toString());
        assertEquals(401, line.get("status").asInt());
        assertEquals("vertical-insure", line.get("provider").asText());
        assertEquals("signature mismatch", line.get("reason").asText());
        // The line is also the metric (EMF): the doc's get-metric-statistics reads Deliveries by provider and outcome
        // in the line's (default) namespace.
        JsonNode directive = line.path("_aws").path("CloudWatchMetrics").path(0);
        assertEquals("[[\"provider\",\"outcome\"],[\"provider\"]]", directive.path("Dimensions").toString());
        assertEquals(1, line.get("Deliveries").asInt());
        assertTrue(doc.contains("--namespace " + directive.path("Namespace").asText() + " --metric-name Deliveries"),
                "doc's get-metric-statistics uses the line's namespace and metric");
        assertTrue(doc.contains("--dimensions Name=provider,Value=\"$provider\" Name=outcome,Value=rejected"),
                "doc's get-metric-statistics selects the rejections by their dimensions");
        // Nothing stored: the object's history is empty.
        Map<String, String> values = placeholders();
        values.put(POLICY_PLACEHOLDER, objectId);
        assertEquals(0, query(blocks.get("policy-history").local().get(0), values).items().size());
    }

    // ------------------------------------------------------------------ seeding

    void policyEvent(String type, String policyId, long created, Instant expiration) {
        post1099(policyBody("evt_" + UUID.randomUUID(), type, policyId, created, expiration)).statusCode(200);
    }

    static byte[] policyBody(String eventId, String type, String policyId, long created, Instant expiration) {
        return utf8("{\"id\":\"" + eventId + "\",\"type\":\"" + type + "\",\"created\":" + created
                + ",\"data\":{\"id\":\"" + policyId + "\",\"object\":\"policy\",\"is_active\":"
                + !type.endsWith("cancelled") + ",\"contractor\":\"cn_any\",\"effective_date\":"
                + (created - 86_400) + ",\"expiration_date\":" + expiration.getEpochSecond() + "}}");
    }

    void assignmentEvent(String type, String assignmentId, String contractorId, Instant effective, Instant end) {
        post1099(utf8("{\"id\":\"evt_" + UUID.randomUUID() + "\",\"type\":\"" + type + "\",\"created\":"
                + (Instant.now().getEpochSecond() + (type.endsWith("cancelled") ? 1 : 0)) + ",\"data\":{\"id\":\""
                + assignmentId + "\",\"object\":\"assignment\",\"contractor\":\"" + contractorId
                + "\",\"job\":\"jb_" + run + "\",\"policy\":\"" + activePolicy + "\",\"effective_date\":"
                + effective.getEpochSecond() + ",\"end_date\":" + end.getEpochSecond() + "}}")).statusCode(200);
    }

    /** received_at has millisecond precision: keep arrivals apart so their order is the index order. */
    static void pause() throws InterruptedException {
        Thread.sleep(5);
    }

    // ------------------------------------------------------------------ the doc, read

    /** A check block's local commands and their deployed twins, in order (a two-step block has two of each). */
    record Block(List<String> local, List<String> deployed) {
    }

    Map<String, String> placeholders() {
        Map<String, String> values = new LinkedHashMap<>();
        values.put(POLICY_PLACEHOLDER, historyPolicy);
        values.put(CONTRACTOR_PLACEHOLDER, contractor);
        values.put(TYPE_PLACEHOLDER, typeT);
        values.put(PAYOUT_PLACEHOLDER, typeT);
        values.put(WEEK_START_PLACEHOLDER, Attributes.iso(seedStart.minus(Duration.ofSeconds(1))));
        values.put(NOW_PLACEHOLDER, Attributes.iso(Instant.now()));
        return values;
    }

    /** The fenced block after each {@code <!-- check: NAME -->}: its local and its deployed aws command. */
    static Map<String, Block> checkedBlocks(String doc) {
        Map<String, Block> blocks = new LinkedHashMap<>();
        Matcher m = Pattern.compile("<!-- check: ([\\w-]+) -->\\s*```bash\\n(.*?)```", Pattern.DOTALL).matcher(doc);
        while (m.find()) {
            List<String> local = new ArrayList<>();
            List<String> deployed = new ArrayList<>();
            for (String command : commands(m.group(2))) {
                (command.contains("--endpoint-url") ? local : deployed).add(command);
            }
            assertFalse(local.isEmpty(), "no local command in check " + m.group(1));
            assertTrue(local.size() <= 2, "one command, or a query and its batch-get-item, in check " + m.group(1));
            assertEquals(null, blocks.put(m.group(1), new Block(local, deployed)), "check " + m.group(1) + " twice");
        }
        return blocks;
    }

    /** Every {@code aws dynamodb ...} command in the text, continuation lines joined. */
    static List<String> commands(String text) {
        List<String> commands = new ArrayList<>();
        StringBuilder current = null;
        for (String line : text.split("\n")) {
            String trimmed = line.strip();
            if (current == null && trimmed.startsWith("aws dynamodb ")) {
                current = new StringBuilder();
            }
            if (current != null) {
                boolean continued = trimmed.endsWith("\\");
                current.append(continued ? trimmed.substring(0, trimmed.length() - 1) : trimmed).append(' ');
                if (!continued) {
                    commands.add(current.toString().strip());
                    current = null;
                }
            }
        }
        return commands;
    }

    /** Shell words: single quotes literal, double quotes with backslash escapes; variables are kept as text. */
    static List<String> words(String command) {
        List<String> words = new ArrayList<>();
        StringBuilder word = null;
        for (int i = 0; i < command.length(); i++) {
            char c = command.charAt(i);
            if (Character.isWhitespace(c)) {
                if (word != null) {
                    words.add(word.toString());
                    word = null;
                }
                continue;
            }
            if (word == null) {
                word = new StringBuilder();
            }
            if (c == '\'') {
                int end = command.indexOf('\'', i + 1);
                assertTrue(end > 0, "unclosed ' in " + command);
                word.append(command, i + 1, end);
                i = end;
            } else if (c == '"') {
                for (i++; i < command.length() && command.charAt(i) != '"'; i++) {
                    if (command.charAt(i) == '\\' && i + 1 < command.length()) {
                        i++;
                    }
                    word.append(command.charAt(i));
                }
                assertTrue(i < command.length(), "unclosed \" in " + command);
            } else if (c == '\\' && i + 1 < command.length()) {
                word.append(command.charAt(++i));
            } else {
                word.append(c);
            }
        }
        if (word != null) {
            words.add(word.toString());
        }
        return words;
    }

    /** The command's options after {@code aws dynamodb <operation>}, with placeholders replaced. */
    static Map<String, String> options(String command, String operation, Map<String, String> values) {
        List<String> words = words(command);
        assertEquals(List.of("aws", "dynamodb", operation), words.subList(0, 3), command);
        Map<String, String> options = new LinkedHashMap<>();
        for (int i = 3; i < words.size(); i++) {
            String name = words.get(i);
            if (name.equals(">")) { // the first step writes its answer to a file: nothing after is an option
                assertEquals(i + 2, words.size(), "one file after > in " + command);
                break;
            }
            assertTrue(name.startsWith("--"), "not an option: " + name + " in " + command);
            if (name.equals("--scan-index-forward") || name.equals("--no-scan-index-forward")) {
                options.put(name, "");
                continue;
            }
            assertTrue(i + 1 < words.size(), name + " has no value in " + command);
            String value = words.get(++i);
            for (Map.Entry<String, String> placeholder : values.entrySet()) {
                value = value.replace(placeholder.getKey(), placeholder.getValue());
            }
            assertEquals(null, options.put(name, value), name + " twice in " + command);
        }
        assertEquals(LOCAL_ENDPOINT, options.remove("--endpoint-url"), "local endpoint of " + command);
        if (!operation.equals("batch-get-item")) {
            String table = options.get("--table-name");
            assertTrue(Set.of(DynaliteResource.TABLES.events(), DynaliteResource.TABLES.policies(),
                    DynaliteResource.TABLES.assignments()).contains(table), "local table name " + table);
        }
        return options;
    }

    record Result(List<Map<String, AttributeValue>> items, int count) {
    }

    Result run(String check) {
        Block block = blocks.get(check);
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
        Block block = blocks.get(check);
        assertNotNull(block, "no check block " + check + " in docs/queries.md");
        assertEquals(2, block.local().size(), "a query and a batch-get-item in check " + check);
        String query = block.local().get(0);
        Map<String, String> queryOptions = options(query, "query", placeholders());
        assertEquals("Items", queryOptions.get("--query"), "the first step keeps the items: " + query);
        assertEquals("json", queryOptions.get("--output"), "the first step writes JSON: " + query);
        assertTrue(words(query).contains(">"), "the first step writes keys.json: " + query);
        List<Map<String, AttributeValue>> keys = query(query, placeholders()).items();
        assertFalse(keys.isEmpty(), "no keys from " + query);

        Map<String, String> batch = options(block.local().get(1), "batch-get-item", placeholders());
        assertEquals(Set.of("--request-items"), batch.keySet(), block.local().get(1));
        String template = batch.get("--request-items");
        assertTrue(template.contains(SECRETS_VARIABLE), "the keys go in as " + SECRETS_VARIABLE + ": " + template);
        List<Map<String, AttributeValue>> items = new ArrayList<>();
        for (int from = 0; from < keys.size(); from += BATCH_GET_MAX_KEYS) {
            List<Map<String, AttributeValue>> slice = keys.subList(from, Math.min(keys.size(), from + BATCH_GET_MAX_KEYS));
            JsonNode requestItems = readJson(template.replace(SECRETS_VARIABLE, cliJson(slice)));
            Map<String, KeysAndAttributes> request = new HashMap<>();
            requestItems.fields().forEachRemaining(table -> {
                KeysAndAttributes.Builder read = KeysAndAttributes.builder();
                table.getValue().fields().forEachRemaining(field -> {
                    switch (field.getKey()) {
                        case "Keys" -> {
                            List<Map<String, AttributeValue>> batchKeys = new ArrayList<>();
                            field.getValue().forEach(k -> batchKeys.add(attributeMap(k.toString())));
                            read.keys(batchKeys);
                        }
                        case "ProjectionExpression" -> read.projectionExpression(field.getValue().asText());
                        case "ExpressionAttributeNames" -> read.expressionAttributeNames(
                                names(field.getValue().toString()));
                        default -> fail("request-items field not translated: " + field.getKey());
                    }
                });
                request.put(table.getKey(), read.build());
            });
            BatchGetItemResponse answer = dynamo.batchGetItem(BatchGetItemRequest.builder().requestItems(request)
                    .build());
            assertTrue(!answer.hasUnprocessedKeys() || answer.unprocessedKeys().isEmpty(), "unprocessed keys");
            answer.responses().values().forEach(items::addAll);
        }
        return items;
    }

    /** Items as the CLI prints them in DynamoDB JSON ({@code [{"event_id":{"S":"..."}}]}). */
    static String cliJson(List<Map<String, AttributeValue>> items) {
        com.fasterxml.jackson.databind.node.ArrayNode array = JSON.createArrayNode();
        for (Map<String, AttributeValue> item : items) {
            com.fasterxml.jackson.databind.node.ObjectNode object = array.addObject();
            item.forEach((name, value) -> {
                assertNotNull(value.s(), "a key that is not a string: " + item);
                object.putObject(name).put("S", value.s());
            });
        }
        return array.toString();
    }

    /** The command as the SDK request the CLI sends, all pages (the CLI paginates and adds up Count too). */
    Result query(String command, Map<String, String> values) {
        Map<String, String> options = options(command, "query", values);
        QueryRequest.Builder request = QueryRequest.builder();
        for (Map.Entry<String, String> option : options.entrySet()) {
            String value = option.getValue();
            switch (option.getKey()) {
                case "--table-name" -> request.tableName(value);
                case "--index-name" -> request.indexName(value);
                case "--key-condition-expression" -> request.keyConditionExpression(value);
                case "--filter-expression" -> request.filterExpression(value);
                case "--projection-expression" -> request.projectionExpression(value);
                case "--expression-attribute-names" -> request.expressionAttributeNames(names(value));
                case "--expression-attribute-values" -> request.expressionAttributeValues(attributeMap(value));
                case "--select" -> {
                    Select select = Select.fromValue(value);
                    assertTrue(select != Select.UNKNOWN_TO_SDK_VERSION, "--select " + value);
                    request.select(select);
                }
                case "--query", "--output" -> {
                    // the CLI's own: which part of the answer to print, and how (the request is the same)
                }
                case "--scan-index-forward" -> request.scanIndexForward(true);
                case "--no-scan-index-forward" -> request.scanIndexForward(false);
                default -> fail("option not translated: " + option.getKey() + " in " + command);
            }
        }
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
        Map<String, String> options = options(command, "get-item", placeholders());
        assertEquals(Set.of("--table-name", "--key"), options.keySet(), command);
        Map<String, AttributeValue> item = dynamo.getItem(GetItemRequest.builder().tableName(options.get("--table-name"))
                .key(attributeMap(options.get("--key"))).consistentRead(true).build()).item();
        assertFalse(item.isEmpty(), "no item for " + command);
        return item;
    }

    static Map<String, String> names(String json) {
        Map<String, String> names = new HashMap<>();
        readJson(json).fields().forEachRemaining(e -> names.put(e.getKey(), e.getValue().textValue()));
        return names;
    }

    static Map<String, AttributeValue> attributeMap(String json) {
        Map<String, AttributeValue> map = new HashMap<>();
        readJson(json).fields().forEachRemaining(e -> map.put(e.getKey(), attribute(e.getValue())));
        return map;
    }

    /** DynamoDB JSON as the CLI reads it: {"S": ...}, {"N": ...}, {"BOOL": ...}, {"NULL": true}, {"L"/"M": ...}. */
    static AttributeValue attribute(JsonNode node) {
        assertEquals(1, node.size(), "one type per value: " + node);
        Map.Entry<String, JsonNode> typed = node.fields().next();
        JsonNode v = typed.getValue();
        return switch (typed.getKey()) {
            case "S" -> AttributeValue.fromS(v.textValue());
            case "N" -> AttributeValue.fromN(v.textValue());
            case "BOOL" -> AttributeValue.fromBool(v.booleanValue());
            case "NULL" -> AttributeValue.fromNul(v.booleanValue());
            case "L" -> {
                List<AttributeValue> list = new ArrayList<>();
                v.forEach(e -> list.add(attribute(e)));
                yield AttributeValue.fromL(list);
            }
            case "M" -> {
                Map<String, AttributeValue> map = new HashMap<>();
                v.fields().forEachRemaining(e -> map.put(e.getKey(), attribute(e.getValue())));
                yield AttributeValue.fromM(map);
            }
            default -> throw new AssertionError("attribute type not translated: " + typed.getKey());
        };
    }

    static JsonNode readJson(String json) {
        try {
            JsonNode node = JSON.readTree(json);
            assertTrue(node != null && node.isObject(), "not a JSON object: " + json);
            return node;
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + json, e);
        }
    }

    // ------------------------------------------------------------------ small helpers

    static Set<String> ids(List<Map<String, AttributeValue>> items, String key) {
        return items.stream().map(i -> s(i, key)).collect(Collectors.toCollection(LinkedHashSet::new));
    }

    static Map<String, AttributeValue> find(List<Map<String, AttributeValue>> items, String key, String id) {
        return items.stream().filter(i -> id.equals(s(i, key))).findFirst()
                .orElseThrow(() -> new AssertionError(id + " not in " + ids(items, key)));
    }

    static int countOf(String text, String part) {
        int count = 0;
        for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) {
            count++;
        }
        return count;
    }

    static String template() {
        try {
            return Files.readString(Path.of("template.yaml"), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new AssertionError("template.yaml", e);
        }
    }

    static String stackName() {
        try {
            Matcher m = Pattern.compile("stack_name = \"([^\"]+)\"")
                    .matcher(Files.readString(Path.of("samconfig.toml"), StandardCharsets.UTF_8));
            assertTrue(m.find(), "stack_name in samconfig.toml");
            return m.group(1);
        } catch (IOException e) {
            throw new AssertionError("samconfig.toml", e);
        }
    }
}
