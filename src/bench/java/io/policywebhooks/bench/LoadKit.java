package io.policywebhooks.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.policywebhooks.webhook.BenchAccess;
import io.policywebhooks.DynaliteResource;
import io.policywebhooks.Webhooks;
import io.policywebhooks.it.LambdaArtifact;
import io.policywebhooks.it.NativeExecutable;
import io.policywebhooks.local.LocalDynamoDb;
import io.policywebhooks.store.Schema;
import io.policywebhooks.ten99policy.ConvoySignatureVerifier;
import io.policywebhooks.ten99policy.Ten99PolicyEvents;
import io.policywebhooks.ten99policy.Ten99PolicyProvider;
import io.policywebhooks.ten99policy.Ten99PolicySigner;
import io.policywebhooks.verticalinsure.VerticalInsureEvents;
import io.policywebhooks.verticalinsure.VerticalInsureProvider;
import io.policywebhooks.verticalinsure.VerticalInsureSignatureVerifier;
import io.policywebhooks.verticalinsure.VerticalInsureSigner;
import io.policywebhooks.provider.Delivery;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.Select;

/**
 * Shared pieces of the end-to-end and startup benchmarks (BENCHMARKS.md sections 2 and 3): dynalite with the
 * tables, the environment template.yaml gives the function, distinct correctly signed events of both providers,
 * an HTTP sender, percentiles and a description of the machine. Loopback only.
 */
final class LoadKit {
    private LoadKit() {
    }

    static final String TEN99_SECRET = "bench-1099policy-secret";
    static final String VI_KEY = "bench-vertical-insure-key";
    static final ObjectMapper JSON = new ObjectMapper();

    /**
     * The JVM flags the Lambda java17 runtime was observed to start the JVM with (SerialGC, C1 only, CDS), heap at
     * 85% of a 1024 MB function (the size the JVM fallback of docs/operations.md uses and the native anchors were measured at).
     */
    static final String LAMBDA_JVM_FLAGS = "-XX:MaxHeapSize=891290k -XX:+UseSerialGC -Xshare:auto "
            + "-XX:+TieredCompilation -XX:TieredStopAtLevel=1";

    /** Schema for the bare-write baseline: same schema, same dynalite, kept apart from the receiver's. */
    static final Schema.TableNames BARE_TABLES = new Schema.TableNames("bench-bare-events", "bench-bare-policies",
            "bench-bare-assignments");
    /** Schema for the minimal-function baseline (section 2a): same schema, same dynalite, kept apart too. */
    static final Schema.TableNames MINIMAL_TABLES = new Schema.TableNames("bench-minimal-events", "bench-minimal-policies",
            "bench-minimal-assignments");

    // ---------------------------------------------------------------- dynalite

    /** dynalite on a free loopback port with the receiver's tables and the bare-baseline tables. */
    static final class Dynalite implements AutoCloseable {
        final Process process;
        final String endpoint;
        final DynamoDbClient client;

        private Dynalite(Process process, String endpoint) {
            this.process = process;
            this.endpoint = endpoint;
            this.client = DynaliteResource.client(URI.create(endpoint));
        }

        static Dynalite start() {
            int port = DynaliteResource.freePort();
            Process process = LocalDynamoDb.startIfAbsent(port);
            Dynalite db = new Dynalite(process, "http://" + LocalDynamoDb.HOST + ":" + port);
            LocalDynamoDb.createTables(db.client, DynaliteResource.TABLES);
            LocalDynamoDb.createTables(db.client, BARE_TABLES);
            LocalDynamoDb.createTables(db.client, MINIMAL_TABLES);
            return db;
        }

        long pid() {
            return process == null ? -1 : process.pid();
        }

        int count(String table) {
            return client.scanPaginator(b -> b.tableName(table).select(Select.COUNT).consistentRead(true)).stream()
                    .mapToInt(page -> page.count()).sum();
        }

        @Override
        public void close() {
            client.close();
            if (process != null) {
                process.destroy();
                try {
                    if (!process.waitFor(10, TimeUnit.SECONDS)) {
                        process.destroyForcibly();
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    /** A client built as the function builds its own (Producers#dynamo: the store's whole failure budget). */
    static DynamoDbClient functionLikeClient(String endpoint) {
        return BenchAccess.configureLikeProducers(DynamoDbClient.builder()
                .endpointOverride(URI.create(endpoint))
                .region(software.amazon.awssdk.regions.Region.US_EAST_1)
                .credentialsProvider(software.amazon.awssdk.auth.credentials.StaticCredentialsProvider.create(
                        software.amazon.awssdk.auth.credentials.AwsBasicCredentials.create("local", "local"))));
    }

    /** What template.yaml sets on the function (LambdaArtifact#environment) with this benchmark's secrets. */
    static Map<String, String> lambdaEnvironment(String dynamoEndpoint) {
        return LambdaArtifact.environment(Map.of(Ten99PolicyProvider.SECRETS_VARIABLE, TEN99_SECRET,
                VerticalInsureProvider.SECRETS_VARIABLE, VI_KEY), dynamoEndpoint);
    }

    // ---------------------------------------------------------------- the artifact

    /**
     * The native executable to measure: {@code named} (a path) when given, else the current one
     * {@link NativeExecutable} finds; null, with the reason printed, when there is none.
     */
    static Path nativeExecutable(String named) {
        if (named != null) {
            Path path = Path.of(named).toAbsolutePath();
            if (!Files.isRegularFile(path)) {
                throw new IllegalArgumentException("--native " + path + ": no such file");
            }
            return path;
        }
        NativeExecutable found = NativeExecutable.find();
        System.out.println("native executable: " + (found.found() ? found.path() : "none, " + found.reason()));
        return found.path();
    }

    /** Starts the native executable as bootstrap when {@code nativeExecutable} is not null, else function.zip. */
    static LambdaArtifact start(Path nativeExecutable, String name, Map<String, String> environment)
            throws IOException {
        return nativeExecutable == null ? LambdaArtifact.start(name, environment)
                : LambdaArtifact.startNative(name, nativeExecutable, environment);
    }

    // ---------------------------------------------------------------- the minimal function (section 2a)

    /**
     * The jars of function.zip's {@code lib/} the minimal function needs (file names start with these): the AWS SDK
     * with the URL-connection client, Jackson, SLF4J's API, AWS's Lambda event types. Taken from the receiver's own
     * zip, so both run exactly the same versions.
     */
    private static final List<String> MINIMAL_LIBS = List.of("software.amazon.awssdk.", "org.reactivestreams.",
            "org.slf4j.slf4j-api-", "com.fasterxml.jackson.core.", "com.amazonaws.aws-lambda-java-core-",
            "com.amazonaws.aws-lambda-java-events-");

    /**
     * The environment of the minimal function: the receiver's ({@link #lambdaEnvironment}: region, credentials,
     * endpoint, table variables) with its own tables; same JVM flags when {@code jvmFlags} is not null.
     */
    static Map<String, String> minimalEnvironment(String dynamoEndpoint, String jvmFlags) {
        Map<String, String> env = lambdaEnvironment(dynamoEndpoint);
        env.put("EVENTS_TABLE", MINIMAL_TABLES.events());
        env.put("POLICIES_TABLE", MINIMAL_TABLES.policies());
        env.put("ASSIGNMENTS_TABLE", MINIMAL_TABLES.assignments());
        if (jvmFlags != null) {
            env.put("JAVA_TOOL_OPTIONS", jvmFlags);
        }
        return env;
    }

    /**
     * Deploys the minimal function into {@code target/<name>} like the receiver's zip unpacks (here everything in
     * {@code lib/}: the function's own jar, {@code minimal-function.jar}, and the dependency jars of
     * {@link #MINIMAL_LIBS} copied from target/function.zip) and starts it under the runtime interface client
     * ({@link LambdaArtifact#startJvm}) with its handler. The function's jar holds the bench's
     * {@code io.policywebhooks.bench.minimal} and {@code BenchAccess} classes and the project's main classes (without
     * the dev-only {@code local} package); only those it uses are loaded.
     */
    static LambdaArtifact startMinimal(String name, Map<String, String> environment) throws IOException {
        Path dir = LambdaArtifact.deployFolder(name);
        Path lib = Files.createDirectories(dir.resolve("lib"));
        int copied = 0;
        try (java.util.zip.ZipFile zip = new java.util.zip.ZipFile(LambdaArtifact.FUNCTION_ZIP.toFile())) {
            for (var entries = zip.entries(); entries.hasMoreElements();) {
                var entry = entries.nextElement();
                String file = entry.getName().startsWith("lib/") ? entry.getName().substring(4) : null;
                if (file != null && !file.contains("/") && MINIMAL_LIBS.stream().anyMatch(file::startsWith)) {
                    try (var in = zip.getInputStream(entry)) {
                        Files.copy(in, lib.resolve(file));
                    }
                    copied++;
                }
            }
        }
        if (copied == 0) {
            throw new IllegalStateException("no dependency jars for the minimal function in "
                    + LambdaArtifact.FUNCTION_ZIP);
        }
        try (var jar = new java.util.jar.JarOutputStream(Files.newOutputStream(lib.resolve("minimal-function.jar")))) {
            Path main = Path.of("target", "classes");
            Path bench = Path.of("target", "test-classes");
            addClasses(jar, main, main.resolve("io/policywebhooks"), p -> !p.startsWith("io/policywebhooks/local/"));
            addClasses(jar, bench, bench.resolve("io/policywebhooks/bench/minimal"), p -> true);
            addClasses(jar, bench, bench.resolve("io/policywebhooks/webhook"), p -> p.contains("BenchAccess"));
        }
        return LambdaArtifact.startJvm(dir, name, io.policywebhooks.bench.minimal.MinimalFunction.HANDLER,
                io.policywebhooks.bench.minimal.MinimalFunction.READY, environment);
    }

    private static void addClasses(java.util.jar.JarOutputStream jar, Path root, Path under,
            java.util.function.Predicate<String> keep) throws IOException {
        try (var files = Files.walk(under)) {
            for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
                String entry = root.relativize(file).toString().replace(java.io.File.separatorChar, '/');
                if (entry.endsWith(".class") && keep.test(entry)) {
                    jar.putNextEntry(new java.util.jar.JarEntry(entry));
                    Files.copy(file, jar);
                    jar.closeEntry();
                }
            }
        }
    }

    // ---------------------------------------------------------------- events

    /** One distinct event, signed when it is sent. */
    record Event(String provider, String path, byte[] body, String expectedEventId, String policyId) {
        String signatureHeader() {
            return provider.equals(Ten99PolicyEvents.PROVIDER) ? ConvoySignatureVerifier.SIGNATURE_HEADER
                    : VerticalInsureSignatureVerifier.SIGNATURE_HEADER;
        }

        /** The header value, signed now with the function's configured secret (Convoy advanced, SHA-512, hex). */
        String sign() {
            return signWith(TEN99_SECRET, VI_KEY);
        }

        /** The header value in the same form, signed now with a secret that is not the function's: a forgery. */
        String forge() {
            return signWith("not-the-secret", "not-the-key");
        }

        private String signWith(String ten99Secret, String viKey) {
            return provider.equals(Ten99PolicyEvents.PROVIDER)
                    ? Ten99PolicySigner.signAdvanced(List.of(ten99Secret), Webhooks.now(), body,
                            ConvoySignatureVerifier.Hash.SHA512, ConvoySignatureVerifier.Encoding.HEX)
                    : VerticalInsureSigner.sign(viKey, body);
        }
    }

    private static final String TEN99_SAMPLE = new String(Webhooks.sample("1099policy/policy.active.json"),
            StandardCharsets.UTF_8);
    private static final String VI_BIND = new String(Webhooks.sample("vertical-insure/policy_bind_complete.json"),
            StandardCharsets.UTF_8);
    private static final String VI_CANCEL = new String(Webhooks.sample("vertical-insure/policy_canceled.json"),
            StandardCharsets.UTF_8);
    private static final String VI_SAMPLE_POLICY = "3fa85f64-5717-4562-b3fc-2c963f66afa6";

    /**
     * The documented samples made distinct: 1099Policy "policy.active" with its own event id and policy id
     * (596 → ~660 bytes), Vertical Insure "policy_bind_complete" or "policy_canceled" with its own policy id (its
     * event id is the body hash, so a distinct body is a distinct event). Every one carries a state write.
     */
    static Event event(long n) {
        if (n % 2 == 0) {
            String id = "evt_" + UUID.randomUUID();
            String policy = "pl_" + UUID.randomUUID();
            byte[] body = TEN99_SAMPLE.replaceFirst("\\{", "{\n\"id\": \"" + id + "\",")
                    .replace("pl_iJ5A9JKnG8", policy).getBytes(StandardCharsets.UTF_8);
            return new Event(Ten99PolicyEvents.PROVIDER, "/webhooks/1099policy", body,
                    Ten99PolicyEvents.PROVIDER + "#" + id, policy);
        }
        String policy = UUID.randomUUID().toString();
        byte[] body = ((n / 2) % 2 == 0 ? VI_BIND : VI_CANCEL).replace(VI_SAMPLE_POLICY, policy)
                .getBytes(StandardCharsets.UTF_8);
        return new Event(VerticalInsureEvents.PROVIDER, "/webhooks/vertical-insure", body,
                VerticalInsureEvents.PROVIDER + "#" + Delivery.bodyKey(body), policy);
    }

    // ---------------------------------------------------------------- HTTP

    static HttpClient http() {
        // HTTP/1.1 explicitly: the default (HTTP/2) would try an h2c upgrade on the first request of each connection
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5))
                .build();
    }

    /** One answered (or failed) request: status -1 when no HTTP answer came. */
    record Answer(int status, String body, long nanos) {
    }

    static HttpRequest request(int port, Event event) {
        return request(port, event, event.sign(), 30);
    }

    /** The event's request with this signature header value, or without the header when {@code signature} is null. */
    static HttpRequest request(int port, Event event, String signature) {
        return request(port, event, signature, 30);
    }

    /** The signed request; the client gives up on it after {@code timeoutSeconds} without an answer. */
    static HttpRequest request(int port, Event event, int timeoutSeconds) {
        return request(port, event, event.sign(), timeoutSeconds);
    }

    private static HttpRequest request(int port, Event event, String signature, int timeoutSeconds) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + event.path()))
                .timeout(Duration.ofSeconds(timeoutSeconds))
                .header("Content-Type", "application/json");
        if (signature != null) {
            request.header(event.signatureHeader(), signature);
        }
        return request.POST(HttpRequest.BodyPublishers.ofByteArray(event.body())).build();
    }

    /** Sends a prepared request and times it (the signature is computed before the clock starts). */
    static Answer send(HttpClient http, HttpRequest request) {
        long start = System.nanoTime();
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            return new Answer(response.statusCode(), response.body(), System.nanoTime() - start);
        } catch (IOException e) {
            return new Answer(-1, e.toString(), System.nanoTime() - start);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Answer(-1, e.toString(), System.nanoTime() - start);
        }
    }

    static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    // ---------------------------------------------------------------- the function's request log

    /** event_id → duration_ms from the function's JSON request log lines (in-process time of WebhookService). */
    static Map<String, Double> requestDurations(String output) {
        Map<String, Double> durations = new HashMap<>();
        output.lines().filter(l -> l.startsWith("{") && l.contains("\"duration_ms\"")).forEach(line -> {
            JsonNode node = json(line);
            if (node != null && node.hasNonNull("event_id") && node.has("duration_ms")) {
                durations.put(node.get("event_id").asText(), node.get("duration_ms").asDouble());
            }
        });
        return durations;
    }

    /** duration_ms of the request log lines with this outcome (e.g. "rejected", which carry no event id). */
    static List<Double> requestDurations(String output, String outcome) {
        List<Double> all = new ArrayList<>();
        output.lines().filter(l -> l.startsWith("{") && l.contains("\"duration_ms\"")).forEach(line -> {
            JsonNode node = json(line);
            if (node != null && node.has("duration_ms") && outcome.equals(node.path("outcome").asText())) {
                all.add(node.get("duration_ms").asDouble());
            }
        });
        return all;
    }

    // ---------------------------------------------------------------- options

    /** {@code --name value} pairs over {@code defaults}, which also name every option there is. */
    static Map<String, String> options(String[] args, Map<String, String> defaults) {
        Map<String, String> options = new LinkedHashMap<>(defaults);
        for (int i = 0; i + 1 < args.length; i += 2) {
            if (!defaults.containsKey(args[i])) {
                throw new IllegalArgumentException("unknown option " + args[i] + "; options: " + defaults.keySet());
            }
            options.put(args[i], args[i + 1]);
        }
        return options;
    }

    // ---------------------------------------------------------------- statistics

    /** Latency summary in milliseconds; percentiles by nearest rank. */
    record Stats(int n, double p50, double p90, double p99, double max, double mean) {
        static Stats of(double[] values) {
            if (values.length == 0) {
                return new Stats(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
            }
            double[] sorted = values.clone();
            Arrays.sort(sorted);
            return new Stats(sorted.length, rank(sorted, 50), rank(sorted, 90), rank(sorted, 99),
                    sorted[sorted.length - 1], Arrays.stream(sorted).average().orElse(Double.NaN));
        }

        static Stats ofNanos(long[] nanos) {
            return of(Arrays.stream(nanos).mapToDouble(n -> n / 1e6).toArray());
        }

        private static double rank(double[] sorted, double percentile) {
            int index = (int) Math.ceil(percentile / 100.0 * sorted.length) - 1;
            return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
        }

        Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("n", n);
            m.put("p50_ms", p50);
            m.put("p90_ms", p90);
            m.put("p99_ms", p99);
            m.put("max_ms", max);
            m.put("mean_ms", mean);
            return m;
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "n=%d p50=%.2f p90=%.2f p99=%.2f max=%.2f ms", n, p50, p90, p99, max);
        }
    }

    static double median(List<Double> values) {
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).filter(v -> !Double.isNaN(v)).sorted()
                .toArray();
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int mid = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }

    // ---------------------------------------------------------------- the machine

    static String machine() {
        String cpu = "?";
        String mem = "?";
        try {
            cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                    .findFirst().map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse("?");
            mem = Files.readAllLines(Path.of("/proc/meminfo")).stream().filter(l -> l.startsWith("MemTotal"))
                    .findFirst().map(l -> l.replaceAll("\\s+", " ")).orElse("?");
        } catch (IOException e) {
            // not Linux: leave "?"
        }
        return String.format(Locale.ROOT, "%d CPUs (%s), %s, %s %s (%s), %s %s", Runtime.getRuntime()
                .availableProcessors(), cpu, mem, System.getProperty("java.vm.name"),
                System.getProperty("java.runtime.version"), System.getProperty("java.vm.vendor"),
                System.getProperty("os.name"), System.getProperty("os.version"));
    }

    static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (IOException e) {
            return "?";
        }
    }

    /** Fields of /proc/<pid>/status in kB (VmRSS, VmHWM, RssAnon, RssFile, Threads as a count). */
    static Map<String, Long> procStatus(long pid) {
        Map<String, Long> fields = new LinkedHashMap<>();
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                for (String name : List.of("VmRSS", "VmHWM", "RssAnon", "RssFile", "Threads")) {
                    if (line.startsWith(name + ":")) {
                        fields.put(name, Long.parseLong(line.substring(name.length() + 1).trim().split("\\s+")[0]));
                    }
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot read /proc/" + pid + "/status", e);
        }
        return fields;
    }
}
