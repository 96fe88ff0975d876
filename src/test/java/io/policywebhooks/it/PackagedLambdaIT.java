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
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import io.policywebhooks.DynaliteResource;
import io.policywebhooks.FaultProxy;
import io.policywebhooks.Signers;
import io.policywebhooks.WebhookSigner;
import io.policywebhooks.local.LocalDynamoDb;
import io.policywebhooks.provider.Providers;
import io.policywebhooks.ten99policy.ConvoySignatureVerifier;
import io.policywebhooks.ten99policy.Ten99PolicyProvider;
import io.policywebhooks.ten99policy.Ten99PolicySigner;
import io.policywebhooks.verticalinsure.VerticalInsureEvents;
import io.policywebhooks.verticalinsure.VerticalInsureProvider;
import io.policywebhooks.verticalinsure.VerticalInsureSigner;
import io.policywebhooks.provider.Delivery;
import io.restassured.response.ValidatableResponse;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The production artifact, target/function.zip, run as Lambda runs it ({@link LambdaArtifact}) with the
 * environment template.yaml gives the function, against dynalite. Fails if the artifact cannot start, cannot read
 * its configuration, or cannot reach its tables. {@link PackagedNativeLambdaIT} runs the same checks on the native
 * executable ({@link #launch} is the only difference).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
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

    Process dynalite;
    int dynalitePort;
    String endpoint;
    DynamoDbClient dynamo;
    LambdaArtifact function;

    /** Deploys the function as {@code target/<name>} and starts it with exactly {@code environment}. */
    LambdaArtifact launch(String name, Map<String, String> environment) throws IOException {
        return launch(name, environment, LambdaArtifact.FUNCTION_TIMEOUT);
    }

    /** As {@link #launch(String, Map)}, each invocation's deadline {@code timeout} after it is handed out. */
    LambdaArtifact launch(String name, Map<String, String> environment, Duration timeout) throws IOException {
        return LambdaArtifact.start(name, environment, timeout);
    }

    Map<String, String> lambdaEnvironment() {
        Map<String, String> env = LambdaArtifact.environment(Map.of(
                Ten99PolicyProvider.SECRETS_VARIABLE, String.join(",", TEN99_SECRETS),
                VerticalInsureProvider.SECRETS_VARIABLE, String.join(",", VI_KEYS)), endpoint);
        env.put("HOME", HOME);
        return env;
    }

    @BeforeAll
    void start() throws IOException {
        dynalitePort = DynaliteResource.freePort();
        dynalite = LocalDynamoDb.startIfAbsent(dynalitePort);
        endpoint = "http://" + LocalDynamoDb.HOST + ":" + dynalitePort;
        dynamo = DynaliteResource.client(URI.create(endpoint));
        LocalDynamoDb.createTables(dynamo, DynaliteResource.TABLES);
        function = launch("it-function", lambdaEnvironment());
        try {
            function.awaitStarted(60);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @AfterAll
    void stop() throws IOException {
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

    /** {@code body} signed with {@code secret} (Convoy's advanced form, SHA-512, hex, now) and posted. */
    ValidatableResponse postTen99(String secret, byte[] body) {
        return postTen99(function, secret, body);
    }

    static ValidatableResponse postTen99(LambdaArtifact to, String secret, byte[] body) {
        String signature = Ten99PolicySigner.signAdvanced(List.of(secret), now(), body,
                ConvoySignatureVerifier.Hash.SHA512, ConvoySignatureVerifier.Encoding.HEX);
        return given().port(to.port()).contentType("application/json").header("X-Convoy-Signature", signature)
                .body(body).post("/webhooks/1099policy").then();
    }

    /** {@code body} posted with {@code signature} as the Vertical Insure signature. */
    ValidatableResponse postVerticalInsure(String signature, byte[] body) {
        return given().port(function.port()).contentType("application/json")
                .header("VerticalInsure-Signature", signature).body(body).post("/webhooks/vertical-insure").then();
    }

    /** Vertical Insure's documented policy_canceled sample, for the policy {@code policyId}. */
    static byte[] verticalInsureCancel(String policyId) {
        return utf8(new String(sample("vertical-insure/policy_canceled.json"), StandardCharsets.UTF_8)
                .replace("3fa85f64-5717-4562-b3fc-2c963f66afa6", policyId));
    }

    static byte[] ten99Event(String id, String type, String objectId) {
        return utf8("{\"id\":\"" + id + "\",\"type\":\"" + type + "\",\"created\":1700000000,"
                + "\"data\":{\"id\":\"" + objectId + "\",\"quote\":\"qt_1\"}}");
    }

    @Test
    void signed1099PolicyEventIsStoredWithState() {
        String policyId = "pl_" + UUID.randomUUID();
        String id = "evt_" + UUID.randomUUID();
        postTen99("it-1099policy-new", ten99Event(id, "policy.active", policyId)).statusCode(200)
                .body("event_id", equalTo("1099policy#" + id));

        assertEquals("policy.active", s(read(DynaliteResource.TABLES.events(), "event_id", "1099policy#" + id), "type"));
        Map<String, AttributeValue> policy = read(DynaliteResource.TABLES.policies(), "policy_id", policyId);
        assertEquals("ACTIVE", s(policy, "status"));
        assertEquals("qt_1", s(policy, "quote"));
    }

    @Test
    void signedVerticalInsureSampleIsStoredWithState() {
        String policyId = UUID.randomUUID().toString();
        byte[] body = verticalInsureCancel(policyId);
        String eventId = postVerticalInsure(VerticalInsureSigner.sign(VI_KEY, body), body).statusCode(200)
                .extract().path("event_id");
        assertEquals("policy_canceled", s(read(DynaliteResource.TABLES.events(), "event_id", eventId), "type"));
        assertEquals("CANCELLED", s(read(DynaliteResource.TABLES.policies(), "policy_id", policyId), "status"));
    }

    @Test
    void productionRefusesTheLocalDefaultSecret() {
        String id = "evt_" + UUID.randomUUID();
        String policyId = "pl_" + UUID.randomUUID();
        postTen99(Ten99PolicyProvider.LOCAL_SECRET, ten99Event(id, "policy.active", policyId)).statusCode(401);
        assertNothingStored("1099policy#" + id, policyId);
    }

    /** A body signed with a key that is not configured, or altered after signing: 401, and nothing is written. */
    @Test
    void badSignaturesAreRejectedAndNothingIsStored() {
        String id = "evt_" + UUID.randomUUID();
        String policyId = "pl_" + UUID.randomUUID();
        postTen99("it-not-the-secret", ten99Event(id, "policy.active", policyId)).statusCode(401)
                .body("error", equalTo("signature mismatch"));
        assertNothingStored("1099policy#" + id, policyId);

        String viPolicyId = UUID.randomUUID().toString();
        byte[] signed = verticalInsureCancel(viPolicyId);
        byte[] altered = utf8(new String(signed, StandardCharsets.UTF_8).replace("policy_canceled", "policy_cancelled"));
        postVerticalInsure(VerticalInsureSigner.sign(VI_KEY, signed), altered).statusCode(401)
                .body("error", equalTo("signature mismatch"));
        assertNothingStored(VerticalInsureEvents.PROVIDER + "#" + Delivery.bodyKey(altered), viPolicyId);
    }

    void assertNothingStored(String eventId, String policyId) {
        assertTrue(get(dynamo, DynaliteResource.TABLES.events(), "event_id", eventId).isEmpty(),
                "a rejected event must not be stored: " + eventId);
        assertTrue(get(dynamo, DynaliteResource.TABLES.policies(), "policy_id", policyId).isEmpty(),
                "a rejected event must not write its policy: " + policyId);
    }

    @Test
    void requestLogLinesArePureJson() throws Exception {
        postTen99("it-1099policy-old", ten99Event("evt_" + UUID.randomUUID(), "certificate.flagged", "ce_1"))
                .statusCode(200);
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
            checks.add(() -> assertEquals(200, postTen99(secret, ten99Event("evt_" + UUID.randomUUID(), "policy.active",
                    "pl_" + UUID.randomUUID())).extract().statusCode(), "1099Policy secret " + secret));
        }
        for (String key : VI_KEYS) {
            checks.add(() -> {
                byte[] body = verticalInsureCancel(UUID.randomUUID().toString());
                assertEquals(200, postVerticalInsure(VerticalInsureSigner.sign(key, body), body).extract()
                        .statusCode(), "Vertical Insure key " + key);
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

        try (LambdaArtifact refusing = launch("it-refused-" + variable + "-" + refused, env)) {
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

    /**
     * DynamoDB answers each call late but within the SDK's attempt timeout, so only the invocation's deadline can
     * stop the delivery: it is answered 503 and logged, before Lambda would end the invocation, and retried.
     */
    @Test
    void storageOutlastingTheInvocationIsAnswered503AndLoggedBeforeTheDeadline() throws Exception {
        // Two calls of 0.9 s each outlast the 1.5 s the deadline leaves for storage (2 s less the answer's margin).
        Duration timeout = Duration.ofMillis(2000);
        Map<String, String> env = lambdaEnvironment();
        try (FaultProxy slow = new FaultProxy(dynalitePort)) {
            env.put("QUARKUS_DYNAMODB_ENDPOINT_OVERRIDE", "http://" + LocalDynamoDb.HOST + ":" + slow.port());
            try (LambdaArtifact deadlined = launch("it-deadline", env, timeout)) {
                deadlined.awaitStarted(60);
                // A delivery stored first, as an instance serves before a slow spell. Its first calls load classes
                // and may themselves outlast the deadline on a busy machine: retried, as the provider would.
                String warm = UUID.randomUUID().toString();
                byte[] warmBody = ten99Event("evt_" + warm, "policy.active", "pl_" + warm);
                for (int attempt = 0; attempt < 5 && postTen99(deadlined, TEN99_SECRETS.get(0), warmBody)
                        .extract().statusCode() != 200; attempt++) {
                    // retried
                }
                assertFalse(read(DynaliteResource.TABLES.events(), "event_id", "1099policy#evt_" + warm).isEmpty());
                String id = UUID.randomUUID().toString();
                FaultProxy.delayAnswers(900);
                try {
                    postTen99(deadlined, TEN99_SECRETS.get(0), ten99Event("evt_" + id, "policy.active", "pl_" + id))
                            .statusCode(503).body("error", equalTo("deadline reached, retry later"));
                } finally {
                    FaultProxy.set(FaultProxy.Mode.UP);
                }
                assertEquals(List.of(), deadlined.lateAnswers(), "every invocation answered before its deadline");
                assertTrue(deadlined.awaitOutput("\"reason\":\"deadline reached, retry later\"", 10),
                        deadlined.output());
                String line = deadlined.output().lines().filter(l -> l.contains("deadline reached")).findFirst()
                        .orElseThrow();
                assertTrue(line.contains("\"outcome\":\"storage_failed\"") && line.contains("\"status\":503"), line);
            }
        }
    }

    /**
     * dynalite's launcher, the dev-mode bean that runs npm and the operator's reprocess command stay out of the
     * production artifact.
     */
    @Test
    void theArtifactHoldsNoDevOrTestOnlyCode() throws IOException {
        List<String> entries = new ArrayList<>();
        try (java.util.zip.ZipFile zip = new java.util.zip.ZipFile(Path.of("target", "function.zip").toFile())) {
            zip.stream().forEach(entry -> entries.add(entry.getName()));
        }
        if (!entries.contains("bootstrap")) { // the JVM artifact; a native one holds no classes at all
            assertTrue(entries.stream().anyMatch(e -> e.endsWith("io/policywebhooks/webhook/WebhookService.class")),
                    "the application itself is there");
        }
        List<String> testOnlyPackages = Providers.all().stream().filter(p -> !Signers.inProduction(p))
                .map(p -> p.getClass().getPackageName().replace('.', '/') + "/").toList();
        List<String> devOnly = entries.stream().filter(e -> e.contains("io/policywebhooks/local/") && e.endsWith(".class")
                || e.contains("io/policywebhooks/reprocess/") && e.endsWith(".class")
                || e.contains("LocalDynamoDb") || e.contains("DevDynamoDb") || e.contains("Signer.class")
                || testOnlyPackages.stream().anyMatch(e::contains)).toList();
        assertEquals(List.of(), devOnly);
    }

    Map<String, AttributeValue> read(String table, String key, String value) {
        Map<String, AttributeValue> item = get(dynamo, table, key, value);
        assertFalse(item.isEmpty(), table + " has " + value);
        return item;
    }
}
