package io.policywebhooks.webhook;

import static io.policywebhooks.Webhooks.*;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.policywebhooks.ten99policy.Ten99PolicySigner;
import io.policywebhooks.ten99policy.Ten99PolicyEvents;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.policywebhooks.AppConfig;
import io.policywebhooks.FaultProxy;
import io.policywebhooks.LogCapture;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Every outcome's request log line, produced through the Lambda HTTP path, is a valid EMF document (checked rule by
 * rule by {@link EmfRules}) that carries the Lambda and API Gateway request ids of its invocation, and an authentic
 * Convoy delivery's own ids.
 * <p>
 * Quarkus's mock event server builds the API Gateway v2 event itself from a plain HTTP request, without
 * {@code requestContext.requestId}; this test posts a complete v2 event, as API Gateway sends it, to the server's raw
 * event route ({@code POST /_lambda_}), with the invocation's Lambda request id in the runtime API header.
 */
@QuarkusTest
class RequestLogEmfTest {
    static final ObjectMapper JSON = new ObjectMapper();

    /** One invocation as Lambda delivers it: the v2 event with its request id, and the Lambda request id. */
    record Sent(String lambdaRequestId, String apiRequestId, int status) {
    }

    static Sent invoke(String provider, byte[] body, Map<String, String> headers) throws Exception {
        String lambdaRequestId = UUID.randomUUID().toString();
        String apiRequestId = "Ab" + UUID.randomUUID().toString().substring(0, 12) + "=";
        ObjectNode event = JSON.createObjectNode()
                .put("version", "2.0")
                .put("routeKey", "POST /webhooks/" + provider)
                .put("rawPath", "/webhooks/" + provider)
                .put("rawQueryString", "")
                .put("body", Base64.getEncoder().encodeToString(body))
                .put("isBase64Encoded", true);
        ObjectNode eventHeaders = event.putObject("headers").put("content-type", "application/json");
        headers.forEach((name, value) -> eventHeaders.put(name.toLowerCase(Locale.ROOT), value));
        ObjectNode context = event.putObject("requestContext")
                .put("requestId", apiRequestId)
                .put("routeKey", "POST /webhooks/" + provider)
                .put("stage", "$default")
                .put("timeEpoch", System.currentTimeMillis());
        context.putObject("http").put("method", "POST").put("path", "/webhooks/" + provider)
                .put("protocol", "HTTP/1.1").put("sourceIp", "192.0.2.1").put("userAgent", "test");
        String response = given().header("Lambda-Runtime-Aws-Request-Id", lambdaRequestId)
                .contentType("application/json").body(JSON.writeValueAsBytes(event))
                .post("/_lambda_").then().statusCode(200).extract().asString();
        return new Sent(lambdaRequestId, apiRequestId, JSON.readTree(response).path("statusCode").asInt());
    }

    static byte[] policyEvent(String type) {
        return utf8("{\"id\":\"evt_" + UUID.randomUUID() + "\",\"type\":\"" + type + "\",\"created\":1700000000,"
                + "\"data\":{\"id\":\"pl_" + UUID.randomUUID() + "\"}}");
    }

    @Test
    void everyOutcomesLineIsAValidEmfDocumentWithBothRequestIds() throws Exception {
        byte[] stored = policyEvent("policy.active");
        // An event type over DynamoDB's 2048-byte index key limit is left out of the item: stored partially.
        byte[] partial = policyEvent("policy." + "x".repeat(2100));
        byte[] failing = policyEvent("policy.active");
        String convoyEventId = UUID.randomUUID().toString();
        Map<String, Sent> invocations = new LinkedHashMap<>();
        List<String> lines;
        try (LogCapture capture = new LogCapture()) {
            invocations.put("stored", invoke("1099policy", stored, Map.of("X-Convoy-Signature", Ten99PolicySigner.signedNow(stored),
                    "X-Convoy-Event-ID", convoyEventId, "X-Convoy-Idempotency-Key", "idem-" + convoyEventId)));
            invocations.put("duplicate", invoke("1099policy", stored, Map.of("X-Convoy-Signature", Ten99PolicySigner.signedNow(stored))));
            invocations.put("stored_partially",
                    invoke("1099policy", partial, Map.of("X-Convoy-Signature", Ten99PolicySigner.signedNow(partial))));
            invocations.put("rejected", invoke("vertical-insure", stored, Map.of("VerticalInsure-Signature", "bad")));
            invocations.put("empty", invoke("1099policy", new byte[0], Map.of("X-Convoy-Event-ID", "unsigned")));
            invocations.put("too_large", invoke("vertical-insure", new byte[131_073], Map.of()));
            FaultProxy.set(FaultProxy.Mode.DOWN);
            try {
                invocations.put("storage_failed",
                        invoke("1099policy", failing, Map.of("X-Convoy-Signature", Ten99PolicySigner.signedNow(failing))));
            } finally {
                FaultProxy.set(FaultProxy.Mode.UP);
            }
            lines = capture.requestLines();
        }
        assertEquals(invocations.size(), lines.size(), "one line per request: " + lines);
        List<String> expectedOutcomes = new ArrayList<>();
        for (Outcome.Kind kind : Outcome.Kind.values()) {
            expectedOutcomes.add(kind.name().toLowerCase(Locale.ROOT));
        }
        assertEquals(expectedOutcomes, new ArrayList<>(invocations.keySet()), "every outcome kind, once");

        List<String> outcomes = new ArrayList<>();
        int i = 0;
        for (Map.Entry<String, Sent> entry : invocations.entrySet()) {
            JsonNode line = EmfRules.assertValid(lines.get(i++));
            Sent invocation = entry.getValue();
            outcomes.add(line.path("outcome").asText());
            assertEquals(invocation.status(), line.path("status").asInt(), line.toString());
            assertEquals(invocation.lambdaRequestId(), line.path("lambda_request_id").asText(), line.toString());
            assertEquals(invocation.apiRequestId(), line.path("api_request_id").asText(), line.toString());
            assertEquals(RequestLogTest.declared(AppConfig.DEFAULTS.metricsNamespace()), RequestLogTest.directives(line));
            boolean storedKind = Outcome.Kind.valueOf(entry.getKey().toUpperCase(Locale.ROOT)).stored();
            assertEquals(storedKind ? 1 : 0, line.path("Stored").asInt(), line.toString());
            assertEquals(1, line.path("Deliveries").asInt());
            if (entry.getKey().equals("stored")) {
                // The provider's delivery ids, to find the line from the provider's delivery log.
                assertEquals(convoyEventId, line.path("convoy_event_id").asText(), line.toString());
                assertEquals("idem-" + convoyEventId, line.path("convoy_idempotency_key").asText(), line.toString());
            } else {
                assertFalse(line.has("convoy_event_id"), "only an authentic delivery's, here none: " + line);
            }
            assertFalse(line.has("cold_start") && !line.path("cold_start").asBoolean(),
                    "cold_start is true or absent: " + line);
        }
        assertEquals(new ArrayList<>(invocations.keySet()), outcomes, "the outcome each request was meant to have");
    }

    @Test
    void withoutAnApiGatewayRequestIdTheLineHasNoneAndTheRequestIsAnsweredAsUsual() throws Exception {
        // The mock event server's own v2 event (plain HTTP to the route) has no requestContext.requestId.
        byte[] body = policyEvent("policy.active");
        try (LogCapture capture = new LogCapture()) {
            post(Ten99PolicyEvents.PROVIDER, body).statusCode(200);
            JsonNode line = EmfRules.assertValid(capture.requestLines().get(0));
            assertFalse(line.has("api_request_id"), line.toString());
            assertFalse(line.path("lambda_request_id").asText().isEmpty(), "the invocation's id: " + line);
        }
    }
}
