package io.policywebhooks.store;

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
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.policywebhooks.DynaliteResource;
import io.policywebhooks.store.QueriesDoc.Block;
import io.quarkus.test.junit.QuarkusTest;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;

/**
 * {@code docs/queries.md} as a whole, on data seeded through the real HTTP path: every local command is in a check
 * block (each question's test runs them), every index answers with its projection only, each deployed command is
 * its local twin on the stack's tables, and every PartiQL statement reads an index by its partition key.
 */
@QuarkusTest
class AnalystQueriesTest {
    static final Set<String> CHECKS = Set.of("active-policies", "active-unexpired-policies", "policy-history",
            "policy-history-full", "policy-state", "contractor-assignments", "contractor-covered-assignments",
            "events-of-type-this-week", "deliveries-of-type");

    @Inject
    AnalystQueryFixture fixture;
    @Inject
    DynamoDbClient dynamo;

    @Test
    void everyLocalCommandInTheDocIsChecked() {
        assertEquals(CHECKS, fixture.blocks().keySet(), "check blocks in docs/queries.md");
        List<String> all = QueriesDoc.commands(fixture.doc());
        long local = all.stream().filter(c -> c.contains("--endpoint-url")).count();
        long checked = fixture.blocks().values().stream().mapToLong(b -> b.local().size()).sum();
        assertEquals(checked, local, "every local aws dynamodb command sits in a check block: " + all);
        assertFalse(fixture.doc().contains("dynamodb scan"), "the analysts' queries use indexes, never a scan");
    }

    /**
     * Each index answers with its keys and projected attributes only, as DynamoDB does for a projection other than
     * ALL (dynalite stores the projected entry, so it behaves the same): the doc's queries ask for nothing more.
     */
    @Test
    void eachIndexHoldsOnlyItsProjection() {
        Map<String, Map<String, String>> partitions = Map.of(
                Schema.EVENTS_BY_OBJECT, Map.of(Schema.OBJECT_ID, fixture.seeded().historyPolicy()),
                Schema.EVENTS_BY_TYPE, Map.of(Schema.TYPE, fixture.seeded().typeT()),
                Schema.POLICIES_BY_STATUS, Map.of(Schema.STATUS, "ACTIVE"),
                Schema.ASSIGNMENTS_BY_CONTRACTOR, Map.of(Schema.CONTRACTOR, fixture.seeded().contractor()),
                Schema.ASSIGNMENTS_BY_JOB, Map.of(Schema.JOB, "jb_" + fixture.seeded().run()));
        for (CreateTableRequest table : Schema.all(DynaliteResource.TABLES)) {
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
        for (Map.Entry<String, Block> entry : fixture.blocks().entrySet()) {
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
            assertTrue(fixture.doc().contains("out " + output + ")"), "doc reads " + output);
            assertTrue(template().contains("  " + output + ":"), "template has output " + output);
        }
        assertTrue(fixture.doc().contains("--stack-name " + stackName()), "doc uses the samconfig stack name");
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
        List<CreateTableRequest> all = Schema.all(DynaliteResource.TABLES);
        tables.put("EventsTableName", all.get(0));
        tables.put("PoliciesTableName", all.get(1));
        tables.put("AssignmentsTableName", all.get(2));
        Pattern from = Pattern.compile(
                "FROM \"<(\\w+)>\"(?:\\.\"([^\"]+)\")?\\s+WHERE\\s+\"?(\\w+)\"?\\s*(?:=|IN \\[)");
        Matcher m = from.matcher(fixture.doc());
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
        assertEquals(countOf(fixture.doc(), "FROM \"<"), statements,
                "every PartiQL statement reads by a partition key");
        assertTrue(statements >= 6, "PartiQL statements found: " + statements);
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
