package io.policywebhooks.webhook;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.policywebhooks.store.WebhookStore;

/**
 * The CloudWatch metrics of a request, carried by its request log line in CloudWatch Embedded Metric Format (EMF):
 * CloudWatch Logs extracts them from the line itself, so there is no PutMetricData call, no client and no extra
 * latency on the request path. The dashboard and the alarms of {@code template.yaml} are checked against these
 * names and dimension sets ({@code TemplateAgreementTest}).
 */
public final class RequestMetrics {
    /** Dimension: the provider's name, as in the route and the log line. */
    public static final String PROVIDER = "provider";
    /** Dimension: the outcome kind in lower case ({@code stored}, {@code rejected}, ...), as in the log line. */
    public static final String OUTCOME = "outcome";

    /** Every metric the line carries, with its unit and the dimension sets CloudWatch publishes it under. */
    public enum Metric {
        /** 1 per request that reached a provider's route. */
        DELIVERIES("Deliveries", "Count", true),
        /** In-process time of the request ({@link WebhookService#receive}), the same value as {@code duration_ms}. */
        DURATION_MS("DurationMs", "Milliseconds", true),
        /**
         * 1 when the delivery's event is in the events table after the request (stored, duplicate, stored
         * partially), else 0: the silence alarm's input. Per provider only: per outcome it would repeat Deliveries.
         */
        STORED("Stored", "Count", false),
        /**
         * States the request's event did not change because its time is unreadable and the state reflects another
         * event ({@code refused_states} with reason {@code unreadable_time}): the event is stored, its state
         * change waits for an operator. Per provider only.
         */
        UNREADABLE_TIME_REFUSALS("UnreadableTimeRefusals", "Count", false);

        public final String metricName;
        /** A CloudWatch unit (EMF accepts the MetricDatum units). */
        public final String unit;
        private final boolean byOutcome;

        Metric(String metricName, String unit, boolean byOutcome) {
            this.metricName = metricName;
            this.unit = unit;
            this.byOutcome = byOutcome;
        }

        /** The dimension sets: {@code [provider, outcome]} and {@code [provider]}, or {@code [provider]} alone. */
        public List<List<String>> dimensionSets() {
            return byOutcome ? List.of(List.of(PROVIDER, OUTCOME), List.of(PROVIDER)) : List.of(List.of(PROVIDER));
        }
    }

    private RequestMetrics() {
    }

    /**
     * CloudWatch's namespace rules (PutMetricData): 1 to 255 of these characters, not only blanks, and not the
     * {@code AWS/} prefix reserved for AWS's own metrics. A bad {@code METRICS_NAMESPACE} stops startup instead of
     * silently publishing nothing.
     */
    static String checkNamespace(String namespace) {
        if (namespace == null || !namespace.matches("[0-9A-Za-z._/#: -]{1,255}") || namespace.isBlank()
                || namespace.startsWith("AWS/")) {
            throw new IllegalStateException("METRICS_NAMESPACE must be 1 to 255 of 0-9 A-Z a-z . - _ / # : and space, "
                    + "not starting with AWS/");
        }
        return namespace;
    }

    /**
     * The {@code CloudWatchMetrics} directives for {@code namespace}: the same for every line, so built once and
     * shared (never modified after).
     */
    static ArrayNode directives(String namespace) {
        // One directive per distinct list of dimension sets, so Stored is not published per outcome.
        Map<List<List<String>>, List<Metric>> byDimensions = new LinkedHashMap<>();
        for (Metric metric : Metric.values()) {
            byDimensions.computeIfAbsent(metric.dimensionSets(), d -> new ArrayList<>()).add(metric);
        }
        ArrayNode directives = JsonNodeFactory.instance.arrayNode();
        byDimensions.forEach((dimensionSets, metrics) -> {
            ObjectNode directive = directives.addObject();
            directive.put("Namespace", namespace);
            ArrayNode dimensions = directive.putArray("Dimensions");
            dimensionSets.forEach(set -> {
                ArrayNode names = dimensions.addArray();
                set.forEach(names::add);
            });
            ArrayNode definitions = directive.putArray("Metrics");
            metrics.forEach(metric -> definitions.addObject().put("Name", metric.metricName).put("Unit", metric.unit));
        });
        return directives;
    }

    /**
     * Adds the metric members and the {@code _aws} metadata to {@code line}, which already holds the {@code provider}
     * and {@code outcome} members the dimensions refer to (EMF: dimension targets are top-level string members,
     * metric targets top-level numbers).
     */
    static void addTo(ObjectNode line, ArrayNode directives, long timestampMillis, Outcome outcome,
            double durationMs) {
        line.put(Metric.DELIVERIES.metricName, 1);
        line.put(Metric.DURATION_MS.metricName, durationMs);
        line.put(Metric.STORED.metricName, outcome.kind().stored() ? 1 : 0);
        line.put(Metric.UNREADABLE_TIME_REFUSALS.metricName, outcome.refused().stream()
                .filter(state -> state.reason() == WebhookStore.Refusal.UNREADABLE_TIME).count());
        ObjectNode aws = line.putObject("_aws");
        aws.put("Timestamp", timestampMillis);
        aws.set("CloudWatchMetrics", directives);
    }
}
