package io.policywebhooks.deploy;

import static io.policywebhooks.deploy.TemplateYaml.asList;
import static io.policywebhooks.deploy.TemplateYaml.properties;
import static io.policywebhooks.deploy.TemplateYaml.resourcesOfType;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.policywebhooks.store.ReprocessStore;
import io.policywebhooks.reprocess.Reprocessor;
import io.policywebhooks.store.Schema;
import io.policywebhooks.store.WebhookStore;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;

/**
 * The template's IAM grants are exactly the DynamoDB calls of the code: the function's role those of
 * {@link WebhookStore}, on the tables it makes them on; the reprocess command's managed policy those of
 * {@link Reprocessor}, and none of the latter reaches the function.
 */
class TemplateIamTest {
    private static final Pattern INDEX_ARN = Pattern.compile("^\\$\\{(\\w+)\\.Arn}/index/([\\w.-]+)$");

    private static final JsonNode TEMPLATE = TemplateYaml.read();

    @Test
    void iamAllowsExactlyTheDynamoDbCallsOfTheCodeOnThisStacksTables() {
        Map<String, Set<String>> tablesByAction = new TreeMap<>();
        resourcesOfType(TEMPLATE, "AWS::Serverless::Function").forEach((functionId, function) -> {
            JsonNode props = properties(function);
            assertTrue(props.path("Role").isMissingNode(), functionId + ": the role is generated from Policies");
            JsonNode policies = props.path("Policies");
            assertTrue(policies.isArray() && policies.size() > 0, functionId + ": Policies is a list of statements");
            for (JsonNode policy : policies) {
                assertTrue(policy.isObject() && policy.has("Statement") && policy.size() == 1,
                        functionId + ": only inline statements, no managed or SAM policy templates: " + policy);
                addGrants(tablesByAction, policy.path("Statement"), functionId, resource -> {
                    String table = tableOfArn(resource);
                    assertTrue(table != null, "every Resource is the Arn of a table of this stack: " + resource);
                    return table;
                });
            }
        });
        assertEquals(storeCalls(), new TreeSet<>(tablesByAction.keySet()), "IAM actions vs. WebhookStore.OPERATIONS");

        // Each action only on the tables the store calls it on.
        Map<WebhookStore.Table, String> tableIds = TemplateYaml.tableResources(TEMPLATE);
        Map<String, Set<String>> declared = new TreeMap<>();
        WebhookStore.OPERATIONS.forEach((table, operations) -> operations.forEach(o -> declared
                .computeIfAbsent("dynamodb:" + o, a -> new TreeSet<>()).add(tableIds.get(table))));
        assertEquals(declared, tablesByAction, "tables per action");
    }

    /**
     * The reprocess command's managed policy grants exactly {@link ReprocessStore#OPERATIONS} on this stack's tables and
     * {@link ReprocessStore#INDEX_OPERATIONS} on their indexes, is attached to no one by the stack, and none of it reaches
     * the function's role.
     */
    @Test
    void reprocessPolicyAllowsExactlyTheReprocessorsCallsAndTheFunctionGetsNoneOfThem() {
        Map<String, JsonNode> managed = resourcesOfType(TEMPLATE, "AWS::IAM::ManagedPolicy");
        assertEquals(Set.of("ReprocessPolicy"), managed.keySet(), "one managed policy: the reprocessor's");
        JsonNode props = properties(managed.get("ReprocessPolicy"));
        for (String attachment : List.of("Roles", "Users", "Groups")) {
            assertTrue(props.path(attachment).isMissingNode(), "the operator attaches it, not the stack: " + attachment);
        }
        assertEquals("ReprocessPolicy",
                TEMPLATE.path("Outputs").path("ReprocessPolicyArn").path("Value").path("Ref").asText(),
                "its ARN is an output");

        Map<String, Set<String>> expected = reprocessorsCalls();
        JsonNode document = props.path("PolicyDocument");
        assertEquals("2012-10-17", document.path("Version").asText());
        Map<String, Set<String>> granted = new TreeMap<>();
        addGrants(granted, document.path("Statement"), "ReprocessPolicy", TemplateIamTest::tableOrIndex);
        assertEquals(expected, granted, "ReprocessPolicy: resources per action vs. Reprocessor's operations");

        // The function's role stays what WebhookStore calls (the test above): no reprocessing action, no attachment.
        Set<String> storeCalls = storeCalls();
        resourcesOfType(TEMPLATE, "AWS::Serverless::Function").forEach((functionId, function) -> {
            String policies = properties(function).path("Policies").toString();
            assertFalse(policies.contains("ReprocessPolicy"), functionId + " is not given the reprocess policy");
            granted.keySet().stream().filter(action -> !storeCalls.contains(action)).forEach(action ->
                    assertFalse(policies.contains("\"" + action + "\""), functionId + " may not " + action));
        });
    }

    /** "dynamodb:Operation" → the tables ("Table") and events indexes ("Table/index/name") Reprocessor calls it on. */
    private static Map<String, Set<String>> reprocessorsCalls() {
        Map<WebhookStore.Table, String> tableIds = TemplateYaml.tableResources(TEMPLATE);
        Map<String, Set<String>> calls = new TreeMap<>();
        ReprocessStore.OPERATIONS.forEach((table, operations) -> operations.forEach(o -> calls
                .computeIfAbsent("dynamodb:" + o, a -> new TreeSet<>()).add(tableIds.get(table))));
        Set<String> eventIndexes = Schema.all(new Schema.TableNames("events", "policies", "assignments")).get(0)
                .globalSecondaryIndexes().stream().map(GlobalSecondaryIndex::indexName).collect(Collectors.toSet());
        ReprocessStore.INDEX_OPERATIONS.forEach((index, operations) -> {
            assertTrue(eventIndexes.contains(index), index + " is an index of the events table");
            operations.forEach(o -> calls.computeIfAbsent("dynamodb:" + o, a -> new TreeSet<>())
                    .add(tableIds.get(WebhookStore.Table.EVENTS) + "/index/" + index));
        });
        return calls;
    }

    /** "dynamodb:Operation" of every call WebhookStore makes. */
    private static Set<String> storeCalls() {
        Set<String> calls = new TreeSet<>();
        WebhookStore.OPERATIONS.values().forEach(operations -> operations.forEach(o -> calls.add("dynamodb:" + o)));
        return calls;
    }

    /**
     * Adds the resources each action is allowed on by {@code statements} to {@code grants}: every statement an Allow
     * with Action and Resource (no Not- forms), none with a wildcard; {@code resourceName} names a Resource, or fails.
     */
    private static void addGrants(Map<String, Set<String>> grants, JsonNode statements, String where,
            Function<JsonNode, String> resourceName) {
        for (JsonNode statement : asList(statements)) {
            assertEquals("Allow", statement.path("Effect").asText(), where + " statement effect");
            assertTrue(statement.path("NotAction").isMissingNode() && statement.path("NotResource").isMissingNode(),
                    "no NotAction/NotResource");
            Set<String> resources = new TreeSet<>();
            for (JsonNode resource : asList(statement.path("Resource"))) {
                assertFalse(resource.toString().contains("*"), "no wildcard in Resource: " + resource);
                resources.add(resourceName.apply(resource));
            }
            for (JsonNode action : asList(statement.path("Action"))) {
                assertFalse(action.asText().contains("*"), "no wildcard in Action: " + action);
                grants.computeIfAbsent(action.asText(), a -> new TreeSet<>()).addAll(resources);
            }
        }
    }

    /** The logical id of the table of this stack whose Arn {@code resource} is ({@code Fn::GetAtt}), else null. */
    private static String tableOfArn(JsonNode resource) {
        JsonNode getAtt = resource.path("Fn::GetAtt");
        boolean tableArn = getAtt.isArray() && getAtt.size() == 2 && "Arn".equals(getAtt.get(1).asText())
                && stackTables().contains(getAtt.get(0).asText());
        return tableArn ? getAtt.get(0).asText() : null;
    }

    /** A table of this stack ("Table", by its Arn) or one of its indexes ("Table/index/name", by Fn::Sub). */
    private static String tableOrIndex(JsonNode resource) {
        String table = tableOfArn(resource);
        if (table != null) {
            return table;
        }
        Matcher index = INDEX_ARN.matcher(resource.path("Fn::Sub").asText());
        if (index.matches() && stackTables().contains(index.group(1))) {
            return index.group(1) + "/index/" + index.group(2);
        }
        return fail("every Resource is a table of this stack or one of its indexes: " + resource);
    }

    private static Set<String> stackTables() {
        return resourcesOfType(TEMPLATE, "AWS::DynamoDB::Table").keySet();
    }
}
