package io.policywebhooks.deploy;

import static io.policywebhooks.deploy.TemplateYaml.properties;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.policywebhooks.store.Schema;
import io.policywebhooks.store.WebhookStore;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;

/**
 * The template's DynamoDB tables are the ones the code creates locally ({@link Schema#all}): keys, attributes,
 * indexes and projections, reached from the previous release one index per deploy; each table variable of the
 * function names the table the code uses it for; every table is retained, recoverable and encrypted.
 */
class TemplateTablesTest {
    /** The value of IndexUpgradeStep that a new stack deploys, and every step an existing stack goes through. */
    private static final String DEFAULT_UPGRADE_STEP = "done";
    private static final List<String> UPGRADE_STEPS = List.of("1", "2", "3", DEFAULT_UPGRADE_STEP);

    private static final JsonNode TEMPLATE = TemplateYaml.read();

    @Test
    void tablesHaveTheKeysAttributesAndIndexesOfTheCode() {
        Map<String, CreateTableRequest> codeByHashKey = new TreeMap<>();
        for (CreateTableRequest table : codeTables()) {
            codeByHashKey.put(hashKey(table.keySchema()), table);
        }
        Map<String, JsonNode> templateTables = templateTables();
        Map<String, String> templateByHashKey = new TreeMap<>();
        templateTables.forEach((logicalId, resource) -> {
            String hash = hashKey(properties(resource).path("KeySchema"));
            assertNull(templateByHashKey.put(hash, logicalId), "two template tables are keyed by " + hash);
        });
        assertEquals(codeByHashKey.keySet(), templateByHashKey.keySet(),
                "template tables (by hash key) differ from Schema.all");

        templateByHashKey.forEach((hash, logicalId) -> {
            CreateTableRequest code = codeByHashKey.get(hash);
            JsonNode props = properties(templateTables.get(logicalId));
            String where = logicalId + " (Tables: " + code.tableName() + ")";

            assertEquals(code.billingMode().toString(), props.path("BillingMode").asText(), where + " BillingMode");
            assertEquals(keySchema(code.keySchema()), keySchema(props.path("KeySchema")), where + " KeySchema");

            Map<String, String> codeAttributes = new TreeMap<>();
            code.attributeDefinitions().forEach(a -> codeAttributes.put(a.attributeName(), a.attributeTypeAsString()));
            Map<String, String> templateAttributes = new TreeMap<>();
            for (JsonNode a : props.path("AttributeDefinitions")) {
                assertNull(templateAttributes.put(a.path("AttributeName").asText(), a.path("AttributeType").asText()),
                        where + " defines " + a.path("AttributeName").asText() + " twice");
            }
            assertEquals(codeAttributes, templateAttributes, where + " AttributeDefinitions (names and types)");

            Map<String, String> codeIndexes = new TreeMap<>();
            for (GlobalSecondaryIndex index : code.globalSecondaryIndexes()) {
                codeIndexes.put(index.indexName(), keySchema(index.keySchema()) + " projection "
                        + index.projection().projectionTypeAsString() + nonKey(index.projection().nonKeyAttributes()));
            }
            Map<String, String> templateIndexes = templateIndexes(props, DEFAULT_UPGRADE_STEP, where);
            assertEquals(codeIndexes, templateIndexes, where + " GlobalSecondaryIndexes (projection type and "
                    + "NonKeyAttributes included), IndexUpgradeStep at its default");
            assertTrue(props.path("LocalSecondaryIndexes").isMissingNode(), where + ": the code declares no LSI");
        });
    }

    /**
     * A stack deployed with the previous release's indexes (each named {@code <hash>-<range>-index}, projecting ALL)
     * reaches the code's indexes through IndexUpgradeStep 1, 2, 3, done: each deploy may create or delete only one
     * index per table (DynamoDB's UpdateTable limit; CloudFormation fails the update otherwise), and an index kept
     * from one step to the next must keep its definition (CloudFormation cannot change a projection in place).
     */
    @Test
    void indexUpgradeStepsChangeOneIndexPerTablePerDeployAndEndAtTheCode() {
        JsonNode parameter = TEMPLATE.path("Parameters").path("IndexUpgradeStep");
        assertEquals(DEFAULT_UPGRADE_STEP, parameter.path("Default").asText(), "IndexUpgradeStep default");
        List<String> allowed = new ArrayList<>();
        parameter.path("AllowedValues").forEach(v -> allowed.add(v.asText()));
        assertEquals(UPGRADE_STEPS, allowed, "IndexUpgradeStep AllowedValues");

        Map<String, JsonNode> templateTables = templateTables();
        for (CreateTableRequest code : codeTables()) {
            String hash = hashKey(code.keySchema());
            Map.Entry<String, JsonNode> resource = templateTables.entrySet().stream()
                    .filter(e -> hashKey(properties(e.getValue()).path("KeySchema")).equals(hash)).findFirst()
                    .orElseThrow();
            String where = resource.getKey();
            Map<String, String> previous = new TreeMap<>();
            for (GlobalSecondaryIndex index : code.globalSecondaryIndexes()) {
                List<String> keys = index.keySchema().stream().map(KeySchemaElement::attributeName).toList();
                previous.put(String.join("-", keys) + "-index", keySchema(index.keySchema()) + " projection ALL");
            }
            String from = "the previous release";
            for (String step : UPGRADE_STEPS) {
                Map<String, String> next = templateIndexes(properties(resource.getValue()), step, where);
                Set<String> created = new TreeSet<>(next.keySet());
                created.removeAll(previous.keySet());
                Set<String> deleted = new TreeSet<>(previous.keySet());
                deleted.removeAll(next.keySet());
                assertTrue(created.size() + deleted.size() <= 1, where + ": from " + from + " to IndexUpgradeStep "
                        + step + " creates " + created + " and deletes " + deleted + " (one per update at most)");
                for (String kept : next.keySet()) {
                    if (previous.containsKey(kept)) {
                        assertEquals(previous.get(kept), next.get(kept), where + ": index " + kept + " changes "
                                + "its definition in place at IndexUpgradeStep " + step);
                    }
                }
                previous = next;
                from = "IndexUpgradeStep " + step;
            }
        }
    }

    /** A table's GlobalSecondaryIndexes as deployed with IndexUpgradeStep = {@code step}: name → keys and projection. */
    private static Map<String, String> templateIndexes(JsonNode props, String step, String where) {
        Map<String, String> indexes = new TreeMap<>();
        for (JsonNode entry : props.path("GlobalSecondaryIndexes")) {
            JsonNode index = entry;
            if (entry.has("Fn::If")) {
                JsonNode branches = entry.path("Fn::If");
                index = condition(TEMPLATE.path("Conditions").path(branches.path(0).asText()), step)
                        ? branches.path(1) : branches.path(2);
            }
            if (index.path("Ref").asText().equals("AWS::NoValue")) {
                continue;
            }
            List<String> nonKey = new ArrayList<>();
            index.path("Projection").path("NonKeyAttributes").forEach(n -> nonKey.add(n.asText()));
            assertNull(indexes.put(index.path("IndexName").asText(), keySchema(index.path("KeySchema"))
                    + " projection " + index.path("Projection").path("ProjectionType").asText() + nonKey(nonKey)),
                    where + " declares index " + index.path("IndexName").asText() + " twice");
        }
        return indexes;
    }

    /** The template's conditions on IndexUpgradeStep: Fn::Equals with it, Fn::Or, Fn::Not, Condition. */
    private static boolean condition(JsonNode node, String step) {
        if (node.has("Condition")) {
            return condition(TEMPLATE.path("Conditions").path(node.path("Condition").asText()), step);
        }
        if (node.has("Fn::Not")) {
            return !condition(node.path("Fn::Not").path(0), step);
        }
        if (node.has("Fn::Or")) {
            boolean any = false;
            for (JsonNode operand : node.path("Fn::Or")) {
                any |= condition(operand, step);
            }
            return any;
        }
        JsonNode equals = node.path("Fn::Equals");
        assertEquals("IndexUpgradeStep", equals.path(0).path("Ref").asText(), "condition not understood: " + node);
        return equals.path(1).asText().equals(step);
    }

    @Test
    void eachTableVariableNamesTheTableTheCodeUsesForIt() {
        // Name each code table after the template resource its variable references; Schema.all must then describe
        // that very resource (so EVENTS_TABLE cannot point at the policies table, say).
        Map<WebhookStore.Table, String> resources = TemplateYaml.tableResources(TEMPLATE);
        Schema.TableNames names = new Schema.TableNames(resources.get(WebhookStore.Table.EVENTS),
                resources.get(WebhookStore.Table.POLICIES), resources.get(WebhookStore.Table.ASSIGNMENTS));
        Map<String, JsonNode> templateTables = templateTables();
        for (CreateTableRequest code : Schema.all(names)) {
            JsonNode resource = templateTables.get(code.tableName());
            assertNotNull(resource, "a table variable references " + code.tableName() + ", not a table of this stack");
            assertEquals(keySchema(code.keySchema()), keySchema(properties(resource).path("KeySchema")),
                    "the variable naming " + code.tableName() + " gives the code a table with other keys");
        }
        assertEquals(templateTables.keySet(), Set.of(names.events(), names.policies(), names.assignments()),
                "every table of the stack is given to the function, each once");
    }

    @Test
    void everyTableIsRetainedRecoverableAndEncrypted() {
        Map<String, JsonNode> tables = templateTables();
        assertEquals(3, tables.size());
        tables.forEach((logicalId, table) -> {
            assertEquals("Retain", table.path("DeletionPolicy").asText(), logicalId + " DeletionPolicy");
            assertEquals("Retain", table.path("UpdateReplacePolicy").asText(), logicalId + " UpdateReplacePolicy");
            JsonNode props = properties(table);
            assertTrue(props.path("PointInTimeRecoverySpecification").path("PointInTimeRecoveryEnabled").asBoolean(false),
                    logicalId + " point-in-time recovery");
            assertTrue(props.path("SSESpecification").path("SSEEnabled").asBoolean(false), logicalId + " SSE");
            assertTrue(props.path("TableName").isMissingNode(),
                    logicalId + ": generated name, so a retained table never blocks re-creating the stack");
        });
    }

    private static List<CreateTableRequest> codeTables() {
        return Schema.all(new Schema.TableNames("events", "policies", "assignments"));
    }

    private static Map<String, JsonNode> templateTables() {
        return TemplateYaml.resourcesOfType(TEMPLATE, "AWS::DynamoDB::Table");
    }

    private static String hashKey(List<KeySchemaElement> keys) {
        return keys.stream().filter(k -> "HASH".equals(k.keyTypeAsString())).map(KeySchemaElement::attributeName)
                .findFirst().orElseThrow();
    }

    private static String hashKey(JsonNode keys) {
        for (JsonNode key : keys) {
            if ("HASH".equals(key.path("KeyType").asText())) {
                return key.path("AttributeName").asText();
            }
        }
        return fail("no HASH key in " + keys);
    }

    /** "name HASH[, name RANGE]" in declared order. */
    private static String keySchema(List<KeySchemaElement> keys) {
        return keys.stream().map(k -> k.attributeName() + " " + k.keyTypeAsString()).collect(Collectors.joining(", "));
    }

    private static String keySchema(JsonNode keys) {
        List<String> parts = new ArrayList<>();
        keys.forEach(k -> parts.add(k.path("AttributeName").asText() + " " + k.path("KeyType").asText()));
        return String.join(", ", parts);
    }

    private static String nonKey(List<String> attributes) {
        return attributes == null || attributes.isEmpty() ? "" : " " + new TreeSet<>(attributes);
    }
}
