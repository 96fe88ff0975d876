package io.policywebhooks;

import static io.restassured.RestAssured.given;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Map;

import io.policywebhooks.store.Schema;
import io.policywebhooks.ten99policy.ConvoySignatureVerifier;
import io.policywebhooks.ten99policy.Ten99PolicyProvider;
import io.policywebhooks.ten99policy.Ten99PolicySigner;
import io.policywebhooks.verticalinsure.VerticalInsureProvider;
import io.policywebhooks.verticalinsure.VerticalInsureSigner;
import io.restassured.response.ValidatableResponse;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** Test helpers: sign with the project's own signers, post through the Lambda HTTP path, read items back. */
public final class Webhooks {
    private Webhooks() {
    }

    public static byte[] sample(String path) {
        try (InputStream in = Webhooks.class.getResourceAsStream("/samples/" + path)) {
            if (in == null) {
                throw new IllegalArgumentException("no sample " + path);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    public static long now() {
        return System.currentTimeMillis() / 1000;
    }

    /** Posts {@code body} to a provider's route, signed now with its local secret by its signer. */
    public static ValidatableResponse post(String provider, byte[] body) {
        WebhookSigner signer = Signers.of(provider);
        return post(provider, body, signer.headers(signer.localSecret(), body, now()));
    }

    /** Posts {@code body} to a provider's route with {@code headers}. */
    public static ValidatableResponse post(String provider, byte[] body, Map<String, String> headers) {
        return given().contentType("application/json").headers(headers).body(body).post("/webhooks/" + provider)
                .then();
    }

    /** The provider's first sample (by file name) with a {@code test_nonce} field added, so each call is a new event. */
    public static byte[] uniqueSample(WebhookSigner signer) {
        try (var files = Files.list(Path.of("src/test/resources/samples", signer.provider()))) {
            Path first = files.filter(f -> f.toString().endsWith(".json")).sorted().findFirst().orElseThrow();
            ObjectNode json = (ObjectNode) JSON.readTree(Files.readAllBytes(first));
            json.put("test_nonce", UUID.randomUUID().toString());
            return JSON.writeValueAsBytes(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    public static Map<String, AttributeValue> event(DynamoDbClient dynamo, String eventId) {
        return get(dynamo, DynaliteResource.TABLES.events(), Schema.EVENT_ID, eventId);
    }

    public static Map<String, AttributeValue> policy(DynamoDbClient dynamo, String policyId) {
        return get(dynamo, DynaliteResource.TABLES.policies(), Schema.POLICY_ID, policyId);
    }

    public static Map<String, AttributeValue> assignment(DynamoDbClient dynamo, String assignmentId) {
        return get(dynamo, DynaliteResource.TABLES.assignments(), Schema.ASSIGNMENT_ID, assignmentId);
    }

    /** The item, or an empty map when there is none. */
    public static Map<String, AttributeValue> get(DynamoDbClient dynamo, String table, String key, String value) {
        return dynamo.getItem(b -> b.tableName(table).key(Map.of(key, AttributeValue.fromS(value))).consistentRead(true))
                .item();
    }

    public static int count(DynamoDbClient dynamo, String table, String attribute, String value) {
        return dynamo.scanPaginator(b -> b.tableName(table).filterExpression("#a = :v")
                .expressionAttributeNames(Map.of("#a", attribute))
                .expressionAttributeValues(Map.of(":v", AttributeValue.fromS(value))))
                .stream().mapToInt(page -> page.count()).sum();
    }

    public static String s(Map<String, AttributeValue> item, String name) {
        AttributeValue value = item.get(name);
        return value == null ? null : value.s();
    }
}
