package io.policywebhooks.deploy;

import static io.policywebhooks.deploy.TemplateYaml.asList;
import static io.policywebhooks.deploy.TemplateYaml.resourcesOfType;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.policywebhooks.analytics.GlueTables;
import io.policywebhooks.analytics.NamedQueries;

/**
 * The template's analytics block (docs/analytics.md): named queries are the SQL files, every table is exported into
 * the prefix its Glue table reads, the roles grant exactly what the exports and the latest-export function need, the
 * bucket and the workgroup are locked down, and one parameter turns all of it off.
 */
class AnalyticsTemplateTest {
    static final String SWITCH = "AnalyticsEnabled";
    static final String EXPORT_TARGET = "arn:${AWS::Partition}:scheduler:::aws-sdk:dynamodb:exportTableToPointInTime";
    static final String BUCKET_ARN = "${AnalyticsBucket.Arn}";
    static final String GLUE_ARN = "arn:${AWS::Partition}:glue:${AWS::Region}:${AWS::AccountId}:";
    static final ObjectMapper JSON = new ObjectMapper();

    static JsonNode template;

    @BeforeAll
    static void readTemplate() {
        template = TemplateYaml.read();
    }

    @Test
    void namedQueriesAreTheSqlFilesByteForByte() {
        Map<String, String> files = NamedQueries.all();
        Map<String, String> named = new TreeMap<>();
        resourcesOfType(template, "AWS::Athena::NamedQuery").forEach((id, query) -> {
            JsonNode props = query.path("Properties");
            assertEquals("AnalyticsDatabase", props.path("Database").path("Ref").asText(), id + " Database");
            assertEquals("AnalyticsWorkGroup", props.path("WorkGroup").path("Ref").asText(), id + " WorkGroup");
            assertTrue(named.put(props.path("Name").asText(), props.path("QueryString").asText()) == null,
                    "one named query per name: " + id);
        });
        assertEquals(files.keySet(), named.keySet(), "named queries vs. " + NamedQueries.DIRECTORY);
        files.forEach((name, sql) -> assertEquals(sql, named.get(name),
                name + ": QueryString differs from " + NamedQueries.DIRECTORY.resolve(name + ".sql")));
    }

    @Test
    void everyAnalyticsResourceAndOutputIsBehindOneSwitch() {
        JsonNode condition = template.path("Conditions").path(SWITCH).path("Fn::Equals");
        assertEquals("AnalyticsExports", condition.path(0).path("Ref").asText());
        assertEquals("Enabled", condition.path(1).asText());
        assertEquals(List.of("Enabled", "Disabled"), JSON.convertValue(
                template.path("Parameters").path("AnalyticsExports").path("AllowedValues"), List.class));
        int analytics = 0;
        for (String section : List.of("Resources", "Outputs")) {
            for (var it = template.path(section).fields(); it.hasNext();) {
                var entry = it.next();
                if (entry.getKey().startsWith("Analytics")) {
                    analytics++;
                    assertEquals(SWITCH, entry.getValue().path("Condition").asText(), entry.getKey() + " Condition");
                }
            }
        }
        assertTrue(analytics > 20, "the analytics block is named Analytics*: " + analytics);
        for (String type : List.of("AWS::Glue::Table", "AWS::Athena::NamedQuery", "AWS::Scheduler::Schedule",
                "AWS::Athena::WorkGroup", "AWS::Glue::Database", "AWS::S3::Bucket")) {
            resourcesOfType(template, type).keySet().forEach(id ->
                    assertTrue(id.startsWith("Analytics"), id + " (" + type + ") belongs to the analytics block"));
        }
    }

    @Test
    void eachTableIsExportedOnTheScheduleIntoThePrefixItsGlueTableReads() throws Exception {
        Map<String, GlueTables.Table> glue = GlueTables.fromTemplate(template);
        Map<String, String> exportedInto = new TreeMap<>();
        for (var schedule : resourcesOfType(template, "AWS::Scheduler::Schedule").entrySet()) {
            JsonNode props = schedule.getValue().path("Properties");
            String id = schedule.getKey();
            assertEquals("AnalyticsExportSchedule", props.path("ScheduleExpression").path("Ref").asText(), id);
            assertEquals("UTC", props.path("ScheduleExpressionTimezone").asText(), id);
            JsonNode target = props.path("Target");
            assertEquals(EXPORT_TARGET, target.path("Arn").path("Fn::Sub").asText(), id + " target");
            assertEquals("AnalyticsExportRole", target.path("RoleArn").path("Fn::GetAtt").path(0).asText(), id);
            JsonNode input = JSON.readTree(target.path("Input").path("Fn::Sub").asText());
            assertEquals("${AnalyticsBucket}", input.path("S3Bucket").asText(), id);
            assertEquals("DYNAMODB_JSON", input.path("ExportFormat").asText(), id);
            assertEquals("FULL_EXPORT", input.path("ExportType").asText(), id);
            String table = input.path("TableArn").asText().replaceAll("^\\$\\{(\\w+)\\.Arn}$", "$1");
            assertTrue(exportedInto.put(table, input.path("S3Prefix").asText()) == null, table + " exported once");
        }
        Map<String, String> expected = new TreeMap<>();
        resourcesOfType(template, "AWS::DynamoDB::Table").keySet().forEach(table -> {
            String name = table.replaceAll("Table$", "").toLowerCase(Locale.ROOT);
            assertTrue(glue.containsKey(name), table + " has the Glue table " + name);
            expected.put(table, glue.get(name).exportPrefix());
        });
        assertEquals(expected, exportedInto, "each DynamoDB table exported into its Glue table's prefix");

        JsonNode function = resourcesOfType(template, "AWS::Lambda::Function").get("AnalyticsLatestExportFunction")
                .path("Properties");
        assertEquals(String.join(",", glue.keySet()),
                function.path("Environment").path("Variables").path("TABLES").asText(),
                "the latest-export function moves exactly the Glue tables");
        glue.values().forEach(t -> assertEquals("exports/" + t.name(), t.exportPrefix(),
                "the function finds a table by the prefix it was exported under"));
    }

    /** The latest-export function runs for each export's summary, written when the export completes, and nothing else. */
    @Test
    void exportSummariesOfTheBucketInvokeTheLatestExportFunction() {
        JsonNode rule = resourcesOfType(template, "AWS::Events::Rule").get("AnalyticsExportCompletedRule")
                .path("Properties");
        JsonNode pattern = rule.path("EventPattern");
        assertEquals(List.of("aws.s3"), JSON.convertValue(pattern.path("source"), List.class));
        assertEquals(List.of("Object Created"), JSON.convertValue(pattern.path("detail-type"), List.class));
        assertEquals("AnalyticsBucket", pattern.path("detail").path("bucket").path("name").path(0).path("Ref").asText());
        JsonNode keys = pattern.path("detail").path("object").path("key");
        assertEquals(1, keys.size(), "one key pattern");
        // EventBridge wildcard: * matches any characters, / included.
        Pattern key = Pattern.compile(Arrays.stream(
                keys.get(0).path("wildcard").asText().split("\\*", -1)).map(Pattern::quote)
                .collect(Collectors.joining(".*")));
        String export = "exports/events/AWSDynamoDB/01796094000000-89fdc725/";
        assertTrue(key.matcher(export + "manifest-summary.json").matches(), "the summary of an export: " + key);
        for (String other : List.of(export + "manifest-files.json", export + "manifest-summary.checksum",
                export + "_started", export + "data/abc.json.gz", "athena-results/q.csv")) {
            assertFalse(key.matcher(other).matches(), other);
        }
        assertEquals("AnalyticsLatestExportFunction", rule.path("Targets").path(0).path("Arn").path("Fn::GetAtt")
                .path(0).asText());
        JsonNode permission = resourcesOfType(template, "AWS::Lambda::Permission").get("AnalyticsLatestExportPermission")
                .path("Properties");
        assertEquals("events.amazonaws.com", permission.path("Principal").asText());
        assertEquals("AnalyticsExportCompletedRule", permission.path("SourceArn").path("Fn::GetAtt").path(0).asText());
        assertEquals("AnalyticsLatestExportFunction", permission.path("FunctionName").path("Ref").asText());
    }

    @Test
    void glueTablesAreJsonTablesOverTheExportFormat() {
        resourcesOfType(template, "AWS::Glue::Table").forEach((id, table) -> {
            JsonNode input = table.path("Properties").path("TableInput");
            assertEquals("EXTERNAL_TABLE", input.path("TableType").asText(), id);
            assertEquals("AnalyticsDatabase", table.path("Properties").path("DatabaseName").path("Ref").asText(), id);
            JsonNode storage = input.path("StorageDescriptor");
            assertEquals("org.openx.data.jsonserde.JsonSerDe",
                    storage.path("SerdeInfo").path("SerializationLibrary").asText(), id);
            assertEquals("org.apache.hadoop.mapred.TextInputFormat", storage.path("InputFormat").asText(), id);
        });
        GlueTables.fromTemplate(template).values().forEach(t -> assertTrue(
                t.location().endsWith("/data/"), t.name() + " reads one export's data/ prefix only"));
    }

    @Test
    void rolesGrantExactlyWhatTheExportsAndTheLatestExportFunctionNeed() {
        Map<String, JsonNode> roles = resourcesOfType(template, "AWS::IAM::Role");
        Map<String, Set<String>> export = new TreeMap<>(Map.of(
                "dynamodb:ExportTableToPointInTime", Set.of("EventsTable.Arn", "PoliciesTable.Arn",
                        "AssignmentsTable.Arn"),
                "s3:PutObject", Set.of(BUCKET_ARN + "/exports/*"),
                "s3:PutObjectAcl", Set.of(BUCKET_ARN + "/exports/*"),
                "s3:AbortMultipartUpload", Set.of(BUCKET_ARN + "/exports/*")));
        assertEquals(export, grants(roles.get("AnalyticsExportRole")), "AnalyticsExportRole");
        assertEquals("scheduler.amazonaws.com", trusted(roles.get("AnalyticsExportRole")));

        Set<String> glueResources = new TreeSet<>(Set.of(GLUE_ARN + "catalog",
                GLUE_ARN + "database/${AnalyticsDatabase}"));
        GlueTables.fromTemplate(template).keySet().forEach(t -> glueResources.add(
                GLUE_ARN + "table/${AnalyticsDatabase}/" + t));
        Map<String, Set<String>> latest = new TreeMap<>(Map.of(
                "s3:GetObject", Set.of(BUCKET_ARN + "/exports/*"),
                "glue:GetTable", glueResources,
                "glue:UpdateTable", glueResources,
                "logs:CreateLogStream", Set.of("AnalyticsLatestExportLogGroup.Arn"),
                "logs:PutLogEvents", Set.of("AnalyticsLatestExportLogGroup.Arn")));
        assertEquals(latest, grants(roles.get("AnalyticsLatestExportRole")), "AnalyticsLatestExportRole");
        assertEquals("lambda.amazonaws.com", trusted(roles.get("AnalyticsLatestExportRole")));
        assertEquals("AnalyticsLatestExportRole", resourcesOfType(template, "AWS::Lambda::Function")
                .get("AnalyticsLatestExportFunction").path("Properties").path("Role").path("Fn::GetAtt").path(0)
                .asText());
    }

    /** Action to resources of a role's inline policies; only Allow, no wildcard action, no wildcard resource. */
    private static Map<String, Set<String>> grants(JsonNode role) {
        JsonNode props = role.path("Properties");
        assertTrue(props.path("ManagedPolicyArns").isMissingNode(), "inline policies only");
        Map<String, Set<String>> granted = new TreeMap<>();
        for (JsonNode policy : props.path("Policies")) {
            for (JsonNode statement : asList(policy.path("PolicyDocument").path("Statement"))) {
                assertEquals("Allow", statement.path("Effect").asText());
                assertTrue(statement.path("Condition").isMissingNode(), "no conditions to reason about");
                Set<String> resources = new TreeSet<>();
                for (JsonNode resource : asList(statement.path("Resource"))) {
                    String text = resource.has("Fn::GetAtt")
                            ? resource.path("Fn::GetAtt").path(0).asText() + "." + resource.path("Fn::GetAtt")
                                    .path(1).asText()
                            : resource.path("Fn::Sub").asText();
                    assertFalse(text.isEmpty() || text.replace("/exports/*", "").contains("*"),
                            "a resource of this stack, objects only under exports/: " + resource);
                    resources.add(text);
                }
                for (JsonNode action : asList(statement.path("Action"))) {
                    assertFalse(action.asText().contains("*"), "no wildcard action: " + action);
                    granted.computeIfAbsent(action.asText(), a -> new TreeSet<>()).addAll(resources);
                }
            }
        }
        return granted;
    }

    private static String trusted(JsonNode role) {
        JsonNode statements = role.path("Properties").path("AssumeRolePolicyDocument").path("Statement");
        assertEquals(1, statements.size(), "one trust statement");
        assertEquals("sts:AssumeRole", statements.get(0).path("Action").asText());
        return statements.get(0).path("Principal").path("Service").asText();
    }

    @Test
    void bucketIsEncryptedPrivateTlsOnlyAndExpiresOldExports() {
        JsonNode bucket = resourcesOfType(template, "AWS::S3::Bucket").get("AnalyticsBucket");
        JsonNode props = bucket.path("Properties");
        assertEquals("AES256", props.path("BucketEncryption").path("ServerSideEncryptionConfiguration").path(0)
                .path("ServerSideEncryptionByDefault").path("SSEAlgorithm").asText());
        JsonNode block = props.path("PublicAccessBlockConfiguration");
        for (String setting : List.of("BlockPublicAcls", "BlockPublicPolicy", "IgnorePublicAcls",
                "RestrictPublicBuckets")) {
            assertTrue(block.path(setting).asBoolean(false), setting);
        }
        Map<String, String> expiry = new TreeMap<>();
        for (JsonNode rule : props.path("LifecycleConfiguration").path("Rules")) {
            assertEquals("Enabled", rule.path("Status").asText());
            expiry.put(rule.path("Prefix").asText(), rule.path("ExpirationInDays").path("Ref").asText());
        }
        assertEquals(Map.of("exports/", "AnalyticsRetentionDays", "athena-results/", "AnalyticsRetentionDays"),
                expiry);
        assertTrue(props.path("NotificationConfiguration").path("EventBridgeConfiguration")
                .path("EventBridgeEnabled").asBoolean(false), "object events reach the export-completed rule");

        JsonNode policy = resourcesOfType(template, "AWS::S3::BucketPolicy").get("AnalyticsBucketPolicy")
                .path("Properties");
        assertEquals("AnalyticsBucket", policy.path("Bucket").path("Ref").asText());
        List<JsonNode> statements = asList(policy.path("PolicyDocument").path("Statement"));
        assertTrue(statements.stream().anyMatch(s -> "Deny".equals(s.path("Effect").asText())
                && "*".equals(s.path("Principal").asText()) && "s3:*".equals(s.path("Action").asText())
                && "false".equals(s.path("Condition").path("Bool").path("aws:SecureTransport").asText())
                && s.path("Resource").toString().contains("AnalyticsBucket.Arn}/*")
                && s.path("Resource").toString().contains("[\"AnalyticsBucket\",\"Arn\"]")),
                "requests without TLS are denied on the bucket and its objects: " + statements);
    }

    @Test
    void workGroupEnforcesItsResultLocationScanCutoffAndEngine() {
        JsonNode config = resourcesOfType(template, "AWS::Athena::WorkGroup").get("AnalyticsWorkGroup")
                .path("Properties").path("WorkGroupConfiguration");
        assertTrue(config.path("EnforceWorkGroupConfiguration").asBoolean(false), "clients cannot override it");
        assertEquals("AnalyticsBytesScannedCutoffPerQuery",
                config.path("BytesScannedCutoffPerQuery").path("Ref").asText());
        assertEquals("Athena engine version 3", config.path("EngineVersion").path("SelectedEngineVersion").asText(),
                "the engine the SQL is written for (docs/analytics.md)");
        assertEquals("s3://${AnalyticsBucket}/athena-results/",
                config.path("ResultConfiguration").path("OutputLocation").path("Fn::Sub").asText());
        assertTrue(template.path("Parameters").path("AnalyticsBytesScannedCutoffPerQuery").path("MinValue")
                .asLong() >= 10_000_000, "Athena's smallest cutoff is 10 MB");
        assertEquals(Set.of("AnalyticsWorkGroup"), resourcesOfType(template, "AWS::Athena::NamedQuery").values()
                .stream().map(q -> q.path("Properties").path("WorkGroup").path("Ref").asText())
                .collect(Collectors.toSet()));
    }
}
