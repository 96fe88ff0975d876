package io.policywebhooks.webhook;

import io.policywebhooks.AppConfig;
import io.policywebhooks.provider.InvalidSignatureException;
import io.policywebhooks.provider.Headers;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.policywebhooks.LogCapture;
import io.policywebhooks.TestProviders;

/**
 * The request log line without Quarkus or storage (the outcomes decided before any write: too large, empty,
 * rejected): it is an EMF document with the metric names, units, dimension sets, namespace and timestamp the
 * dashboard and alarms rely on; it carries the request ids it is given; {@code cold_start} marks the first request
 * of an instance only. The stored outcomes go through the Lambda path in {@link RequestLogEmfTest}.
 */
class RequestLogTest {
    static final Instant NOW = Instant.parse("2026-12-01T12:00:00.123Z");
    static final Endpoint PROVIDER = new Endpoint(TestProviders.named("test-provider", (body, json, headers, at) -> {
        throw new AssertionError("a rejected request is never mapped");
    }), (body, headers) -> {
        throw new InvalidSignatureException("signature mismatch");
    });

    static WebhookService service(String namespace) {
        // No store: none of these outcomes writes.
        return new WebhookService(null, Clock.fixed(NOW, ZoneOffset.UTC), 16, namespace);
    }

    static List<JsonNode> lines(WebhookService service, Invocation ids, byte[]... bodies) {
        List<JsonNode> lines = new ArrayList<>();
        try (LogCapture capture = new LogCapture()) {
            for (byte[] body : bodies) {
                service.receive(PROVIDER, body, Headers.of(Map.of()), ids);
            }
            capture.requestLines().forEach(line -> lines.add(EmfRules.assertValid(line)));
        }
        assertEquals(bodies.length, lines.size(), "one line per request");
        return lines;
    }

    static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void theBodyLimitCountsBytesNotCharacters() {
        // The limit is 16 bytes: 8 two-byte characters reach verification, 9 (18 bytes) are refused unread.
        List<JsonNode> lines = lines(service(AppConfig.DEFAULTS.metricsNamespace()), Invocation.NONE,
                bytes("\u00e9".repeat(8)), bytes("\u00e9".repeat(9)));
        assertEquals(401, lines.get(0).path("status").asInt(), lines.get(0).toString());
        assertEquals(413, lines.get(1).path("status").asInt(), lines.get(1).toString());
    }

    @Test
    void everyLineIsAnEmfDocumentOfTheDeclaredMetrics() {
        List<JsonNode> lines = lines(service("Team/Webhooks-staging"), Invocation.NONE,
                bytes("{\"a\":1}"), new byte[0], bytes("x".repeat(17)));
        List<String> outcomes = new ArrayList<>();
        for (JsonNode line : lines) {
            outcomes.add(line.path("outcome").asText());
            assertEquals("test-provider", line.path(RequestMetrics.PROVIDER).asText());
            assertEquals(NOW.toEpochMilli(), line.path("_aws").path("Timestamp").asLong(), "timestamp from the clock");
            assertEquals(1, line.path("Deliveries").asInt());
            assertEquals(0, line.path("Stored").asInt(), "nothing stored");
            assertEquals(line.path("duration_ms").asDouble(), line.path("DurationMs").asDouble());
            assertEquals(declared("Team/Webhooks-staging"), directives(line));
        }
        assertEquals(List.of("rejected", "empty", "too_large"), outcomes);
    }

    /** What RequestMetrics declares, as "namespace dimension-sets: name unit, ..." per directive. */
    static List<String> declared(String namespace) {
        return List.of(namespace + " [[provider, outcome], [provider]]: Deliveries Count, DurationMs Milliseconds",
                namespace + " [[provider]]: Stored Count, UnreadableTimeRefusals Count");
    }

    static List<String> directives(JsonNode line) {
        List<String> found = new ArrayList<>();
        for (JsonNode directive : line.path("_aws").path("CloudWatchMetrics")) {
            List<List<String>> sets = new ArrayList<>();
            directive.path("Dimensions").forEach(set -> {
                List<String> names = new ArrayList<>();
                set.forEach(n -> names.add(n.asText()));
                sets.add(names);
            });
            List<String> metrics = new ArrayList<>();
            directive.path("Metrics").forEach(m -> metrics.add(m.path("Name").asText() + " " + m.path("Unit").asText()));
            found.add(directive.path("Namespace").asText() + " " + sets + ": " + String.join(", ", metrics));
        }
        return found;
    }

    @Test
    void theDeclaredMetricsAreTheDocumentedOnes() {
        assertEquals(declared("PolicyWebhooks"), directives(lines(service(AppConfig.DEFAULTS.metricsNamespace()),
                Invocation.NONE, new byte[0]).get(0)));
        for (Outcome.Kind kind : Outcome.Kind.values()) {
            boolean stored = kind == Outcome.Kind.STORED || kind == Outcome.Kind.DUPLICATE
                    || kind == Outcome.Kind.STORED_PARTIALLY;
            assertEquals(stored, kind.stored(), kind.name().toLowerCase(Locale.ROOT));
        }
    }

    @Test
    void coldStartMarksOnlyTheFirstRequestOfAnInstance() {
        WebhookService service = service(AppConfig.DEFAULTS.metricsNamespace());
        List<JsonNode> lines = lines(service, Invocation.NONE, new byte[0], new byte[0], bytes("{}"));
        assertTrue(lines.get(0).path("cold_start").asBoolean(false), lines.get(0).toString());
        assertFalse(lines.get(1).has("cold_start"), lines.get(1).toString());
        assertFalse(lines.get(2).has("cold_start"), lines.get(2).toString());
        // A new instance starts cold again.
        assertTrue(lines(service(AppConfig.DEFAULTS.metricsNamespace()), Invocation.NONE, new byte[0]).get(0)
                .path("cold_start").asBoolean(false));
    }

    @Test
    void requestIdsAreLoggedWhenPresentAndAbsentOtherwise() {
        JsonNode with = lines(service(AppConfig.DEFAULTS.metricsNamespace()), new Invocation("lambda-1", "api-1", null),
                new byte[0]).get(0);
        assertEquals("lambda-1", with.path("lambda_request_id").asText());
        assertEquals("api-1", with.path("api_request_id").asText());
        JsonNode without = lines(service(AppConfig.DEFAULTS.metricsNamespace()), Invocation.NONE, new byte[0]).get(0);
        assertFalse(without.has("lambda_request_id") || without.has("api_request_id"), without.toString());
        JsonNode one = lines(service(AppConfig.DEFAULTS.metricsNamespace()), new Invocation(null, "api-2", null),
                new byte[0]).get(0);
        assertEquals("api-2", one.path("api_request_id").asText());
        assertFalse(one.has("lambda_request_id"));
        // Nothing to give outside Lambda: no ids, no failure.
        assertEquals(Invocation.NONE, Invocation.of(null, null));
    }

    @Test
    void aNamespaceCloudWatchRefusesStopsStartup() {
        for (String bad : new String[] {"", " ", "AWS/Lambda", "x".repeat(256), "bad\"quote", "new\nline", "ü"}) {
            assertThrows(IllegalStateException.class, () -> service(bad), "namespace '" + bad + "'");
        }
        for (String good : new String[] {"PolicyWebhooks", "PolicyWebhooks/staging", "a", "x".repeat(255),
                "Team.Webhooks_1#2:3 - x"}) {
            service(good);
        }
    }

    @Test
    void theRulesCheckerRefusesWhatCloudWatchWouldNotExtract() {
        String good = "{\"provider\":\"p\",\"n\":1,\"_aws\":{\"Timestamp\":1764590400123,\"CloudWatchMetrics\":"
                + "[{\"Namespace\":\"N\",\"Dimensions\":[[\"provider\"]],\"Metrics\":[{\"Name\":\"n\",\"Unit\":\"Count\"}]}]}}";
        assertEquals(List.of(), EmfRules.violations(good));
        Map<String, String> broken = Map.of(
                "dimension member missing", good.replace("\"provider\":\"p\",", ""),
                "dimension not a string", good.replace("\"provider\":\"p\"", "\"provider\":1"),
                "metric not a number", good.replace("\"n\":1", "\"n\":\"1\""),
                "unknown unit", good.replace("\"Count\"", "\"Counts\""),
                "timestamp in seconds", good.replace("1764590400123", "1764590400"),
                "extra member in a directive", good.replace("\"Namespace\"", "\"Extra\":1,\"Namespace\""),
                "trailing data", good + " x",
                "no dimension sets", good.replace("[[\"provider\"]]", "[]"),
                "AWS namespace", good.replace("\"N\"", "\"AWS/N\""));
        broken.forEach((what, line) -> assertFalse(EmfRules.violations(line).isEmpty(), what));
    }
}
