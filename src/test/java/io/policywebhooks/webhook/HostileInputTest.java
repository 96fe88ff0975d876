package io.policywebhooks.webhook;

import static io.policywebhooks.Webhooks.*;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.policywebhooks.verticalinsure.VerticalInsureEvents;
import io.policywebhooks.ten99policy.Ten99PolicyEvents;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.policywebhooks.DynaliteResource;
import io.policywebhooks.Signers;
import io.policywebhooks.WebhookSigner;
import io.policywebhooks.ten99policy.ConvoySignatureVerifier;
import io.policywebhooks.ten99policy.Ten99PolicyProvider;
import io.policywebhooks.ten99policy.Ten99PolicySigner;
import io.policywebhooks.verticalinsure.VerticalInsureProvider;
import io.policywebhooks.verticalinsure.VerticalInsureSigner;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ExtractableResponse;
import io.restassured.response.Response;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Hostile and broken input through the Lambda HTTP path. Every bad request gets a defined 4xx answer with a
 * short JSON reason, never a 5xx or a stack trace, and writes nothing; every authentic request is stored.
 */
@QuarkusTest
class HostileInputTest {
    static final ConvoySignatureVerifier.Hash SHA512 = ConvoySignatureVerifier.Hash.SHA512;
    static final ConvoySignatureVerifier.Encoding HEX = ConvoySignatureVerifier.Encoding.HEX;

    @Inject
    DynamoDbClient dynamo;

    static String sig(long t, byte[] body) {
        return Ten99PolicySigner.signWithTimestamp(Ten99PolicyProvider.LOCAL_SECRET, t, body, SHA512, HEX);
    }

    static byte[] body() {
        return utf8("{\"id\":\"evt_" + UUID.randomUUID() + "\",\"type\":\"policy.active\",\"created\":1700000000,"
                + "\"data\":{\"id\":\"pl_" + UUID.randomUUID() + "\"}}");
    }

    /** name, path, headers, body, expected status, expected error */
    static Stream<Arguments> badRequests() {
        long now = now();
        byte[] body = body();
        byte[] other = body();
        byte[] flipped = body.clone();
        flipped[5] ^= 0x20;
        String reserialized = "t=" + now + ",v1=" + sig(now, reserialize(body));
        String good = sig(now, body);
        byte[] nonUtf8 = {'{', (byte) 0xC3, (byte) 0x28, (byte) 0xFF, '}'};
        byte[] huge = new byte[131_073];
        java.util.Arrays.fill(huge, (byte) ' ');
        String vi = "/webhooks/vertical-insure";
        String ten = "/webhooks/1099policy";
        return Stream.of(
                Arguments.of("no signature header", ten, Map.of(), body, 401, "missing signature"),
                Arguments.of("empty signature header", ten, Map.of("X-Convoy-Signature", ""), body, 401, "missing signature"),
                Arguments.of("garbage header", ten, Map.of("X-Convoy-Signature", "garbage%%!"), body, 401, "malformed signature"),
                Arguments.of("t= without v1=", ten, Map.of("X-Convoy-Signature", "t=" + now), body, 401, "missing signature"),
                Arguments.of("v1= without t=", ten, Map.of("X-Convoy-Signature", "v1=" + good), body, 401, "missing timestamp"),
                Arguments.of("non-numeric timestamp", ten, Map.of("X-Convoy-Signature", "t=abc,v1=" + good), body, 401, "invalid timestamp"),
                Arguments.of("negative timestamp", ten, Map.of("X-Convoy-Signature", "t=-" + now + ",v1=" + good), body, 401, "invalid timestamp"),
                Arguments.of("huge timestamp", ten, Map.of("X-Convoy-Signature", "t=99999999999999999999999,v1=" + good), body, 401, "invalid timestamp"),
                Arguments.of("Infinity timestamp", ten, Map.of("X-Convoy-Signature", "t=Infinity,v1=" + good), body, 401, "invalid timestamp"),
                Arguments.of("documented form, non-numeric timestamp", ten, Map.of("Convoy-Timestamp", "soon", "X-Convoy-Signature", good), body, 401, "invalid timestamp"),
                Arguments.of("timestamp just outside, past", ten, Map.of("X-Convoy-Signature", "t=" + (now - 310) + ",v1=" + sig(now - 310, body)), body, 401, "timestamp outside tolerance"),
                Arguments.of("timestamp just outside, future", ten, Map.of("X-Convoy-Signature", "t=" + (now + 310) + ",v1=" + sig(now + 310, body)), body, 401, "timestamp outside tolerance"),
                Arguments.of("valid signature of a different body", ten, Map.of("X-Convoy-Signature", "t=" + now + ",v1=" + sig(now, other)), body, 401, "signature mismatch"),
                Arguments.of("one flipped byte", ten, Map.of("X-Convoy-Signature", "t=" + now + ",v1=" + good), flipped, 401, "signature mismatch"),
                Arguments.of("signature of re-serialized JSON", ten, Map.of("X-Convoy-Signature", reserialized), body, 401, "signature mismatch"),
                Arguments.of("wrong secret", ten, Map.of("X-Convoy-Signature", Ten99PolicySigner.signAdvanced(List.of("guess"), now, body, SHA512, HEX)), body, 401, "signature mismatch"),
                Arguments.of("hundreds of v1= entries", ten, Map.of("X-Convoy-Signature", "t=" + now + ",v1=00".repeat(400)), body, 401, "too many signatures"),
                Arguments.of("very long header value", ten, Map.of("X-Convoy-Signature", "t=" + now + ",v1=" + "a".repeat(6000)), body, 401, "malformed signature"),
                Arguments.of("empty body", ten, Map.of("X-Convoy-Signature", "t=" + now + ",v1=" + sig(now, new byte[0])), new byte[0], 400, "empty body"),
                Arguments.of("body over the size limit", ten, Map.of("X-Convoy-Signature", "t=" + now + ",v1=" + sig(now, huge)), huge, 413, "body too large"),
                Arguments.of("non-UTF-8 bytes, unsigned", ten, Map.of("X-Convoy-Signature", "t=" + now + ",v1=" + good), nonUtf8, 401, "signature mismatch"),
                Arguments.of("Vertical Insure: no signature", vi, Map.of(), body, 401, "missing signature"),
                Arguments.of("Vertical Insure: garbage", vi, Map.of("VerticalInsure-Signature", "zz"), body, 401, "malformed signature"),
                Arguments.of("Vertical Insure: signature of another body", vi, Map.of("VerticalInsure-Signature",
                        VerticalInsureSigner.sign(VerticalInsureProvider.LOCAL_SECRET, other)), body, 401, "signature mismatch"),
                Arguments.of("Vertical Insure: re-serialized JSON", vi, Map.of("VerticalInsure-Signature",
                        VerticalInsureSigner.sign(VerticalInsureProvider.LOCAL_SECRET, reserialize(body))), body, 401, "signature mismatch"),
                Arguments.of("unknown path", "/webhooks/stripe", Map.of(), body, 404, "not found"),
                Arguments.of("path below a route", "/webhooks/1099policy/extra", Map.of(), body, 404, "not found"));
    }

    static byte[] reserialize(byte[] json) {
        try {
            ObjectMapper mapper = new ObjectMapper();
            return mapper.writerWithDefaultPrettyPrinter().writeValueAsBytes(mapper.readTree(json));
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    int eventCount() {
        return dynamo.scanPaginator(b -> b.tableName(DynaliteResource.TABLES.events()).select("COUNT"))
                .stream().mapToInt(page -> page.count()).sum();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badRequests")
    void badRequestGetsADefinedAnswerAndWritesNothing(String name, String path, Map<String, String> headers,
            byte[] body, int status, String error) {
        int before = eventCount();
        ExtractableResponse<Response> answer = given().contentType("application/json").headers(headers).body(body)
                .post(path).then().extract();
        assertEquals(status, answer.statusCode(), name);
        assertEquals(error, answer.jsonPath().getString("error"), name);
        assertNoStackTrace(answer.asString());
        assertEquals(before, eventCount(), name + ": nothing written");
    }

    @Test
    void wrongMethodIs405() {
        ExtractableResponse<Response> answer = given().get("/webhooks/1099policy").then().extract();
        assertEquals(405, answer.statusCode());
        assertEquals("method not allowed", answer.jsonPath().getString("error"));
        given().put("/webhooks/vertical-insure").then().statusCode(405);
    }

    @Test
    void timestampJustInsideToleranceOnBothSidesIsAccepted() {
        for (long offset : new long[] {-290, 290}) {
            byte[] body = body();
            long t = now() + offset;
            post(Ten99PolicyEvents.PROVIDER, body, Map.of("X-Convoy-Signature", "t=" + t + ",v1=" + sig(t, body))).statusCode(200);
        }
    }

    /** Authentic requests with odd content are stored raw and answered 200, for both providers. */
    static Stream<Arguments> oddButAuthentic() {
        String deep = "[".repeat(100) + "]".repeat(100);
        String tooDeepForJackson = "[".repeat(2000) + "]".repeat(2000);
        return Stream.of(
                Arguments.of("non-JSON", "hello, not json " + UUID.randomUUID(), "body is not JSON"),
                Arguments.of("JSON array", "[1,2,3,\"" + UUID.randomUUID() + "\"]", null),
                Arguments.of("deeply nested JSON object", "{\"n\":" + deep + ",\"u\":\"" + UUID.randomUUID() + "\"}", "JSON has no DynamoDB form"),
                Arguments.of("nesting beyond the parser's limit", "{\"u\":\"" + UUID.randomUUID() + "\",\"n\":" + tooDeepForJackson + "}", "body is not JSON"),
                Arguments.of("unknown event type", "{\"type\":\"brand.new\",\"event\":\"brand_new\",\"u\":\"" + UUID.randomUUID() + "\"}", null),
                Arguments.of("missing data", "{\"type\":\"policy.active\",\"event\":\"policy_bind_complete\",\"u\":\"" + UUID.randomUUID() + "\"}", null),
                Arguments.of("data null", "{\"type\":\"policy.cancelled\",\"event\":\"policy_canceled\",\"data\":null,\"u\":\"" + UUID.randomUUID() + "\"}", null),
                Arguments.of("number DynamoDB cannot hold", "{\"type\":\"x\",\"n\":1e400,\"u\":\"" + UUID.randomUUID() + "\"}", "JSON has no DynamoDB form"),
                Arguments.of("39 significant digits", "{\"type\":\"x\",\"n\":" + "9".repeat(39) + ",\"u\":\"" + UUID.randomUUID() + "\"}", "JSON has no DynamoDB form"),
                Arguments.of("nesting of exactly 32 levels", nested(32, UUID.randomUUID().toString()), "JSON has no DynamoDB form"),
                Arguments.of("nesting of 31 levels", nested(31, UUID.randomUUID().toString()), null),
                Arguments.of("an empty object key deep inside", "{\"type\":\"policy.active\",\"data\":{\"id\":\"pl_" + UUID.randomUUID() + "\",\"certificates\":{\"\":\"x\"}}}", "JSON has no DynamoDB form"));
    }

    /** {@code levels} nested objects, the innermost holding {@code leaf}: the body itself is level 1. */
    static String nested(int levels, String leaf) {
        return "{\"n\":".repeat(levels - 1) + "{\"u\":\"" + leaf + "\"}" + "}".repeat(levels - 1);
    }

    @Test
    void aBodyOfExactlyTheLimitIsAcceptedAndOneByteMoreIsRefused() {
        String json = "{\"type\":\"x\",\"u\":\"" + UUID.randomUUID() + "\"}";
        byte[] atLimit = utf8(json + " ".repeat(131_072 - json.length()));
        assertEquals(131_072, atLimit.length);
        String eventId = post(Ten99PolicyEvents.PROVIDER, atLimit).statusCode(200).extract().path("event_id");
        assertEquals(131_072, s(event(dynamo, eventId), "raw_body").length());
        byte[] over = utf8(json.replace("\"x\"", "\"y\"") + " ".repeat(131_073 - json.length()));
        assertEquals(131_073, over.length);
        int before = eventCount();
        post(Ten99PolicyEvents.PROVIDER, over).statusCode(413).body("error", equalTo("body too large"));
        post(VerticalInsureEvents.PROVIDER, over).statusCode(413);
        assertEquals(before, eventCount());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("oddButAuthentic")
    void oddButAuthenticContentIsStoredRaw(String name, String text, String parseError) {
        byte[] body = utf8(text);
        String ten = post(Ten99PolicyEvents.PROVIDER, body).statusCode(200).extract().path("event_id");
        String vi = post(VerticalInsureEvents.PROVIDER, body).statusCode(200).extract().path("event_id");
        for (String eventId : new String[] {ten, vi}) {
            Map<String, AttributeValue> event = event(dynamo, eventId);
            assertEquals(text, s(event, "raw_body"), name);
            assertEquals(parseError, s(event, "parse_error"), name);
            if (parseError == null) {
                assertTrue(event.containsKey("payload"), name);
            }
        }
    }

    @Test
    void base64BodyAsApiGatewayDeliversBinaryPayloadsIsVerifiedOnTheDecodedBytes() throws Exception {
        // Posting a raw API Gateway v2 event to the mock Lambda runtime exercises what AWS really sends.
        byte[] bytes = {'{', '"', 'x', '"', ':', '"', (byte) 0xC3, (byte) 0x28, (byte) 0xFF, '"', '}'}; // not UTF-8
        long t = now();
        String signature = "t=" + t + ",v1=" + sig(t, bytes);
        Map<String, Object> answer = invokeLambda(bytes, true, signature);
        assertEquals(200, answer.get("statusCode"));
        String eventId = new ObjectMapper().readTree((String) answer.get("body")).get("event_id").asText();
        Map<String, AttributeValue> event = event(dynamo, eventId);
        assertArrayEquals(bytes, event.get("raw_body_bytes").b().asByteArray());
        assertNull(event.get("raw_body"));

        Map<String, Object> tampered = invokeLambda(bytes, false, signature); // the base64 text is not what was signed
        assertEquals(401, tampered.get("statusCode"));
    }

    @Test
    void rawApiGatewayEventWithUnsplitCommaHeaderVerifies() throws Exception {
        byte[] body = body();
        long t = now();
        String header = "t=" + t + ",v1=" + "cd".repeat(64) + ",v1=" + sig(t, body);
        Map<String, Object> answer = invokeLambda(body, false, header);
        assertEquals(200, answer.get("statusCode"));
    }

    /** Sends an API Gateway HTTP API (payload v2) event to the mock Lambda runtime and returns its response. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> invokeLambda(byte[] body, boolean base64, String convoySignature) throws Exception {
        ObjectMapper mapper = new ObjectMapper();
        ObjectNode event = mapper.createObjectNode();
        event.put("version", "2.0").put("routeKey", "POST /webhooks/1099policy").put("rawPath", "/webhooks/1099policy")
                .put("rawQueryString", "").put("isBase64Encoded", base64)
                .put("body", base64 ? Base64.getEncoder().encodeToString(body) : new String(body, StandardCharsets.ISO_8859_1));
        Map<String, String> headers = new HashMap<>();
        headers.put("content-type", "application/json");
        headers.put("x-convoy-signature", convoySignature);
        event.set("headers", mapper.valueToTree(headers));
        ObjectNode http = mapper.createObjectNode().put("method", "POST").put("path", "/webhooks/1099policy")
                .put("protocol", "HTTP/1.1").put("sourceIp", "192.0.2.1").put("userAgent", "Convoy");
        event.set("requestContext", mapper.createObjectNode().put("stage", "$default").set("http", http));
        String response = given().contentType("application/json").body(event.toString()).post("/_lambda_")
                .then().statusCode(200).extract().asString();
        return mapper.readValue(response, Map.class);
    }

    static void assertNoStackTrace(String body) {
        assertFalse(body.contains("Exception") || body.contains("\tat ") || body.contains(".java:"), body);
    }

    // ---------------------------------------------------------------- every provider, found by Signers

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.policywebhooks.Signers#names")
    void everyProviderRefusesWhatIsNotAuthenticAndWritesNothing(String provider) {
        WebhookSigner signer = Signers.of(provider);
        byte[] body = uniqueSample(signer);
        long now = now();
        Map<String, String> good = signer.headers(signer.localSecret(), body, now);
        Map<String, Map<String, String>> bad = new java.util.LinkedHashMap<>();
        bad.put("no signature headers", Map.of());
        bad.put("signed with another secret", signer.headers("not-" + signer.localSecret(), body, now));
        bad.put("signature of another body", signer.headers(signer.localSecret(), uniqueSample(signer), now));
        good.keySet().forEach(name -> {
            Map<String, String> corrupted = new HashMap<>(good);
            String value = good.get(name);
            char last = Character.toLowerCase(value.charAt(value.length() - 1)); // hex is read in either case
            corrupted.put(name, value.substring(0, value.length() - 1) + (last == 'a' ? 'b' : 'a'));
            bad.put("last character of " + name + " changed", corrupted);
        });
        int before = eventCount();
        bad.forEach((name, headers) -> {
            ExtractableResponse<Response> answer = post(provider, body, headers).extract();
            assertEquals(401, answer.statusCode(), name);
            assertNoStackTrace(answer.asString());
        });
        assertEquals(before, eventCount(), "nothing written");
        post(provider, new byte[0], signer.headers(signer.localSecret(), new byte[0], now)).statusCode(400);
        byte[] huge = new byte[131_073];
        java.util.Arrays.fill(huge, (byte) ' ');
        post(provider, huge, signer.headers(signer.localSecret(), huge, now)).statusCode(413);
        assertEquals(before, eventCount(), "nothing written");

        // The control: the untouched request is accepted, once; its redelivery is counted.
        String eventId = post(provider, body, good).statusCode(200).body("duplicate", equalTo(false))
                .extract().path("event_id");
        post(provider, body, good).statusCode(200).body("duplicate", equalTo(true));
        assertEquals("2", event(dynamo, eventId).get("deliveries").n());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.policywebhooks.Signers#names")
    void everyProviderStoresAuthenticOddContentRaw(String provider) {
        WebhookSigner signer = Signers.of(provider);
        for (String text : new String[] {"not json " + UUID.randomUUID(), "[1,\"" + UUID.randomUUID() + "\"]"}) {
            byte[] body = utf8(text);
            String eventId = post(provider, body, signer.headers(signer.localSecret(), body, now())).statusCode(200)
                    .extract().path("event_id");
            Map<String, AttributeValue> event = event(dynamo, eventId);
            assertEquals(text, s(event, "raw_body"));
            assertEquals(provider, s(event, "provider"));
        }
    }
}
