package io.policywebhooks.bench;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

import io.policywebhooks.AppConfig;
import io.policywebhooks.Signers;
import io.policywebhooks.store.Schema;
import io.policywebhooks.store.WebhookStore;
import io.policywebhooks.ten99policy.ConvoySignatureVerifier.Encoding;
import io.policywebhooks.ten99policy.ConvoySignatureVerifier.Hash;
import io.policywebhooks.ten99policy.ConvoySignatureVerifier;
import io.policywebhooks.ten99policy.Ten99PolicyEvents;
import io.policywebhooks.ten99policy.Ten99PolicyProvider;
import io.policywebhooks.ten99policy.Ten99PolicySigner;
import io.policywebhooks.verticalinsure.VerticalInsureEvents;
import io.policywebhooks.verticalinsure.VerticalInsureProvider;
import io.policywebhooks.verticalinsure.VerticalInsureSignatureVerifier;
import io.policywebhooks.verticalinsure.VerticalInsureSigner;
import io.policywebhooks.webhook.BenchAccess;
import io.policywebhooks.provider.Delivery;
import io.policywebhooks.provider.Headers;
import io.policywebhooks.provider.InvalidSignatureException;
import io.policywebhooks.webhook.Outcome;
import io.policywebhooks.webhook.Endpoint;
import io.policywebhooks.webhook.WebhookProviders;
import io.policywebhooks.provider.JsonFields;
import io.policywebhooks.provider.Providers;
import io.policywebhooks.webhook.WebhookService;
import io.quarkus.runtime.LaunchMode;

/**
 * The whole in-process path of one delivery, without I/O: headers as the Lambda adapter hands them over
 * (multi-valued, the signature split on commas) → {@link Headers#ofMulti} → verify → parse → map → the PutItem and
 * UpdateItem requests (built by {@link WebhookStore} and received by a client that does no I/O).
 * <ul>
 * <li>{@code path*}: those steps composed here, 1099Policy with Convoy's advanced form and HMAC-SHA256;</li>
 * <li>{@code receive*}: the same through {@link WebhookService#receive} and the real providers with the
 * production default configuration (1099Policy: documented form, HMAC-SHA512 hex), which adds the outcome and the
 * JSON request log line (built and handed to a logging handler that discards it: no console write).</li>
 * <li>{@code rejected*}: what a request that is not the provider's costs through {@link WebhookService#receive}: the
 * same body and headers with a forged signature (well-formed, wrong MAC: the whole HMAC is computed) or without a
 * signature header (refused before any HMAC); each answered 401 with its log line.</li>
 * </ul>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = "-Dorg.jboss.logging.provider=jdk")
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 1)
public class PipelineBenchmark {
    private static final Logger APP_LOGS = Logger.getLogger("io.policywebhooks");

    @Param({Payloads.SMALL, Payloads.LARGE})
    public String size;

    private byte[] ten99Body;
    private byte[] viBody;
    private Map<String, List<String>> ten99AdvancedHeaders;
    private Map<String, List<String>> ten99DocumentedHeaders;
    private Map<String, List<String>> viHeaders;
    private Map<String, List<String>> ten99ForgedHeaders;
    private Map<String, List<String>> viForgedHeaders;
    private Map<String, List<String>> ten99UnsignedHeaders;
    private Map<String, List<String>> viUnsignedHeaders;

    private ConvoySignatureVerifier convoySha256;
    private VerticalInsureSignatureVerifier viVerifier;
    private CapturingDynamoDb dynamo;
    private WebhookStore store;

    private WebhookService service;
    private Endpoint ten99Provider;
    private Endpoint viProvider;

    @Setup
    public void setUp() throws Exception {
        APP_LOGS.setUseParentHandlers(false);
        APP_LOGS.setLevel(Level.INFO);
        APP_LOGS.addHandler(new Discard());

        ten99Body = Payloads.ten99(size);
        viBody = Payloads.verticalInsure(size);
        List<String> secrets = List.of(Payloads.TEN99_SECRET);
        String advanced = Ten99PolicySigner.signAdvanced(secrets, Payloads.SIGNED_AT, ten99Body, Hash.SHA256,
                Encoding.HEX);
        ten99AdvancedHeaders = lambdaHeaders("Convoy/v24.9.2",
                Map.of(ConvoySignatureVerifier.SIGNATURE_HEADER, advanced));
        ten99DocumentedHeaders = lambdaHeaders("Convoy/v24.9.2", Map.of(
                ConvoySignatureVerifier.TIMESTAMP_HEADER, Long.toString(Payloads.SIGNED_AT),
                ConvoySignatureVerifier.SIGNATURE_HEADER, Ten99PolicySigner.signWithTimestamp(
                        Payloads.TEN99_SECRET, Payloads.SIGNED_AT, ten99Body, Hash.SHA512, Encoding.HEX)));
        viHeaders = lambdaHeaders("Apache-HttpClient/4.5.14 (Java/17.0.9)", Map.of(
                VerticalInsureSignatureVerifier.SIGNATURE_HEADER,
                VerticalInsureSigner.sign(Payloads.VI_KEY, viBody)));

        // A flood: the same requests signed with a secret that is not the endpoint's, or not signed at all.
        ten99ForgedHeaders = lambdaHeaders("Convoy/v24.9.2", Map.of(
                ConvoySignatureVerifier.TIMESTAMP_HEADER, Long.toString(Payloads.SIGNED_AT),
                ConvoySignatureVerifier.SIGNATURE_HEADER, Ten99PolicySigner.signWithTimestamp(
                        "not-the-secret", Payloads.SIGNED_AT, ten99Body, Hash.SHA512, Encoding.HEX)));
        viForgedHeaders = lambdaHeaders("Apache-HttpClient/4.5.14 (Java/17.0.9)", Map.of(
                VerticalInsureSignatureVerifier.SIGNATURE_HEADER, VerticalInsureSigner.sign("not-the-key", viBody)));
        ten99UnsignedHeaders = lambdaHeaders("curl/8.5.0", Map.of());
        viUnsignedHeaders = lambdaHeaders("curl/8.5.0", Map.of());

        convoySha256 = new ConvoySignatureVerifier(secrets, Hash.SHA256, Encoding.HEX, 300, Payloads.CLOCK);
        viVerifier = new VerticalInsureSignatureVerifier(List.of(Payloads.VI_KEY));
        dynamo = new CapturingDynamoDb();
        store = new WebhookStore(dynamo, new Schema.TableNames("events", "policies", "assignments"));

        service = new WebhookService(store, Payloads.CLOCK, AppConfig.webhooks(Map.of()));
        Map<String, Endpoint> providers = providers();
        ten99Provider = providers.get("1099policy");
        viProvider = providers.get("vertical-insure");

        // Every variant must end in a stored event with a state write, or it would measure a shortcut.
        check(service.receive(ten99Provider, ten99Body, Headers.ofMulti(ten99DocumentedHeaders)));
        check(service.receive(viProvider, viBody, Headers.ofMulti(viHeaders)));
        // ... and every rejected variant must be refused for the reason it stands for, without a write.
        checkRejected(service.receive(ten99Provider, ten99Body, Headers.ofMulti(ten99ForgedHeaders)),
                "signature mismatch");
        checkRejected(service.receive(viProvider, viBody, Headers.ofMulti(viForgedHeaders)), "signature mismatch");
        checkRejected(service.receive(ten99Provider, ten99Body, Headers.ofMulti(ten99UnsignedHeaders)),
                "missing signature");
        checkRejected(service.receive(viProvider, viBody, Headers.ofMulti(viUnsignedHeaders)), "missing signature");
    }

    private void checkRejected(Outcome outcome, String reason) {
        if (outcome.status() != 401 || !reason.equals(outcome.error()) || dynamo.lastPut != null
                || dynamo.lastUpdate != null) {
            throw new IllegalStateException("setup, expected 401 " + reason + ": " + outcome);
        }
    }

    private void check(Outcome outcome) {
        if (outcome.status() != 200 || dynamo.lastPut == null || dynamo.lastUpdate == null) {
            throw new IllegalStateException("setup: " + outcome);
        }
        dynamo.lastPut = null;
        dynamo.lastUpdate = null;
    }

    /** What quarkus-amazon-lambda-http hands the resource: API Gateway headers, values split on commas. */
    private static Map<String, List<String>> lambdaHeaders(String userAgent, Map<String, String> signed) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        headers.put("accept", List.of("*/*"));
        headers.put("accept-encoding", List.of("gzip"));
        headers.put("content-type", List.of("application/json"));
        headers.put("host", List.of("abc123xyz0.execute-api.us-east-1.amazonaws.com"));
        headers.put("user-agent", List.of(userAgent));
        headers.put("x-amzn-trace-id", List.of("Root=1-6515a1f3-0c2e7b5d3f9a4e1b2c3d4e5f"));
        headers.put("x-forwarded-for", List.of("34.102.136.180"));
        headers.put("x-forwarded-port", List.of("443"));
        headers.put("x-forwarded-proto", List.of("https"));
        signed.forEach((name, value) -> headers.put(name, List.of(value.split(","))));
        return headers;
    }

    // ---- composed ----

    @Benchmark
    public void pathTen99Sha256(Blackhole bh) throws InvalidSignatureException {
        Headers headers = Headers.ofMulti(ten99AdvancedHeaders);
        convoySha256.verify(ten99Body, headers);
        Instant receivedAt = Payloads.CLOCK.instant();
        Delivery delivery = Ten99PolicyEvents.map(ten99Body, JsonFields.parse(ten99Body), receivedAt);
        dynamo.buildWrites(store, delivery, receivedAt, bh);
    }

    @Benchmark
    public void pathVerticalInsure(Blackhole bh) throws InvalidSignatureException {
        Headers headers = Headers.ofMulti(viHeaders);
        viVerifier.verify(viBody, headers);
        Instant receivedAt = Payloads.CLOCK.instant();
        Delivery delivery = VerticalInsureEvents.map(viBody, JsonFields.parse(viBody), receivedAt);
        dynamo.buildWrites(store, delivery, receivedAt, bh);
    }


    // ---- through WebhookService ----

    @Benchmark
    public Outcome receiveTen99(Blackhole bh) {
        Outcome outcome = service.receive(ten99Provider, ten99Body, Headers.ofMulti(ten99DocumentedHeaders));
        bh.consume(dynamo.lastPut);
        bh.consume(dynamo.lastUpdate);
        return outcome;
    }

    @Benchmark
    public Outcome receiveVerticalInsure(Blackhole bh) {
        Outcome outcome = service.receive(viProvider, viBody, Headers.ofMulti(viHeaders));
        bh.consume(dynamo.lastPut);
        bh.consume(dynamo.lastUpdate);
        return outcome;
    }

    // ---- rejected through WebhookService: what each request of a flood costs ----

    @Benchmark
    public Outcome rejectedTen99Forged() {
        return service.receive(ten99Provider, ten99Body, Headers.ofMulti(ten99ForgedHeaders));
    }

    @Benchmark
    public Outcome rejectedTen99Unsigned() {
        return service.receive(ten99Provider, ten99Body, Headers.ofMulti(ten99UnsignedHeaders));
    }

    @Benchmark
    public Outcome rejectedVerticalInsureForged() {
        return service.receive(viProvider, viBody, Headers.ofMulti(viForgedHeaders));
    }

    @Benchmark
    public Outcome rejectedVerticalInsureUnsigned() {
        return service.receive(viProvider, viBody, Headers.ofMulti(viUnsignedHeaders));
    }

    /** The logging handler: takes the record, writes nothing (console I/O is not part of this benchmark). */
    static final class Discard extends Handler {
        volatile LogRecord last;

        @Override
        public void publish(LogRecord record) {
            last = record;
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    }

    /**
     * The production providers as the function builds them (documented Convoy form, SHA-512 hex; Vertical Insure),
     * their secrets read from real-looking variables as in production (not the local ones).
     */
    static Map<String, Endpoint> providers() {
        Map<String, String> environment = Map.of(Ten99PolicyProvider.SECRETS_VARIABLE, Payloads.TEN99_SECRET,
                VerticalInsureProvider.SECRETS_VARIABLE, Payloads.VI_KEY);
        WebhookProviders providers = new WebhookProviders(Providers.all().stream().filter(Signers::inProduction)
                .toList(), AppConfig.read(environment), AppConfig.webhooks(environment).timestampToleranceSeconds(),
                Payloads.CLOCK, LaunchMode.NORMAL);
        return providers.all().stream().collect(Collectors.toMap(e -> e.provider().name(), e -> e));
    }
}
