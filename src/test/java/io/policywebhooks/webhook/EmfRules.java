package io.policywebhooks.webhook;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * The rules of CloudWatch's "Specification: Embedded metric format" (and the limits of the CloudWatch API it
 * publishes through) as a checker of one log line, so a test can prove a line is a metric document CloudWatch Logs
 * will extract, not just that it has an {@code _aws} member. Each broken rule is reported by its wording.
 */
final class EmfRules {
    /** The MetricDatum units (the spec's JSON schema lists the same). */
    static final Set<String> UNITS = Set.of("Seconds", "Microseconds", "Milliseconds", "Bytes", "Kilobytes",
            "Megabytes", "Gigabytes", "Terabytes", "Bits", "Kilobits", "Megabits", "Gigabits", "Terabits", "Percent",
            "Count", "Bytes/Second", "Kilobytes/Second", "Megabytes/Second", "Gigabytes/Second", "Terabytes/Second",
            "Bits/Second", "Kilobits/Second", "Megabits/Second", "Gigabits/Second", "Terabits/Second", "Count/Second",
            "None");
    private static final ObjectMapper STRICT = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();

    private EmfRules() {
    }

    /** The line parsed, after checking every rule; throws an AssertionError listing the broken ones. */
    static JsonNode assertValid(String line) {
        List<String> broken = violations(line);
        if (!broken.isEmpty()) {
            throw new AssertionError("not a valid EMF document: " + broken + "\n" + line);
        }
        try {
            return STRICT.readTree(line);
        } catch (JsonProcessingException e) {
            throw new AssertionError(e);
        }
    }

    static List<String> violations(String line) {
        List<String> broken = new ArrayList<>();
        JsonNode root = jsonObject(line, broken);
        JsonNode directives = root == null ? null : metricDirectives(root, broken);
        if (directives == null) {
            return broken; // nothing further can be checked
        }
        Set<String> dimensionTargets = new HashSet<>();
        Set<String> metricTargets = new HashSet<>();
        for (JsonNode directive : directives) {
            checkDirective(directive, root, dimensionTargets, metricTargets, broken);
        }
        Set<String> both = new HashSet<>(dimensionTargets);
        both.retainAll(metricTargets);
        if (!both.isEmpty()) {
            broken.add("a member cannot be both a dimension (string) and a metric (number): " + both);
        }
        return broken;
    }

    /** The line as one JSON object with nothing around it; null (the rule added to {@code broken}) if it is not. */
    private static JsonNode jsonObject(String line, List<String> broken) {
        if (line.contains("\n") || line.contains("\r")) {
            broken.add("one log event: the line holds a line break");
        }
        JsonNode root;
        try {
            root = STRICT.readTree(line);
        } catch (JsonProcessingException e) {
            broken.add("the message MUST be a valid JSON object with no additional data: " + e.getOriginalMessage());
            return null;
        }
        if (root == null || !root.isObject() || !line.startsWith("{") || !line.endsWith("}")) {
            broken.add("the message MUST be a JSON object with no additional data at the beginning or end");
            return null;
        }
        return root;
    }

    /** The {@code _aws} metadata checked, and its MetricDirective array; null when there is none to check. */
    private static JsonNode metricDirectives(JsonNode root, List<String> broken) {
        JsonNode aws = root.get("_aws");
        if (aws == null || !aws.isObject()) {
            broken.add("the root MUST hold the _aws metadata object");
            return null;
        }
        onlyMembers(aws, Set.of("Timestamp", "CloudWatchMetrics"), "_aws", broken);
        JsonNode timestamp = aws.get("Timestamp");
        if (timestamp == null || !timestamp.isIntegralNumber() || timestamp.asLong() < 1_000_000_000_000L) {
            broken.add("_aws.Timestamp MUST be an integer number of milliseconds since the epoch: " + timestamp);
        }
        JsonNode directives = aws.get("CloudWatchMetrics");
        if (directives == null || !directives.isArray()) {
            broken.add("_aws.CloudWatchMetrics MUST be an array of MetricDirective");
            return null;
        }
        return directives;
    }

    /**
     * One MetricDirective; the members its dimensions and its metrics name are added to the two target sets, so
     * the caller can check across directives that no member is both.
     */
    private static void checkDirective(JsonNode directive, JsonNode root, Set<String> dimensionTargets,
            Set<String> metricTargets, List<String> broken) {
        if (!directive.isObject()) {
            broken.add("a MetricDirective MUST be an object");
            return;
        }
        onlyMembers(directive, Set.of("Namespace", "Dimensions", "Metrics"), "MetricDirective", broken);
        JsonNode namespace = directive.get("Namespace");
        if (namespace == null || !namespace.isTextual() || namespace.asText().isBlank()
                || namespace.asText().length() > 255 || namespace.asText().startsWith("AWS/")) {
            broken.add("Namespace MUST be a string of 1 to 255 characters, not AWS/...: " + namespace);
        }
        JsonNode dimensions = directive.get("Dimensions");
        if (dimensions == null || !dimensions.isArray() || dimensions.isEmpty()) {
            broken.add("Dimensions MUST be a non-empty array of DimensionSet");
        } else {
            for (JsonNode set : dimensions) {
                checkDimensionSet(set, root, dimensionTargets, broken);
            }
        }
        JsonNode metrics = directive.get("Metrics");
        if (metrics == null || !metrics.isArray() || metrics.size() > 100) {
            broken.add("Metrics MUST be an array of at most 100 MetricDefinition");
            return;
        }
        for (JsonNode metric : metrics) {
            checkMetric(metric, root, metricTargets, broken);
        }
    }

    /** One DimensionSet: each key names a top-level string member, which is added to {@code targets}. */
    private static void checkDimensionSet(JsonNode set, JsonNode root, Set<String> targets, List<String> broken) {
        if (!set.isArray() || set.size() > 30) {
            broken.add("a DimensionSet MUST be an array of at most 30 dimension keys: " + set);
            return;
        }
        for (JsonNode key : set) {
            String name = key.asText();
            if (!key.isTextual() || name.isEmpty() || name.length() > 250) {
                broken.add("a dimension key MUST be a string of 1 to 250 characters: " + key);
                continue;
            }
            JsonNode target = root.get(name);
            if (target == null || !target.isTextual() || target.asText().isBlank()
                    || target.asText().length() > 1024) {
                broken.add("dimension " + name + " MUST be a top-level member with a non-blank string "
                        + "value of at most 1024 characters: " + target);
            }
            targets.add(name);
        }
    }

    /** One MetricDefinition: it names a top-level number member, which is added to {@code targets}. */
    private static void checkMetric(JsonNode metric, JsonNode root, Set<String> targets, List<String> broken) {
        onlyMembers(metric, Set.of("Name", "Unit", "StorageResolution"), "MetricDefinition", broken);
        JsonNode name = metric.get("Name");
        if (name == null || !name.isTextual() || name.asText().isEmpty() || name.asText().length() > 1024) {
            broken.add("MetricDefinition.Name MUST be a string of 1 to 1024 characters: " + name);
            return;
        }
        JsonNode target = root.get(name.asText());
        boolean numeric = target != null && (target.isNumber()
                || target.isArray() && target.size() <= 100 && allNumbers(target));
        if (!numeric) {
            broken.add("metric " + name.asText() + " MUST be a top-level number (or array of at most 100 "
                    + "numbers): " + target);
        }
        targets.add(name.asText());
        JsonNode unit = metric.get("Unit");
        if (unit != null && (!unit.isTextual() || !UNITS.contains(unit.asText()))) {
            broken.add("Unit of " + name.asText() + " MUST be a CloudWatch unit: " + unit);
        }
        JsonNode resolution = metric.get("StorageResolution");
        if (resolution != null && !(resolution.isInt() && (resolution.asInt() == 1 || resolution.asInt() == 60))) {
            broken.add("StorageResolution of " + name.asText() + " MUST be 1 or 60: " + resolution);
        }
    }

    private static boolean allNumbers(JsonNode array) {
        for (JsonNode element : array) {
            if (!element.isNumber()) {
                return false;
            }
        }
        return true;
    }

    private static void onlyMembers(JsonNode object, Set<String> allowed, String what, List<String> broken) {
        if (!object.isObject()) {
            broken.add(what + " MUST be an object");
            return;
        }
        Iterator<String> names = object.fieldNames();
        while (names.hasNext()) {
            String name = names.next();
            if (!allowed.contains(name)) {
                broken.add(what + " MUST NOT contain additional members: " + name);
            }
        }
    }
}
