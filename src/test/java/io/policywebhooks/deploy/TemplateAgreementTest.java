package io.policywebhooks.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import jakarta.ws.rs.HttpMethod;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.policywebhooks.Signers;
import io.policywebhooks.reprocess.Reprocessor;
import io.policywebhooks.WebhookSigner;
import io.policywebhooks.store.Tables;
import io.policywebhooks.store.WebhookStore;
import io.policywebhooks.webhook.Outcome;
import io.policywebhooks.webhook.RequestMetrics;
import io.policywebhooks.webhook.WebhookResource;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;

/**
 * Proves {@code template.yaml} (what AWS gets) and the code (what runs, and what local tables are created from)
 * agree: tables, routes, environment variables, IAM actions, data protection and secret handling. A plain JUnit
 * test: it reads the template as YAML (long-form intrinsics only), the sources and the classes.
 */
class TemplateAgreementTest {
    private static final Path ROOT = Path.of("").toAbsolutePath();
    private static final Path TEMPLATE = TemplateYaml.TEMPLATE;
    private static final Path PROPERTIES = ROOT.resolve("src/main/resources/application.properties");
    private static final Path MAIN_JAVA = ROOT.resolve("src/main/java");
    private static final Path SAMCONFIG = ROOT.resolve("samconfig.toml");

    /**
     * The environment variables that hold signing secrets: read by name by the providers (literally, so not through
     * a {@code ${VAR}} of application.properties).
     */
    private static final Set<String> SECRET_VARIABLES = Signers.production().stream()
            .map(WebhookSigner::secretsVariable).collect(java.util.stream.Collectors.toSet());
    /** Set for the Lambda runtime, not read by application.properties. */
    private static final String RUNTIME_ONLY_VARIABLE = "DISABLE_SIGNAL_HANDLERS";

    private static final ObjectMapper YAML = TemplateYaml.YAML;
    private static JsonNode template;

    @BeforeAll
    static void readTemplate() throws IOException {
        template = TemplateYaml.read(TEMPLATE);
    }

    // ------------------------------------------------------------------------------------------------ metrics

    /** The namespaces of AWS's own metrics the dashboard and alarms may use (their names are AWS's). */
    private static final Set<String> AWS_NAMESPACES = Set.of("AWS/Lambda", "AWS/ApiGateway", "AWS/DynamoDB",
            "AWS/SQS");
    private static final String NAMESPACE_PARAMETER = "MetricsNamespace";

    @Test
    void dashboardBodyIsTheGeneratedOne() throws IOException {
        String generated = Dashboard.body();
        JsonNode body = properties(dashboard()).path("DashboardBody").path("Fn::Sub");
        assertTrue(body.isTextual(), "Dashboard.DashboardBody is an Fn::Sub string");
        if (generated.equals(body.asText())) {
            return;
        }
        if (Boolean.getBoolean("dashboard.regenerate")) {
            Dashboard.rewrite(TEMPLATE);
            template = TemplateYaml.read();
            assertEquals(generated, properties(dashboard()).path("DashboardBody").path("Fn::Sub").asText(),
                    "the rewritten template carries the generated body");
            return;
        }
        fail("template.yaml's dashboard body is not the one Dashboard.java generates from the code's metric names; "
                + "regenerate with " + Dashboard.REGENERATE);
    }

    @Test
    void regeneratingReplacesOnlyTheDashboardBody() {
        String text = read(TEMPLATE);
        String replaced = Dashboard.replaceBody(text, "{\"widgets\": [\n]}");
        assertTrue(replaced.contains(Dashboard.SUB_LINE + "\n" + Dashboard.INDENT + "{\"widgets\": [\n"
                + Dashboard.INDENT + "]}\n"), "the new body under Fn::Sub");
        // Everything but the body's lines is unchanged.
        String body = properties(dashboard()).path("DashboardBody").path("Fn::Sub").asText();
        String original = Dashboard.replaceBody(replaced, body);
        assertEquals(text, original, "replacing the body back restores the template exactly");
    }

    @Test
    void everyMetricOfTheDashboardAndTheAlarmsIsOneTheCodeEmits() throws IOException {
        String body = properties(dashboard()).path("DashboardBody").path("Fn::Sub").asText();
        JsonNode widgets = new ObjectMapper().readTree(body).path("widgets");
        assertTrue(widgets.size() >= 8, "dashboard widgets: " + widgets.size());
        Set<String> shown = new TreeSet<>();
        for (JsonNode widget : widgets) {
            JsonNode properties = widget.path("properties");
            assertEquals(Dashboard.REGION, properties.path("region").asText(), "widget region");
            for (JsonNode row : properties.path("metrics")) {
                List<String> parts = new ArrayList<>();
                row.forEach(part -> {
                    if (part.isTextual()) {
                        parts.add(part.asText());
                    }
                });
                String namespace = parts.get(0);
                Map<String, String> dimensions = new TreeMap<>();
                for (int i = 2; i + 1 < parts.size(); i += 2) {
                    dimensions.put(parts.get(i), parts.get(i + 1));
                }
                assertEquals(0, parts.size() % 2, "namespace, name, then dimension name/value pairs: " + row);
                String where = "dashboard widget '" + properties.path("title").asText() + "' row " + row;
                if (Dashboard.NAMESPACE.equals(namespace)) {
                    assertEmitted(parts.get(1), dimensions, where);
                } else {
                    assertAwsMetric(namespace, dimensions, where);
                }
                shown.add(parts.get(1) + (dimensions.containsKey("outcome") ? " " + dimensions.get("outcome") : ""));
            }
        }
        for (String expected : List.of("Deliveries stored", "Deliveries rejected", "Deliveries duplicate",
                "Deliveries stored_partially", "Deliveries storage_failed", "DurationMs", "Stored", "Errors",
                "Throttles", "ConcurrentExecutions", "ThrottledRequests")) {
            assertTrue(shown.contains(expected), "the dashboard shows " + expected + ": " + shown);
        }

        Map<String, JsonNode> alarms = resourcesOfType("AWS::CloudWatch::Alarm");
        alarms.forEach((logicalId, alarm) -> {
            JsonNode props = properties(alarm);
            // A plain alarm names its metric; a metric math alarm names each metric it reads in Metrics' MetricStat.
            List<JsonNode> metrics = new ArrayList<>();
            if (props.has("Metrics")) {
                props.path("Metrics").forEach(query -> {
                    if (query.has("MetricStat")) {
                        metrics.add(query.path("MetricStat").path("Metric"));
                    }
                });
                assertFalse(metrics.isEmpty(), logicalId + ": a metric math alarm reads some metric");
            } else {
                metrics.add(props);
            }
            for (JsonNode metric : metrics) {
                Map<String, String> dimensions = new TreeMap<>();
                for (JsonNode dimension : metric.path("Dimensions")) {
                    JsonNode value = dimension.path("Value");
                    // a resource by Ref, or by one of its attributes (a queue's QueueName)
                    String resource = value.has("Fn::GetAtt") ? value.path("Fn::GetAtt").path(0).asText()
                            : value.path("Ref").asText();
                    dimensions.put(dimension.path("Name").asText(),
                            value.isTextual() ? value.asText() : "${" + resource + "}");
                }
                JsonNode namespace = metric.path("Namespace");
                String where = "alarm " + logicalId + " metric " + metric.path("MetricName").asText();
                if (NAMESPACE_PARAMETER.equals(namespace.path("Ref").asText())) {
                    assertEmitted(metric.path("MetricName").asText(), dimensions, where);
                } else {
                    assertAwsMetric(namespace.asText(), dimensions, where);
                }
            }
        });
    }

    /** One of RequestMetrics' metrics, with exactly one of its dimension sets and values the code logs. */
    private static void assertEmitted(String metricName, Map<String, String> dimensions, String where) {
        RequestMetrics.Metric metric = Stream.of(RequestMetrics.Metric.values())
                .filter(m -> m.metricName.equals(metricName)).findFirst()
                .orElseThrow(() -> new AssertionError(where + ": the code emits no metric " + metricName));
        // CloudWatch has a metric only for a dimension set the line declares: any other set has no data.
        assertTrue(metric.dimensionSets().stream().anyMatch(set -> new TreeSet<>(set).equals(dimensions.keySet())),
                where + ": dimensions " + dimensions.keySet() + " are none of " + metric.dimensionSets());
        Set<String> providers = new TreeSet<>(Dashboard.providers());
        assertTrue(providers.contains(dimensions.get(RequestMetrics.PROVIDER)),
                where + ": provider " + dimensions.get(RequestMetrics.PROVIDER) + " is none of " + providers);
        if (dimensions.containsKey(RequestMetrics.OUTCOME)) {
            Set<String> outcomes = new TreeSet<>();
            Stream.of(Outcome.Kind.values()).forEach(k -> outcomes.add(k.name().toLowerCase(Locale.ROOT)));
            assertTrue(outcomes.contains(dimensions.get(RequestMetrics.OUTCOME)),
                    where + ": outcome " + dimensions.get(RequestMetrics.OUTCOME) + " is none of " + outcomes);
        }
    }

    /** An AWS service metric about a resource of this stack. */
    private static void assertAwsMetric(String namespace, Map<String, String> dimensions, String where) {
        assertTrue(AWS_NAMESPACES.contains(namespace), where + ": namespace " + namespace
                + " is neither the " + NAMESPACE_PARAMETER + " parameter nor one of " + AWS_NAMESPACES);
        Set<String> resources = new TreeSet<>();
        template.path("Resources").fieldNames().forEachRemaining(resources::add);
        dimensions.forEach((name, value) -> {
            if (!"Operation".equals(name)) {
                Matcher ref = Pattern.compile("^\\$\\{(\\w+)}$").matcher(value);
                assertTrue(ref.matches() && resources.contains(ref.group(1)),
                        where + ": dimension " + name + " names a resource of this stack: " + value);
            }
        });
    }

    @Test
    void metricsNamespaceIsOneParameterForTheFunctionTheDashboardAndTheAlarms() {
        assertEquals(NAMESPACE_PARAMETER, functionVariables().path("METRICS_NAMESPACE").path("Ref").asText());
        assertEquals(RequestMetrics.DEFAULT_NAMESPACE,
                template.path("Parameters").path(NAMESPACE_PARAMETER).path("Default").asText());
        assertTrue(Dashboard.NAMESPACE.equals("${" + NAMESPACE_PARAMETER + "}"), "the dashboard's namespace");
        // The dashboard's table references are the tables the function's variables name.
        JsonNode variables = functionVariables();
        assertEquals(refOf(variables, "EVENTS_TABLE"), Dashboard.TABLE_RESOURCES.get(WebhookStore.Table.EVENTS));
        assertEquals(refOf(variables, "POLICIES_TABLE"), Dashboard.TABLE_RESOURCES.get(WebhookStore.Table.POLICIES));
        assertEquals(refOf(variables, "ASSIGNMENTS_TABLE"),
                Dashboard.TABLE_RESOURCES.get(WebhookStore.Table.ASSIGNMENTS));
        assertTrue(resourcesOfType("AWS::Logs::MetricFilter").isEmpty(),
                "the request metrics come from the log line (EMF): no metric filter");
        String url = template.path("Outputs").path("DashboardUrl").path("Value").path("Fn::Sub").asText();
        assertTrue(url.startsWith("https://") && url.endsWith("${Dashboard}"), "DashboardUrl output: " + url);
    }

    @Test
    void everyProviderHasItsAlarmsAndEveryAlarmNotifiesTheTopic() {
        Map<String, JsonNode> alarms = resourcesOfType("AWS::CloudWatch::Alarm");
        Map<String, Set<String>> kindsByProvider = new TreeMap<>();
        alarms.forEach((logicalId, alarm) -> {
            JsonNode props = properties(alarm);
            for (String actions : List.of("AlarmActions", "OKActions")) {
                JsonNode condition = props.path(actions).path("Fn::If");
                assertEquals("HasAlarmTopic", condition.path(0).asText(), logicalId + " " + actions);
                assertEquals("AlarmTopicArn", condition.path(1).path(0).path("Ref").asText(), logicalId + " " + actions);
                assertEquals("AWS::NoValue", condition.path(2).path("Ref").asText(), logicalId + " " + actions);
            }
            String provider = null;
            String outcome = null;
            for (JsonNode dimension : props.path("Dimensions")) {
                if (RequestMetrics.PROVIDER.equals(dimension.path("Name").asText())) {
                    provider = dimension.path("Value").asText();
                }
                if (RequestMetrics.OUTCOME.equals(dimension.path("Name").asText())) {
                    outcome = dimension.path("Value").asText();
                }
            }
            if (provider == null) {
                return;
            }
            String metric = props.path("MetricName").asText();
            String kind = metric + (outcome == null ? "" : " " + outcome);
            kindsByProvider.computeIfAbsent(provider, p -> new TreeSet<>()).add(kind);
            if (metric.equals(RequestMetrics.Metric.STORED.metricName)) {
                // Silence: no stored delivery for SilenceAlarmHours one-hour periods, missing data breaching.
                assertEquals("breaching", props.path("TreatMissingData").asText(), logicalId);
                assertEquals("LessThanThreshold", props.path("ComparisonOperator").asText(), logicalId);
                assertEquals(1, props.path("Threshold").asInt(), logicalId);
                assertEquals("Sum", props.path("Statistic").asText(), logicalId);
                assertEquals(3600, props.path("Period").asInt(), logicalId);
                assertEquals("SilenceAlarmHours", props.path("EvaluationPeriods").path("Ref").asText(), logicalId);
                assertEquals("SilenceAlarmHours", props.path("DatapointsToAlarm").path("Ref").asText(), logicalId);
                JsonNode hours = template.path("Parameters").path("SilenceAlarmHours");
                assertEquals(24, hours.path("Default").asInt());
                // CloudWatch: Period x EvaluationPeriods <= 7 days for periods of an hour or more.
                assertTrue(hours.path("MinValue").asInt() >= 1 && 3600 * hours.path("MaxValue").asInt() <= 604_800,
                        "SilenceAlarmHours bounds");
            } else {
                assertEquals("notBreaching", props.path("TreatMissingData").asText(), logicalId);
                assertEquals("GreaterThanOrEqualToThreshold", props.path("ComparisonOperator").asText(), logicalId);
            }
        });
        Set<String> expected = Set.of("Stored", "Deliveries rejected", "Deliveries stored_partially",
                "Deliveries storage_failed", RequestMetrics.Metric.UNREADABLE_TIME_REFUSALS.metricName);
        Map<String, Set<String>> expectedByProvider = new TreeMap<>();
        Dashboard.providers().forEach(p -> expectedByProvider.put(p, expected));
        assertEquals(expectedByProvider, kindsByProvider, "alarm kinds per production provider");
        assertTrue(alarms.containsKey("FunctionErrorsAlarm") && alarms.containsKey("Api5xxAlarm"),
                "the function and API alarms stay");
    }

    private static JsonNode dashboard() {
        Map<String, JsonNode> dashboards = resourcesOfType("AWS::CloudWatch::Dashboard");
        assertEquals(1, dashboards.size(), "one dashboard");
        return dashboards.values().iterator().next();
    }

    // ------------------------------------------------------------------------------------------------ helpers

    private static List<CreateTableRequest> codeTables() {
        return Tables.all(new Tables.Names("events", "policies", "assignments"));
    }

    private static Map<String, JsonNode> resourcesOfType(String type) {
        return TemplateYaml.resourcesOfType(template, type);
    }

    private static JsonNode properties(JsonNode resource) {
        return resource.path("Properties");
    }

    private static JsonNode functionVariables() {
        Map<String, JsonNode> functions = resourcesOfType("AWS::Serverless::Function");
        assertEquals(1, functions.size(), "one function");
        JsonNode variables = properties(functions.values().iterator().next()).path("Environment").path("Variables");
        assertTrue(variables.isObject(), "the function has Environment.Variables");
        return variables;
    }

    private static String refOf(JsonNode variables, String variable) {
        String ref = variables.path(variable).path("Ref").asText();
        assertFalse(ref.isEmpty(), variable + " must be {Ref: <table>}");
        return ref;
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

    static List<JsonNode> asList(JsonNode node) {
        return TemplateYaml.asList(node);
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + file, e);
        }
    }
}
