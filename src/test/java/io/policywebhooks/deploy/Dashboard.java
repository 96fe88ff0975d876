package io.policywebhooks.deploy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.policywebhooks.Signers;
import io.policywebhooks.WebhookSigner;
import io.policywebhooks.store.WebhookStore;
import io.policywebhooks.webhook.Outcome;
import io.policywebhooks.webhook.RequestMetrics;
import io.policywebhooks.webhook.RequestMetrics.Metric;

/**
 * Generates the CloudWatch dashboard body of {@code template.yaml} (resource {@code Dashboard}, property
 * {@code DashboardBody}, an {@code Fn::Sub} string) from the code's own names: the metrics and dimensions of
 * {@link RequestMetrics}, the outcome kinds of {@link Outcome}, the production providers, and the DynamoDB
 * operations of {@link WebhookStore#OPERATIONS}. {@code TemplateAgreementTest} fails when the template's body is not
 * this one; {@value #REGENERATE} rewrites it.
 */
public final class Dashboard {
    /** The command that rewrites the template's dashboard body from this generator. */
    public static final String REGENERATE = "./mvnw -B -o test -Dtest=TemplateAgreementTest -Ddashboard.regenerate=true";
    /** The template's references the body uses (Fn::Sub variables). */
    static final String NAMESPACE = "${MetricsNamespace}";
    static final String REGION = "${AWS::Region}";
    static final String FUNCTION = "${Function}";
    static final String API = "${HttpApi}";
    /** Each store table's template resource (TemplateAgreementTest checks the function's variables name them). */
    static final Map<WebhookStore.Table, String> TABLE_RESOURCES = Map.of(WebhookStore.Table.EVENTS, "EventsTable",
            WebhookStore.Table.POLICIES, "PoliciesTable", WebhookStore.Table.ASSIGNMENTS, "AssignmentsTable");

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int FIVE_MINUTES = 300;

    private final List<String> providers;
    private final List<ObjectNode> widgets = new ArrayList<>();
    private int x;
    private int y;
    private int rowHeight;

    private Dashboard(List<String> providers) {
        this.providers = providers;
    }

    /** The production providers' names, sorted. */
    static List<String> providers() {
        return Signers.production().stream().map(WebhookSigner::provider).sorted().toList();
    }

    /** The body for the production providers. */
    public static String body() {
        return body(providers());
    }

    /** The body: one widget per line, so a change shows as a small diff. */
    static String body(List<String> providers) {
        Dashboard d = new Dashboard(providers);
        d.build();
        StringBuilder text = new StringBuilder("{\"widgets\": [\n");
        for (int i = 0; i < d.widgets.size(); i++) {
            text.append("  ").append(write(d.widgets.get(i))).append(i + 1 < d.widgets.size() ? ",\n" : "\n");
        }
        return text.append("]}").toString();
    }

    private void build() {
        List<List<Object>> deliveries = new ArrayList<>();
        for (String provider : providers) {
            for (Outcome.Kind kind : Outcome.Kind.values()) {
                deliveries.add(ours(Metric.DELIVERIES, provider, outcome(kind), provider + " " + outcome(kind)));
            }
        }
        add(12, 7, metricWidget("Deliveries by provider and outcome (per 5 min)", "Sum", FIVE_MINUTES, true,
                deliveries));
        List<List<Object>> durations = new ArrayList<>();
        for (String provider : providers) {
            for (String stat : List.of("p50", "p99")) {
                List<Object> row = ours(Metric.DURATION_MS, provider, null, provider + " " + stat);
                ((ObjectNode) row.get(row.size() - 1)).put("stat", stat);
                durations.add(row);
            }
        }
        add(12, 7, metricWidget("In-process duration p50 / p99 (ms)", "p50", FIVE_MINUTES, false, durations));
        newRow();
        for (Outcome.Kind kind : List.of(Outcome.Kind.REJECTED, Outcome.Kind.DUPLICATE, Outcome.Kind.STORED_PARTIALLY,
                Outcome.Kind.STORAGE_FAILED)) {
            List<List<Object>> rows = new ArrayList<>();
            providers.forEach(p -> rows.add(ours(Metric.DELIVERIES, p, outcome(kind), p)));
            add(6, 6, metricWidget(TITLES.get(kind), "Sum", FIVE_MINUTES, false, rows));
        }
        newRow();
        List<List<Object>> storedRows = new ArrayList<>();
        providers.forEach(p -> storedRows.add(ours(Metric.STORED, p, null, p)));
        add(8, 6, metricWidget("Stored deliveries per hour (silence alarms: none for SilenceAlarmHours)", "Sum", 3600,
                false, storedRows));
        add(8, 6, metricWidget("Lambda errors and throttles", "Sum", FIVE_MINUTES, false, List.of(
                aws("AWS/Lambda", "Errors", "Errors", "FunctionName", FUNCTION),
                aws("AWS/Lambda", "Throttles", "Throttles", "FunctionName", FUNCTION))));
        add(8, 6, metricWidget("Lambda concurrent executions (max)", "Maximum", FIVE_MINUTES, false, List.of(
                aws("AWS/Lambda", "ConcurrentExecutions", "ConcurrentExecutions", "FunctionName", FUNCTION))));
        newRow();
        add(12, 6, metricWidget("HTTP API responses", "Sum", FIVE_MINUTES, false, List.of(
                aws("AWS/ApiGateway", "Count", "requests", "ApiId", API),
                aws("AWS/ApiGateway", "4xx", "4xx", "ApiId", API),
                aws("AWS/ApiGateway", "5xx", "5xx", "ApiId", API))));
        List<List<Object>> throttles = new ArrayList<>();
        for (WebhookStore.Table table : WebhookStore.Table.values()) {
            for (String operation : new TreeSet<>(WebhookStore.OPERATIONS.get(table))) {
                throttles.add(aws("AWS/DynamoDB", "ThrottledRequests",
                        table.name().toLowerCase(Locale.ROOT) + " " + operation,
                        "TableName", "${" + TABLE_RESOURCES.get(table) + "}", "Operation", operation));
            }
        }
        add(12, 6, metricWidget("DynamoDB throttled requests by table and operation", "Sum", FIVE_MINUTES, false,
                throttles));
        newRow();
        List<List<Object>> refusedRows = new ArrayList<>();
        providers.forEach(p -> refusedRows.add(ours(Metric.UNREADABLE_TIME_REFUSALS, p, null, p)));
        add(12, 6, metricWidget("State changes refused: event time unreadable", "Sum", FIVE_MINUTES, false,
                refusedRows));
    }

    private static final Map<Outcome.Kind, String> TITLES = Map.of(
            Outcome.Kind.REJECTED, "Signature rejections (401)",
            Outcome.Kind.DUPLICATE, "Duplicates (redeliveries of stored events)",
            Outcome.Kind.STORED_PARTIALLY, "Partial stores (data DynamoDB refuses left out)",
            Outcome.Kind.STORAGE_FAILED, "Storage failures (503, provider retries)");

    static String outcome(Outcome.Kind kind) {
        return kind.name().toLowerCase(Locale.ROOT);
    }

    /** A row of one of our metrics: by provider, and by outcome when {@code outcome} is set. */
    private static List<Object> ours(Metric metric, String provider, String outcome, String label) {
        List<Object> row = new ArrayList<>(List.of(NAMESPACE, metric.metricName, RequestMetrics.PROVIDER, provider));
        if (outcome != null) {
            row.add(RequestMetrics.OUTCOME);
            row.add(outcome);
        }
        row.add(JSON.createObjectNode().put("label", label));
        return row;
    }

    /** A row of an AWS service's metric (its name and dimensions are AWS's). */
    private static List<Object> aws(String namespace, String metric, String label, String... dimensions) {
        List<Object> row = new ArrayList<>(List.of(namespace, metric));
        row.addAll(List.of(dimensions));
        row.add(JSON.createObjectNode().put("label", label));
        return row;
    }

    private static ObjectNode metricWidget(String title, String stat, int periodSeconds, boolean stacked,
            List<List<Object>> rows) {
        ObjectNode properties = JSON.createObjectNode()
                .put("title", title)
                .put("region", REGION)
                .put("view", "timeSeries")
                .put("stacked", stacked)
                .put("stat", stat)
                .put("period", periodSeconds);
        ArrayNode metrics = properties.putArray("metrics");
        for (List<Object> row : rows) {
            ArrayNode array = metrics.addArray();
            row.forEach(element -> {
                if (element instanceof ObjectNode options) {
                    array.add(options);
                } else {
                    array.add((String) element);
                }
            });
        }
        ObjectNode widget = JSON.createObjectNode().put("type", "metric");
        widget.set("properties", properties);
        return widget;
    }

    /** Places the widget on the 24-column grid, left to right. */
    private void add(int width, int height, ObjectNode widget) {
        if (x + width > 24) {
            newRow();
        }
        ObjectNode placed = JSON.createObjectNode().put("type", widget.get("type").asText()).put("x", x).put("y", y)
                .put("width", width).put("height", height);
        placed.set("properties", widget.get("properties"));
        widgets.add(placed);
        x += width;
        rowHeight = Math.max(rowHeight, height);
    }

    private void newRow() {
        y += rowHeight;
        x = 0;
        rowHeight = 0;
    }

    private static String write(ObjectNode node) {
        try {
            return JSON.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    // ------------------------------------------------------------------------------------------ template text

    static final String BODY_KEY = "      DashboardBody:";
    static final String SUB_LINE = "        Fn::Sub: |-";
    static final String INDENT = "          ";

    /**
     * {@code template} with the dashboard body replaced by {@code body}: the literal block under
     * {@code DashboardBody: Fn::Sub: |-} (every following line indented deeper than {@code Fn::Sub}).
     */
    static String replaceBody(String template, String body) {
        List<String> lines = new ArrayList<>(List.of(template.split("\n", -1)));
        int key = lines.indexOf(BODY_KEY);
        if (key < 0 || key + 1 >= lines.size() || !lines.get(key + 1).equals(SUB_LINE)) {
            throw new IllegalStateException("template.yaml has no '" + BODY_KEY.strip() + "' followed by '"
                    + SUB_LINE.strip() + "' to regenerate");
        }
        int end = key + 2;
        while (end < lines.size() && (lines.get(end).startsWith(INDENT) || lines.get(end).isBlank())
                && !(lines.get(end).isBlank() && (end + 1 >= lines.size() || !lines.get(end + 1).startsWith(INDENT)))) {
            end++;
        }
        List<String> replaced = new ArrayList<>(lines.subList(0, key + 2));
        for (String line : body.split("\n")) {
            replaced.add(INDENT + line);
        }
        replaced.addAll(lines.subList(end, lines.size()));
        return String.join("\n", replaced);
    }

    static void rewrite(Path template) throws IOException {
        String text = Files.readString(template, StandardCharsets.UTF_8);
        Files.writeString(template, replaceBody(text, body()), StandardCharsets.UTF_8);
    }
}
