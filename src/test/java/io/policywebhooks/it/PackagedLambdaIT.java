package io.policywebhooks.it;

import static io.policywebhooks.Webhooks.*;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import io.policywebhooks.verticalinsure.VerticalInsureSigner;
import io.policywebhooks.ten99policy.Ten99PolicySigner;
import io.policywebhooks.DynaliteResource;
import io.policywebhooks.Signers;
import io.policywebhooks.WebhookSigner;
import io.policywebhooks.local.LocalDynamoDb;
import io.policywebhooks.ten99policy.ConvoySignatureVerifier;
import io.policywebhooks.ten99policy.Ten99PolicyProvider;
import io.policywebhooks.verticalinsure.VerticalInsureProvider;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The production artifact, target/function.zip, run as Lambda runs it ({@link LambdaArtifact}) with the
 * environment template.yaml gives the function, against dynalite. Fails if the artifact cannot start, cannot read
 * its configuration, or cannot reach its tables.
 */
class PackagedLambdaIT {
    /**
     * Rotated secrets, most holding {@code $}, {@code $$} or {@code ${…}}: the function must use each exactly as set.
     * Expanded, {@code $$} would become {@code $}, {@code k${X:}y} {@code ky}, {@code ${HOME}} the {@link #HOME}
     * below, and the undefined reference would stop startup.
     */
    static final List<String> TEN99_SECRETS = List.of("it-1099policy-old", "it-1099policy-new", "it-1099policy-$",
            "it-1099policy-$$x", "it-1099policy-${HOME}", "it-1099policy-k${X:}y",
            "it-1099policy-${POLICY_WEBHOOKS_UNDEFINED}");
    static final String VI_KEY = "it-vertical-insure-key";
    static final List<String> VI_KEYS = List.of(VI_KEY, "it-vi-$", "it-vi-$$x", "it-vi-${HOME}", "it-vi-k${X:}y",
            "it-vi-${POLICY_WEBHOOKS_UNDEFINED}");
    /** Set so that an expanding read of {@code ${HOME}} would quietly yield another secret instead of failing. */
    static final String HOME = "/home/sbx_user1051";

    static Process dynalite;
    static String endpoint;
    static DynamoDbClient dynamo;
    static LambdaArtifact function;

    static Map<String, String> lambdaEnvironment() {
        Map<String, String> env = LambdaArtifact.environment(Map.of(
                Ten99PolicyProvider.SECRETS_VARIABLE, String.join(",", TEN99_SECRETS),
                VerticalInsureProvider.KEYS_VARIABLE, String.join(",", VI_KEYS)), endpoint);
        env.put("HOME", HOME);
        return env;
    }

    @BeforeAll
    static void start() throws IOException {
        int port = DynaliteResource.freePort();
        dynalite = LocalDynamoDb.startIfAbsent(port);
        endpoint = "http://" + LocalDynamoDb.HOST + ":" + port;
        dynamo = DynaliteResource.client(URI.create(endpoint));
        LocalDynamoDb.createTables(dynamo, DynaliteResource.TABLES);
        function = LambdaArtifact.start("it-function", lambdaEnvironment());
        try {
            function.awaitStarted(60);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @AfterAll
    static void stop() throws IOException {
        if (function != null) {
            function.close();
        }
        if (dynamo != null) {
            dynamo.close();
        }
        if (dynalite != null) {
            dynalite.destroy();
        }
    }

    @Test
    void signed1099PolicyEventIsStoredWithState() {
        String policyId = "pl_" + UUID.randomUUID();
        String id = "evt_" + UUID.randomUUID();
        byte[] body = utf8("{\"id\":\"" + id + "\",\"type\":\"policy.active\",\"created\":1700000000,"
                + "\"data\":{\"id\":\"" + policyId + "\",\"quote\":\"qt_1\"}}");
        String signature = Ten99PolicySigner.signAdvanced(List.of("it-1099policy-new"), now(), body,
                ConvoySignatureVerifier.Hash.SHA512, ConvoySignatureVerifier.Encoding.HEX);
        given().port(function.port()).contentType("application/json").header("X-Convoy-Signature", signature)
                .body(body).post("/webhooks/1099policy").then().statusCode(200)
                .body("event_id", equalTo("1099policy#" + id));

        assertEquals("policy.active", s(read(DynaliteResource.TABLES.events(), "event_id", "1099policy#" + id), "type"));
        Map<String, AttributeValue> policy = read(DynaliteResource.TABLES.policies(), "policy_id", policyId);
        assertEquals("ACTIVE", s(policy, "status"));
        assertEquals("qt_1", s(policy, "quote"));
    }

    @Test
    void signedVerticalInsureSampleIsStoredWithState() {
        String policyId = UUID.randomUUID().toString();
        byte[] body = utf8(new String(sample("vertical-insure/policy_canceled.json"), StandardCharsets.UTF_8)
                .replace("3fa85f64-5717-4562-b3fc-2c963f66afa6", policyId));
        String eventId = given().port(function.port()).contentType("application/json")
                .header("VerticalInsure-Signature", VerticalInsureSigner.sign(VI_KEY, body)).body(body)
                .post("/webhooks/vertical-insure").then().statusCode(200).extract().path("event_id");
        assertEquals("policy_canceled", s(read(DynaliteResource.TABLES.events(), "event_id", eventId), "type"));
        assertEquals("CANCELLED", s(read(DynaliteResource.TABLES.policies(), "policy_id", policyId), "status"));
    }

    @Test
    void productionRefusesTheLocalDefaultSecret() {
        byte[] body = utf8("{\"id\":\"evt_" + UUID.randomUUID() + "\",\"type\":\"policy.active\",\"data\":{\"id\":\"pl_x\"}}");
        String localDefault = Ten99PolicySigner.signAdvanced(List.of(Ten99PolicyProvider.LOCAL_SECRET), now(),
                body, ConvoySignatureVerifier.Hash.SHA512, ConvoySignatureVerifier.Encoding.HEX);
        given().port(function.port()).contentType("application/json").header("X-Convoy-Signature", localDefault)
                .body(body).post("/webhooks/1099policy").then().statusCode(401);
    }

    @Test
    void requestLogLinesArePureJson() throws Exception {
        byte[] body = utf8("{\"id\":\"evt_" + UUID.randomUUID() + "\",\"type\":\"certificate.flagged\",\"data\":{\"id\":\"ce_1\"}}");
        String signature = Ten99PolicySigner.signAdvanced(List.of("it-1099policy-old"), now(), body,
                ConvoySignatureVerifier.Hash.SHA512, ConvoySignatureVerifier.Encoding.HEX);
        given().port(function.port()).contentType("application/json").header("X-Convoy-Signature", signature)
                .body(body).post("/webhooks/1099policy").then().statusCode(200);
        String line = function.output().lines().filter(l -> l.contains("certificate.flagged")).findFirst().orElseThrow();
        assertEquals("certificate.flagged", new com.fasterxml.jackson.databind.ObjectMapper().readTree(line).get("type").asText());
        assertFalse(function.output().contains("it-1099policy"), "no secret in the function's output");
        for (String key : VI_KEYS) {
            assertFalse(function.output().contains(key), "no secret in the function's output");
        }
    }

    /** Each secret, as set in the environment, verifies: nothing in it was read as an expression. */
    @Test
    void secretsWithDollarsAndExpressionsAreUsedExactlyAsSet() {
        List<Executable> checks = new ArrayList<>();
        for (String secret : TEN99_SECRETS) {
            checks.add(() -> {
                byte[] body = utf8("{\"id\":\"evt_" + UUID.randomUUID() + "\",\"type\":\"policy.active\","
                        + "\"data\":{\"id\":\"pl_" + UUID.randomUUID() + "\"}}");
                String signature = Ten99PolicySigner.signAdvanced(List.of(secret), now(), body,
                        ConvoySignatureVerifier.Hash.SHA512, ConvoySignatureVerifier.Encoding.HEX);
                assertEquals(200, given().port(function.port()).contentType("application/json")
                        .header("X-Convoy-Signature", signature).body(body).post("/webhooks/1099policy").statusCode(),
                        "1099Policy secret " + secret);
            });
        }
        for (String key : VI_KEYS) {
            checks.add(() -> {
                byte[] body = utf8(new String(sample("vertical-insure/policy_canceled.json"), StandardCharsets.UTF_8)
                        .replace("3fa85f64-5717-4562-b3fc-2c963f66afa6", UUID.randomUUID().toString()));
                assertEquals(200, given().port(function.port()).contentType("application/json")
                        .header("VerticalInsure-Signature", VerticalInsureSigner.sign(key, body)).body(body)
                        .post("/webhooks/vertical-insure").statusCode(), "Vertical Insure key " + key);
            });
        }
        assertAll(checks);
    }

    enum Refused {
        MISSING, EMPTY, LOCAL_DEFAULT
    }

    static Stream<Arguments> eachProviderAndRefusedSecret() {
        return Signers.production().stream().flatMap(signer -> Stream.of(Refused.values())
                .map(refused -> Arguments.of(signer.provider(), refused)));
    }

    /**
     * The packaged artifact, in production, will not start without a real secret for each provider of the
     * production build, the others' being real: the failure names the variable, and neither it nor anything else
     * prints a secret.
     */
    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("eachProviderAndRefusedSecret")
    void productionRefusesToStartWithoutARealSecret(String provider, Refused refused) throws Exception {
        WebhookSigner signer = Signers.of(provider);
        String variable = signer.secretsVariable();
        String localDefault = signer.localSecret();
        String realBesideTheDefault = "it-real-secret-beside-the-local-default";
        Map<String, String> env = lambdaEnvironment();
        switch (refused) {
            case MISSING -> env.remove(variable);
            case EMPTY -> env.put(variable, "");
            case LOCAL_DEFAULT -> env.put(variable, realBesideTheDefault + "," + localDefault);
        }
        String message = variable + (refused == Refused.LOCAL_DEFAULT ? " holds the local development default"
                : " is not set");

        try (LambdaArtifact refusing = LambdaArtifact.start("it-refused-" + variable + "-" + refused, env)) {
            assertTrue(refusing.awaitOutput(message, 60), refusing.output());
            String output = refusing.output();
            assertFalse(output.contains(" started in "), "it must not start serving");
            for (WebhookSigner other : Signers.production()) {
                if (other != signer) {
                    assertFalse(output.contains(other.secretsVariable() + " is not set")
                            || output.contains(other.secretsVariable() + " holds"), "only " + variable + " is blamed");
                }
            }
            List<String> secrets = new ArrayList<>(TEN99_SECRETS);
            secrets.addAll(VI_KEYS);
            secrets.add(realBesideTheDefault);
            secrets.add(localDefault);
            Signers.production().forEach(s -> secrets.add(LambdaArtifact.secretOf(s)));
            for (String secret : secrets) {
                assertFalse(output.contains(secret), "the output holds the secret " + secret);
            }
        }
    }

    /** dynalite's launcher and the dev-mode bean that runs npm stay out of the production artifact. */
    @Test
    void theArtifactHoldsNoDevOrTestOnlyCode() throws IOException {
        List<String> entries = new ArrayList<>();
        try (java.util.zip.ZipFile zip = new java.util.zip.ZipFile(Path.of("target", "function.zip").toFile())) {
            zip.stream().forEach(entry -> entries.add(entry.getName()));
        }
        assertTrue(entries.stream().anyMatch(e -> e.endsWith("io/policywebhooks/webhook/WebhookService.class")),
                "the application itself is there");
        List<String> devOnly = entries.stream().filter(e -> e.contains("io/policywebhooks/local/") && e.endsWith(".class")
                || e.contains("LocalDynamoDb") || e.contains("DevDynamoDb") || e.contains("Signer.class")
                || e.contains("standardwebhooks")).toList();
        assertEquals(List.of(), devOnly);
    }

    static Map<String, AttributeValue> read(String table, String key, String value) {
        Map<String, AttributeValue> item = get(dynamo, table, key, value);
        assertFalse(item.isEmpty(), table + " has " + value);
        return item;
    }
}
