package io.policywebhooks.store;

import static io.policywebhooks.Webhooks.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.policywebhooks.DynaliteResource;
import io.policywebhooks.LogCapture;
import io.policywebhooks.store.QueriesDoc.Block;
import io.policywebhooks.verticalinsure.VerticalInsureSigner;
import io.quarkus.test.junit.QuarkusTest;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;

/**
 * Runs the analysts' queries of {@code docs/queries.md} against dynalite, on data seeded through the real HTTP path
 * ({@link AnalystQueryFixture}), and checks the answer of each check block; also the deployed twin of each command,
 * the PartiQL statements' index and key names, and the signature-rejection sources.
 */
@QuarkusTest
class AnalystQueriesTest extends AnalystQueryFixture {
    static final Set<String> CHECKS = Set.of("active-policies", "active-unexpired-policies", "policy-history",
            "policy-history-full", "policy-state", "contractor-assignments", "contractor-covered-assignments",
            "events-of-type-this-week", "deliveries-of-type");

    @Test
    void everyLocalCommandInTheDocIsChecked() {
        assertEquals(CHECKS, blocks.keySet(), "check blocks in docs/queries.md");
        List<String> all = QueriesDoc.commands(doc);
        long local = all.stream().filter(c -> c.contains("--endpoint-url")).count();
        long checked = blocks.values().stream().mapToLong(b -> b.local().size()).sum();
        assertEquals(checked, local, "every local aws dynamodb command sits in a check block: " + all);
        assertFalse(doc.contains("dynamodb scan"), "the analysts' queries use indexes, never a scan");
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
                Set<String> allowed = new HashSet<>();
                allowed.add(table.keySchema().get(0).attributeName());
                index.keySchema().forEach(k -> allowed.add(k.attributeName()));
                assertTrue(index.projection().projectionType() != ProjectionType.ALL,
                        index.indexName() + " projects ALL");
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
    void deployedCommandsAreTheLocalOnesAgainstTheStackTables() {
        for (Map.Entry<String, Block> entry : blocks.entrySet()) {
            List<String> locals = entry.getValue().local();
            List<String> deployeds = entry.getValue().deployed();
            assertEquals(locals.size(), deployeds.size(), "a deployed command for each local one in check "
                    + entry.getKey());
            for (int c = 0; c < locals.size(); c++) {
                assertEquals(deployedWords(locals.get(c)), QueriesDoc.words(deployeds.get(c)),
                        "deployed twin of " + entry.getKey());
            }
        }
        for (String output : new String[] {"EventsTableName", "PoliciesTableName", "AssignmentsTableName",
                "FunctionLogGroupName"}) {
            assertTrue(doc.contains("out " + output + ")"), "doc reads " + output);
            assertTrue(template().contains("  " + output + ":"), "template has output " + output);
        }
        assertTrue(doc.contains("--stack-name " + stackName()), "doc uses the samconfig stack name");
    }

    /** A local command's words as its deployed twin has them: no --endpoint-url, a table variable for each table. */
    private static List<String> deployedWords(String localCommand) {
        Map<String, String> variables = Map.of(
                DynaliteResource.TABLES.events(), "$EVENTS_TABLE",
                DynaliteResource.TABLES.policies(), "$POLICIES_TABLE",
                DynaliteResource.TABLES.assignments(), "$ASSIGNMENTS_TABLE");
        List<String> expected = new ArrayList<>();
        List<String> local = QueriesDoc.words(localCommand);
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
        return expected;
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

    @Test
    void policyState() {
        Map<String, AttributeValue> item = getItem(blocks.get("policy-state").local().get(0));
        assertEquals("CANCELLED", s(item, Tables.STATUS), item.toString());
        assertEquals("policy.cancelled", s(item, Tables.LAST_EVENT_TYPE));
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
        JsonNode line = CliRequests.JSON.readTree(lines.get(0));
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
        values.put(Placeholder.POLICY.text, objectId);
        assertEquals(0, query(blocks.get("policy-history").local().get(0), values).items().size());
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
