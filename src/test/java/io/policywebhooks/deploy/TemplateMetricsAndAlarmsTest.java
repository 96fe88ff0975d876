package io.policywebhooks.deploy;

import static io.policywebhooks.deploy.TemplateYaml.properties;
import static io.policywebhooks.deploy.TemplateYaml.resourcesOfType;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.policywebhooks.AppConfig;
import io.policywebhooks.store.WebhookStore;
import io.policywebhooks.webhook.Outcome;
import io.policywebhooks.webhook.RequestMetrics;

/**
 * Every metric the template's dashboard and alarms read is one the code emits ({@link RequestMetrics}, with one of
 * its dimension sets) or an AWS metric of a resource of this stack; one namespace parameter serves the function, the
 * dashboard and the alarms; every production provider has its alarms, and every alarm notifies the alarm topic.
 */
class TemplateMetricsAndAlarmsTest {
    /** The namespaces of AWS's own metrics the dashboard and alarms may use (their names are AWS's). */
    private static final Set<String> AWS_NAMESPACES = Set.of("AWS/Lambda", "AWS/ApiGateway", "AWS/DynamoDB",
            "AWS/SQS");
    private static final String NAMESPACE_PARAMETER = "MetricsNamespace";

    private static final JsonNode TEMPLATE = TemplateYaml.read();

    @Test
    void everyMetricOfTheDashboardAndTheAlarmsIsOneTheCodeEmits() throws IOException {
        Set<String> shown = dashboardMetrics();
        for (String expected : List.of("Deliveries stored", "Deliveries rejected", "Deliveries duplicate",
                "Deliveries stored_partially", "Deliveries storage_failed", "DurationMs", "Stored", "Errors",
                "Throttles", "ConcurrentExecutions", "ThrottledRequests")) {
            assertTrue(shown.contains(expected), "the dashboard shows " + expected + ": " + shown);
        }
        resourcesOfType(TEMPLATE, "AWS::CloudWatch::Alarm").forEach((logicalId, alarm) -> {
            for (JsonNode metric : alarmMetrics(logicalId, properties(alarm))) {
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

    /**
     * The dashboard's metrics ("MetricName", with " outcome" where a row selects one), after checking each widget's
     * region and each row's metric.
     */
    private static Set<String> dashboardMetrics() throws IOException {
        String body = TemplateYaml.dashboardBody(TEMPLATE).asText();
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
        return shown;
    }

    /** A plain alarm names its metric; a metric math alarm names each metric it reads in Metrics' MetricStat. */
    private static List<JsonNode> alarmMetrics(String logicalId, JsonNode props) {
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
        return metrics;
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
        TEMPLATE.path("Resources").fieldNames().forEachRemaining(resources::add);
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
        assertEquals(NAMESPACE_PARAMETER,
                TemplateYaml.functionVariables(TEMPLATE).path("METRICS_NAMESPACE").path("Ref").asText());
        assertEquals(AppConfig.DEFAULTS.metricsNamespace(),
                TEMPLATE.path("Parameters").path(NAMESPACE_PARAMETER).path("Default").asText());
        assertTrue(Dashboard.NAMESPACE.equals("${" + NAMESPACE_PARAMETER + "}"), "the dashboard's namespace");
        // The dashboard's table references are the tables the function's variables name.
        Map<WebhookStore.Table, String> tables = TemplateYaml.tableResources(TEMPLATE);
        for (WebhookStore.Table table : WebhookStore.Table.values()) {
            assertEquals(tables.get(table), Dashboard.TABLE_RESOURCES.get(table), "the dashboard's " + table);
        }
        assertTrue(resourcesOfType(TEMPLATE, "AWS::Logs::MetricFilter").isEmpty(),
                "the request metrics come from the log line (EMF): no metric filter");
        String url = TEMPLATE.path("Outputs").path("DashboardUrl").path("Value").path("Fn::Sub").asText();
        assertTrue(url.startsWith("https://") && url.endsWith("${Dashboard}"), "DashboardUrl output: " + url);
    }

    @Test
    void everyProviderHasItsAlarmsAndEveryAlarmNotifiesTheTopic() {
        Map<String, JsonNode> alarms = resourcesOfType(TEMPLATE, "AWS::CloudWatch::Alarm");
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
                assertSilenceAlarm(logicalId, props);
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

    /** Silence: no stored delivery for SilenceAlarmHours one-hour periods, missing data breaching. */
    private static void assertSilenceAlarm(String logicalId, JsonNode props) {
        assertEquals("breaching", props.path("TreatMissingData").asText(), logicalId);
        assertEquals("LessThanThreshold", props.path("ComparisonOperator").asText(), logicalId);
        assertEquals(1, props.path("Threshold").asInt(), logicalId);
        assertEquals("Sum", props.path("Statistic").asText(), logicalId);
        assertEquals(3600, props.path("Period").asInt(), logicalId);
        assertEquals("SilenceAlarmHours", props.path("EvaluationPeriods").path("Ref").asText(), logicalId);
        assertEquals("SilenceAlarmHours", props.path("DatapointsToAlarm").path("Ref").asText(), logicalId);
        JsonNode hours = TEMPLATE.path("Parameters").path("SilenceAlarmHours");
        assertEquals(24, hours.path("Default").asInt());
        // CloudWatch: Period x EvaluationPeriods <= 7 days for periods of an hour or more.
        assertTrue(hours.path("MinValue").asInt() >= 1 && 3600 * hours.path("MaxValue").asInt() <= 604_800,
                "SilenceAlarmHours bounds");
    }
}
