package io.policywebhooks.bench;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongFunction;

import com.fasterxml.jackson.databind.JsonNode;

import io.policywebhooks.DynaliteResource;
import io.policywebhooks.bench.LoadKit.Answer;
import io.policywebhooks.bench.LoadKit.Event;
import io.policywebhooks.bench.LoadKit.Stats;
import io.policywebhooks.it.LambdaArtifact;
import io.policywebhooks.store.Tables;
import io.policywebhooks.store.WebhookStore;
import io.policywebhooks.ten99policy.Ten99PolicyEvents;
import io.policywebhooks.ten99policy.Ten99PolicySigner;
import io.policywebhooks.verticalinsure.VerticalInsureEvents;
import io.policywebhooks.webhook.BenchAccess;
import io.policywebhooks.provider.Delivery;
import io.policywebhooks.provider.JsonFields;
import io.policywebhooks.provider.Headers;
import io.quarkus.amazon.lambda.runtime.MockEventServer;
import io.quarkus.amazon.lambda.runtime.MockHttpEventServer;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

/**
 * BENCHMARKS.md sections 2 and 2a: the packaged function end to end, against the smallest Lambda function that
 * stores the same events (2a) and against the same DynamoDB writes done bare from this JVM (2).
 * <ol>
 * <li>dynalite on loopback with the tables; target/function.zip started as Lambda runs it ({@link LambdaArtifact}:
 * AWS's runtime interface client polling Quarkus's mock Runtime API, which turns HTTP requests into API Gateway v2
 * events). One function process = one Lambda instance: it takes one invocation at a time. With {@code --scaling
 * single} (default) overlapping requests queue in the Runtime API, as they would for one Lambda instance; with
 * {@code --scaling lambda} the pool grows to one instance per concurrent request before each level (all polling the
 * same Runtime API), as Lambda scales out, and the new instances get a full warm-up first.
 * <br>Beside it, the minimal function ({@link io.policywebhooks.bench.minimal.MinimalFunction}: a plain
 * RequestHandler issuing the receiver's PutItem + UpdateItem) deployed from function.zip's own jars, under the same
 * runtime interface client with the same JVM flags, polling a mock Runtime API of its own, writing to its own tables
 * in the same dynalite; scaled out to the same number of instances.</li>
 * <li>Warm-up (60 s each of receiver and minimal-function requests at concurrency 4, 30 s of bare writes).</li>
 * <li>For each concurrency level (1, 8, 32) and each round: a short warm-up, then for a bounded time and count
 * (a) the receiver: distinct correctly signed events of both providers, alternating, each timed from send to
 * answer; (a') the minimal function, the same way (the receiver first in odd rounds, the minimal function first in
 * even ones); (b) the bare baseline: the same client issuing the very PutItem and UpdateItem requests the receiver builds
 * for such events (built before the clock starts by the production mapping and {@link WebhookStore} on a client
 * that does no I/O), against the same dynalite at the same concurrency, into separate tables of the same
 * schema.</li>
 * <li>Probes at concurrency 1, in the warmest state: the mock Runtime API alone, polled by a trivial poller in this
 * JVM (its hop, no function); an unknown path (404: the hop plus the runtime interface client, the Lambda HTTP
 * adapter and routing, none of our code); a bad signature (401: the same plus JAX-RS and our verification, no
 * DynamoDB); the bare writes paced with a 2 ms pause between pairs (the writer and dynalite idle between two
 * deliveries, as they are behind the receiver).</li>
 * <li>Verification: every event answered 200 is in the events table exactly once with its exact raw body, its
 * policy carries it as last event, the table holds nothing else; answers other than 200 are looked up too. The
 * same for the minimal function's tables; then one event per provider is sent, byte for byte, to both functions,
 * and their stored event and policy items must be equal but for receipt times.</li>
 * <li>In-process time: the function's JSON request log line gives {@code duration_ms} (WebhookService.receive:
 * verify, parse, map, both writes), matched by event id; end-to-end minus in-process is the Runtime API hop, the
 * Lambda HTTP adapter and JAX-RS.</li>
 * </ol>
 * Options ({@code -De2e.args="…"}): {@code --levels 1,8,32 --seconds 20 --max 20000 --warmup 60
 * --warmup-concurrency 4 --level-warmup 3 --probe 10 --rounds 3 --jvm default|lambda --scaling single|lambda
 * --artifacts jvm,native --native <path>} ({@code --jvm lambda}: the function JVM gets the Lambda java runtime's flags
 * through JAVA_TOOL_OPTIONS). {@code --artifacts}: which builds of the function to measure, one after the other with
 * everything above repeated for each (fresh dynalite, fresh tables): {@code jvm} = target/function.zip under the
 * runtime interface client, {@code native} = the native executable as {@code bootstrap} ({@code --native}, default
 * target/native-runner when current); default both, {@code native} only when there is a native executable. Every
 * loop is bounded by time and count.
 * Run: {@code ./mvnw -B -Pbench -DskipTests package exec:exec@e2e}.
 */
public final class EndToEndLoad {
    record Options(List<Integer> levels, int seconds, int max, int warmupSeconds, int warmupConcurrency,
            int levelWarmupSeconds, int probeSeconds, int rounds, String jvm, String scaling, List<String> artifacts,
            String nativePath) {
        static Options parse(String[] args) {
            List<Integer> levels = List.of(1, 8, 32);
            int seconds = 20;
            int max = 20_000;
            int warmup = 60;
            int warmupConcurrency = 4;
            int levelWarmup = 3;
            int probe = 10;
            int rounds = 3;
            String jvm = "default";
            String scaling = "single";
            List<String> artifacts = null;
            String nativePath = null;
            for (int i = 0; i + 1 < args.length; i += 2) {
                String value = args[i + 1];
                switch (args[i]) {
                    case "--levels" -> levels = java.util.Arrays.stream(value.split(",")).map(String::trim)
                            .map(Integer::parseInt).toList();
                    case "--seconds" -> seconds = Integer.parseInt(value);
                    case "--max" -> max = Integer.parseInt(value);
                    case "--warmup" -> warmup = Integer.parseInt(value);
                    case "--warmup-concurrency" -> warmupConcurrency = Integer.parseInt(value);
                    case "--jvm" -> jvm = value;
                    case "--level-warmup" -> levelWarmup = Integer.parseInt(value);
                    case "--probe" -> probe = Integer.parseInt(value);
                    case "--rounds" -> rounds = Integer.parseInt(value);
                    case "--scaling" -> scaling = value;
                    case "--artifacts" -> artifacts = List.of(value.split(","));
                    case "--native" -> nativePath = value;
                    default -> throw new IllegalArgumentException("unknown option " + args[i]);
                }
            }
            if (!jvm.equals("default") && !jvm.equals("lambda")) {
                throw new IllegalArgumentException("--jvm default|lambda");
            }
            if (!scaling.equals("single") && !scaling.equals("lambda")) {
                throw new IllegalArgumentException("--scaling single|lambda");
            }
            if (artifacts != null && !List.of("jvm", "native").containsAll(artifacts)) {
                throw new IllegalArgumentException("--artifacts jvm,native");
            }
            return new Options(levels, seconds, max, warmup, warmupConcurrency, levelWarmup, probe, rounds, jvm,
                    scaling, artifacts, nativePath);
        }
    }

    /** One timed operation. */
    record Sample(long nanos, boolean ok, int status, Event event, String eventId, boolean duplicate,
            String error) {
    }

    /** One bounded run of one kind of operation at one concurrency. */
    record Phase(String kind, String label, int concurrency, int round, List<Sample> samples, double wallSeconds) {
        long errors() {
            return samples.stream().filter(s -> !s.ok()).count();
        }

        double throughput() {
            return samples.size() / wallSeconds;
        }

        Stats latency() {
            return Stats.ofNanos(samples.stream().filter(Sample::ok).mapToLong(Sample::nanos).toArray());
        }
    }

    private final Options options;
    /** The native executable when this run measures it, else null (target/function.zip). */
    private final Path nativeExecutable;
    private final AtomicLong sequence = new AtomicLong();
    private final List<Phase> phases = new ArrayList<>();
    private final HttpClient http = LoadKit.http();
    private DynamoDbClient bare;
    private int port;
    /** The minimal function (section 2a): its Runtime API port and the in-process times it answered with. */
    private int minimalPort;
    private final Map<String, Double> minimalInProcess = new java.util.concurrent.ConcurrentHashMap<>();

    private EndToEndLoad(Options options, Path nativeExecutable) {
        this.options = options;
        this.nativeExecutable = nativeExecutable;
    }

    public static void main(String[] args) throws Exception {
        Options options = Options.parse(args);
        System.out.println("# End to end: packaged function (JVM build, native executable) vs bare DynamoDB writes, "
                + "loopback dynalite");
        System.out.println("machine: " + LoadKit.machine());
        System.out.println("options: " + options);
        List<String> artifacts = options.artifacts();
        Path nativeExecutable = artifacts == null || artifacts.contains("native")
                ? LoadKit.nativeExecutable(options.nativePath()) : null;
        if (artifacts == null) {
            artifacts = nativeExecutable == null ? List.of("jvm") : List.of("jvm", "native");
        } else if (artifacts.contains("native") && nativeExecutable == null) {
            throw new IllegalArgumentException("--artifacts native: there is no native executable");
        }
        Map<String, List<String>> medians = new LinkedHashMap<>();
        for (String artifact : artifacts) {
            System.out.println();
            System.out.println("# Artifact: " + (artifact.equals("native") ? "native executable " + nativeExecutable
                    : "JVM build, target/function.zip"));
            System.out.println("load average before: " + LoadKit.loadAverage());
            medians.put(artifact, new EndToEndLoad(options, artifact.equals("native") ? nativeExecutable : null).run());
        }
        System.out.println();
        System.out.println("## Artifacts side by side: medians over the rounds (columns as above, artifact first)");
        medians.forEach((artifact, rows) -> rows.forEach(row -> System.out.println("| " + artifact + " " + row)));
    }

    /** Measures one artifact; returns its table of medians, one row per level. */
    private List<String> run() throws Exception {
        try (LoadKit.Dynalite db = LoadKit.Dynalite.start()) {
            Map<String, String> environment = LoadKit.lambdaEnvironment(db.endpoint);
            if (nativeExecutable == null && options.jvm().equals("lambda")) {
                environment.put("JAVA_TOOL_OPTIONS", LoadKit.LAMBDA_JVM_FLAGS);
            }
            System.out.println("function JVM flags: " + environment.getOrDefault("JAVA_TOOL_OPTIONS", "(defaults)"));
            System.out.println("scaling: " + (options.scaling().equals("lambda")
                    ? "lambda (one function instance per concurrent request, all polling one Runtime API)"
                    : "single (one function instance; overlapping requests queue in the Runtime API)"));
            String name = nativeExecutable == null ? "bench-e2e" : "bench-e2e-native";
            LambdaArtifact function = LoadKit.start(nativeExecutable, name, environment);
            // the minimal function: a plain RequestHandler under the same runtime interface client, polling a mock
            // Runtime API of its own, same dynalite, its own tables, the same JVM flags as the JVM receiver
            Map<String, String> minimalEnvironment = LoadKit.minimalEnvironment(db.endpoint,
                    options.jvm().equals("lambda") ? LoadKit.LAMBDA_JVM_FLAGS : null);
            LambdaArtifact minimal = LoadKit.startMinimal(name + "-minimal", minimalEnvironment);
            try {
                function.awaitStarted(120);
                minimal.awaitStarted(120);
                port = function.port();
                minimalPort = minimal.port();
                bare = LoadKit.functionLikeClient(db.endpoint);
                System.out.printf(Locale.ROOT, "function pid %d, Runtime API port %d; minimal function pid %d, "
                        + "Runtime API port %d (JVM flags: %s); dynalite %s (pid %d)%n", function.process().pid(),
                        port, minimal.process().pid(), minimalPort,
                        minimalEnvironment.getOrDefault("JAVA_TOOL_OPTIONS", "(defaults)"), db.endpoint, db.pid());

                // warm-up: the functions' JIT and connections, the client's, dynalite's
                phase("receiver", "warmup", options.warmupConcurrency(), 0, options.warmupSeconds(),
                        Integer.MAX_VALUE, this::receiver);
                phase("minimal", "warmup", options.warmupConcurrency(), 0, options.warmupSeconds(),
                        Integer.MAX_VALUE, this::minimal);
                phase("bare", "warmup", options.warmupConcurrency(), 0, options.warmupSeconds() / 2,
                        Integer.MAX_VALUE, this::bareWrites);

                for (int level : options.levels()) {
                    if (options.scaling().equals("lambda") && function.instances() < level) {
                        // as Lambda does under overlapping requests: one instance per concurrent request; the new
                        // ones get the level's warm-up at that concurrency before anything is measured
                        while (function.instances() < level) {
                            function.addInstance(name + "-" + (function.instances() + 1), environment);
                        }
                        while (minimal.instances() < level) {
                            minimal.addInstance(name + "-minimal-" + (minimal.instances() + 1), minimalEnvironment);
                        }
                        System.out.println("instances polling the Runtime API: " + function.instances()
                                + " receivers, " + minimal.instances() + " minimal functions");
                        phase("receiver", "warmup", level, 0, options.warmupSeconds(), Integer.MAX_VALUE,
                                this::receiver);
                        phase("minimal", "warmup", level, 0, options.warmupSeconds(), Integer.MAX_VALUE,
                                this::minimal);
                    }
                    for (int round = 1; round <= options.rounds(); round++) {
                        // receiver and minimal function interleaved, the first of them alternating by round, so
                        // the machine's drift and other processes' bursts fall on both
                        List<String> order = round % 2 == 1 ? List.of("receiver", "minimal", "bare")
                                : List.of("minimal", "receiver", "bare");
                        for (String kind : order) {
                            LongFunction<Sample> operation = operation(kind);
                            phase(kind, "warmup", level, round, options.levelWarmupSeconds(), options.max(),
                                    operation);
                            phase(kind, "measure", level, round, options.seconds(), options.max(), operation);
                        }
                    }
                }
                // what the hop costs without our code, and our code without DynamoDB (warmest state, c=1)
                runtimeApiProbe();
                phase("probe-404", "warmup", 1, 0, 3, options.max(), this::unknownPath);
                phase("probe-404", "probe", 1, 0, options.probeSeconds(), options.max(), this::unknownPath);
                // the same for the minimal function: the hop, the runtime client and its event deserialisation
                LongFunction<Sample> minimal404 = n -> unknownPath(minimalPort);
                phase("probe-404-minimal", "warmup", 1, 0, 3, options.max(), minimal404);
                phase("probe-404-minimal", "probe", 1, 0, options.probeSeconds(), options.max(), minimal404);
                phase("probe-401", "warmup", 1, 0, 3, options.max(), this::badSignature);
                phase("probe-401", "probe", 1, 0, options.probeSeconds(), options.max(), this::badSignature);
                // the bare writes again, but paced like the receiver's (idle between pairs, as dynalite and the
                // writer are between two deliveries): how much of the gap is waking up rather than working
                phase("bare-paced", "probe", 1, 0, options.probeSeconds(), options.max(), this::pacedBareWrites);
                System.out.println("load average after: " + LoadKit.loadAverage());

                Map<String, Double> inProcess = LoadKit.requestDurations(function.output());
                Verification verification = verify(db);
                MinimalCheck minimalCheck = verifyMinimal(db);
                String sameItems = sameItems(db); // after the counts: it stores one more event in both
                List<String> medians = report(inProcess, function.output(), verification);
                medians.addAll(reportMinimal(inProcess, minimalCheck, sameItems));
                if (!function.process().isAlive()) {
                    System.out.println("WARNING: the function process died:\n" + function.output());
                }
                if (!minimal.process().isAlive()) {
                    System.out.println("WARNING: the minimal function process died:\n" + minimal.output());
                }
                return medians;
            } finally {
                function.close();
                minimal.close();
                if (bare != null) {
                    bare.close();
                }
            }
        }
    }

    // ---------------------------------------------------------------- operations

    /** A distinct event of the next provider, signed now, sent through the Runtime API to the function. */
    private Sample receiver(long n) {
        Event event = LoadKit.event(sequence.getAndIncrement());
        return receiverSample(event, LoadKit.send(http, LoadKit.request(port, event)));
    }

    /** The receiver's answer to {@code event}: its event id and {@code duplicate} flag when it answered 200. */
    static Sample receiverSample(Event event, Answer answer) {
        if (answer.status() != 200) {
            return new Sample(answer.nanos(), false, answer.status(), event, null, false,
                    answer.status() + " " + answer.body());
        }
        JsonNode body = LoadKit.json(answer.body());
        String id = body == null || !body.hasNonNull("event_id") ? null : body.get("event_id").asText();
        boolean duplicate = body != null && body.path("duplicate").asBoolean(false);
        return new Sample(answer.nanos(), true, 200, event, id, duplicate, null);
    }

    private LongFunction<Sample> operation(String kind) {
        return switch (kind) {
            case "receiver" -> this::receiver;
            case "minimal" -> this::minimal;
            case "bare" -> this::bareWrites;
            default -> throw new IllegalArgumentException(kind);
        };
    }

    /**
     * The same kind of event, signed the same way, sent through a mock Runtime API of its own to the minimal
     * function; its answer carries the event id and the in-process time.
     */
    private Sample minimal(long n) {
        Event event = LoadKit.event(sequence.getAndIncrement());
        Answer answer = LoadKit.send(http, LoadKit.request(minimalPort, event));
        if (answer.status() != 200) {
            return new Sample(answer.nanos(), false, answer.status(), event, null, false,
                    answer.status() + " " + answer.body());
        }
        JsonNode body = LoadKit.json(answer.body());
        String id = body == null || !body.hasNonNull("event_id") ? null : body.get("event_id").asText();
        if (id != null && body.has("duration_ms")) {
            minimalInProcess.put(id, body.get("duration_ms").asDouble());
        }
        boolean duplicate = body != null && body.path("duplicate").asBoolean(false);
        return new Sample(answer.nanos(), true, 200, event, id, duplicate, null);
    }

    /** The same two writes the receiver makes for such an event, built before the clock starts, sent bare. */
    private Sample bareWrites(long n) {
        Event event = LoadKit.event(sequence.getAndIncrement());
        Instant now = Instant.now();
        JsonNode json = JsonFields.parse(event.body());
        Delivery delivery = event.provider().equals(Ten99PolicyEvents.PROVIDER)
                ? Ten99PolicyEvents.map(event.body(), json, now)
                : VerticalInsureEvents.map(event.body(), json, now);
        CapturingDynamoDb capture = new CapturingDynamoDb();
        WebhookStore store = new WebhookStore(capture, LoadKit.BARE_TABLES);
        store.putEvent(delivery.event());
        store.applyState(delivery.states().get(0), now); // the load's events each carry one state
        PutItemRequest put = capture.lastPut;
        UpdateItemRequest update = capture.lastUpdate;

        long start = System.nanoTime();
        try {
            bare.putItem(put);
            bare.updateItem(update);
            return new Sample(System.nanoTime() - start, true, 200, event, delivery.event().eventId(), false, null);
        } catch (SdkException e) {
            return new Sample(System.nanoTime() - start, false, -1, event, delivery.event().eventId(), false,
                    e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    /**
     * The mock Runtime API alone: a second instance of it, polled by a trivial poller thread in this JVM that answers
     * every event at once with a fixed API Gateway response (no deserialisation, no function). Client → HTTP →
     * event JSON → queue → poll → response JSON → HTTP answer.
     */
    private void runtimeApiProbe() throws Exception {
        MockHttpEventServer server = new MockHttpEventServer();
        server.start(0);
        String base = "http://127.0.0.1:" + server.getPort();
        AtomicBoolean stop = new AtomicBoolean();
        Thread poller = new Thread(() -> {
            HttpClient pollHttp = LoadKit.http();
            byte[] response = "{\"statusCode\":200,\"headers\":{\"Content-Type\":\"application/json\"},\"body\":\"{}\",\"isBase64Encoded\":false}"
                    .getBytes(StandardCharsets.UTF_8);
            while (!stop.get()) {
                try {
                    HttpResponse<byte[]> next = pollHttp.send(HttpRequest.newBuilder(
                            java.net.URI.create(base + MockEventServer.NEXT_INVOCATION)).GET().build(),
                            HttpResponse.BodyHandlers.ofByteArray());
                    String id = next.headers().firstValue("Lambda-Runtime-Aws-Request-Id").orElse(null);
                    if (id != null && next.statusCode() == 200) {
                        pollHttp.send(HttpRequest.newBuilder(java.net.URI.create(base + MockEventServer.INVOCATION + id
                                + "/response")).POST(HttpRequest.BodyPublishers.ofByteArray(response)).build(),
                                HttpResponse.BodyHandlers.discarding());
                    }
                } catch (IOException e) {
                    // the server closed at the end of the probe
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "runtime-api-poller");
        poller.setDaemon(true);
        poller.start();
        try {
            LongFunction<Sample> probe = n -> {
                Event event = LoadKit.event(sequence.getAndIncrement());
                Answer answer = LoadKit.send(http, LoadKit.request(server.getPort(), event));
                return new Sample(answer.nanos(), answer.status() == 200, answer.status(), event, null, false,
                        answer.status() == 200 ? null : answer.status() + " " + answer.body());
            };
            phase("probe-rapi", "warmup", 1, 0, 3, options.max(), probe);
            phase("probe-rapi", "probe", 1, 0, options.probeSeconds(), options.max(), probe);
        } finally {
            stop.set(true);
            server.close();
            poller.join(5000);
        }
    }

    /** {@link #bareWrites} after an untimed 2 ms pause (about the receiver's time outside the writes). */
    private Sample pacedBareWrites(long n) {
        try {
            Thread.sleep(2);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return bareWrites(n);
    }

    /** POST to a path nothing serves: Runtime API hop + Lambda HTTP adapter + routing, none of our code. */
    private Sample unknownPath(long n) {
        return unknownPath(port);
    }

    /** The same to the function behind the Runtime API at {@code functionPort}. */
    private Sample unknownPath(int functionPort) {
        Event event = LoadKit.event(sequence.getAndIncrement());
        HttpRequest request = HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + functionPort + "/none"))
                .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(event.body())).build();
        Answer answer = LoadKit.send(http, request);
        return new Sample(answer.nanos(), answer.status() == 404, answer.status(), event, null, false,
                answer.status() == 404 ? null : answer.status() + " " + answer.body());
    }

    /** A 1099Policy event signed with the wrong secret: our verification answers 401, no DynamoDB call. */
    private Sample badSignature(long n) {
        Event event = LoadKit.event(2 * sequence.getAndIncrement()); // even: 1099Policy
        Answer answer = LoadKit.send(http, LoadKit.request(port, event, event.forge()));
        return new Sample(answer.nanos(), answer.status() == 401, answer.status(), event, null, false,
                answer.status() == 401 ? null : answer.status() + " " + answer.body());
    }

    // ---------------------------------------------------------------- the phase runner

    /**
     * Runs {@code operation} on {@code concurrency} threads, each in a closed loop, until {@code seconds} have
     * passed or {@code max} operations were started, whichever comes first.
     */
    private Phase phase(String kind, String label, int concurrency, int round, int seconds, int max,
            LongFunction<Sample> operation) throws InterruptedException {
        ConcurrentLinkedQueue<Sample> samples = new ConcurrentLinkedQueue<>();
        AtomicLong started = new AtomicLong();
        CountDownLatch go = new CountDownLatch(1);
        long[] deadline = new long[1];
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < concurrency; i++) {
            Thread thread = new Thread(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    return;
                }
                while (System.nanoTime() < deadline[0]) {
                    long n = started.getAndIncrement();
                    if (n >= max) {
                        break;
                    }
                    samples.add(operation.apply(n));
                }
            }, kind + "-" + concurrency + "-" + i);
            threads.add(thread);
            thread.start();
        }
        long start = System.nanoTime();
        deadline[0] = start + Duration.ofSeconds(seconds).toNanos();
        go.countDown();
        for (Thread thread : threads) {
            thread.join();
        }
        double wall = (System.nanoTime() - start) / 1e9;
        Phase phase = new Phase(kind, label, concurrency, round, new ArrayList<>(samples), wall);
        phases.add(phase);
        System.out.printf(Locale.ROOT, "%-9s %-7s round %d c=%-2d  %6d ops in %5.1f s = %7.1f/s  errors %d  %s%n",
                kind, label, round, concurrency, phase.samples().size(), wall, phase.throughput(), phase.errors(),
                phase.latency());
        phase.samples().stream().filter(s -> !s.ok()).limit(3)
                .forEach(s -> System.out.println("    error: " + s.error()));
        return phase;
    }

    // ---------------------------------------------------------------- verification

    record Verification(int accepted, int distinctIds, int idMismatches, int duplicatesAnswered, int missing,
            int bodyMismatches, int policyMismatches, int notAccepted, int storedUnacknowledged, int eventsInTable,
            int policiesInTable, int extra, int bareOk, int bareInTable) {
        boolean exactlyOnce() {
            return accepted == distinctIds && idMismatches == 0 && duplicatesAnswered == 0 && missing == 0
                    && bodyMismatches == 0 && policyMismatches == 0 && extra == 0;
        }
    }

    private Verification verify(LoadKit.Dynalite db) {
        List<Sample> sent = phases.stream().filter(p -> p.kind().equals("receiver"))
                .flatMap(p -> p.samples().stream()).toList();
        int bareOk = (int) phases.stream().filter(p -> p.kind().startsWith("bare")).flatMap(p -> p.samples().stream())
                .filter(Sample::ok).count();
        return verify(db, sent, bareOk);
    }

    /**
     * What the receiver stored for {@code sent} (its requests, answered or not): every event answered 200 once in
     * the events table with its exact raw body, its policy naming it, nothing else stored but events whose answer
     * was not 200; {@code bareOk} the bare writes that succeeded, to count against their own table.
     */
    static Verification verify(LoadKit.Dynalite db, List<Sample> sent, int bareOk) {
        List<Sample> accepted = sent.stream().filter(s -> s.status() == 200).toList();
        List<Sample> notAccepted = sent.stream().filter(s -> s.status() != 200).toList();
        Set<String> ids = new HashSet<>();
        int idMismatches = 0;
        int duplicates = 0;
        for (Sample s : accepted) {
            ids.add(s.eventId());
            idMismatches += s.event().expectedEventId().equals(s.eventId()) ? 0 : 1;
            duplicates += s.duplicate() ? 1 : 0;
        }
        Map<String, Map<String, AttributeValue>> events = batchGet(db.client, DynaliteResource.TABLES.events(),
                Tables.EVENT_ID, accepted.stream().map(Sample::eventId).toList());
        Map<String, Map<String, AttributeValue>> policies = batchGet(db.client, DynaliteResource.TABLES.policies(),
                Tables.POLICY_ID, accepted.stream().map(s -> s.event().policyId()).toList());
        int missing = 0;
        int bodyMismatches = 0;
        int policyMismatches = 0;
        for (Sample s : accepted) {
            Map<String, AttributeValue> item = events.get(s.eventId());
            if (item == null) {
                missing++;
                continue;
            }
            AttributeValue raw = item.get(Tables.RAW_BODY);
            if (raw == null || !raw.s().equals(new String(s.event().body(), StandardCharsets.UTF_8))) {
                bodyMismatches++;
            }
            Map<String, AttributeValue> policy = policies.get(s.event().policyId());
            if (policy == null || policy.get(Tables.LAST_EVENT_ID) == null
                    || !policy.get(Tables.LAST_EVENT_ID).s().equals(s.eventId())) {
                policyMismatches++;
            }
        }
        int storedUnacknowledged = batchGet(db.client, DynaliteResource.TABLES.events(), Tables.EVENT_ID,
                notAccepted.stream().map(s -> s.event().expectedEventId()).toList()).size();
        int eventsInTable = db.count(DynaliteResource.TABLES.events());
        int policiesInTable = db.count(DynaliteResource.TABLES.policies());
        int extra = eventsInTable - (ids.size() + storedUnacknowledged);
        int bareInTable = db.count(LoadKit.BARE_TABLES.events());
        return new Verification(accepted.size(), ids.size(), idMismatches, duplicates, missing, bodyMismatches,
                policyMismatches, notAccepted.size(), storedUnacknowledged, eventsInTable, policiesInTable, extra,
                bareOk, bareInTable);
    }

    /** What the minimal function stored: each event answered 200 once, with its raw body, its policy naming it. */
    record MinimalCheck(int accepted, int distinctIds, int missing, int bodyMismatches, int policyMismatches,
            int notAccepted, int eventsInTable) {
        boolean exactlyOnce() {
            return accepted == distinctIds && missing == 0 && bodyMismatches == 0 && policyMismatches == 0
                    && eventsInTable >= distinctIds && eventsInTable <= distinctIds + notAccepted;
        }
    }

    private MinimalCheck verifyMinimal(LoadKit.Dynalite db) {
        List<Sample> sent = phases.stream().filter(p -> p.kind().equals("minimal"))
                .flatMap(p -> p.samples().stream()).toList();
        List<Sample> accepted = sent.stream().filter(s -> s.status() == 200).toList();
        Map<String, Map<String, AttributeValue>> events = batchGet(db.client, LoadKit.MINIMAL_TABLES.events(),
                Tables.EVENT_ID, accepted.stream().map(Sample::eventId).toList());
        Map<String, Map<String, AttributeValue>> policies = batchGet(db.client, LoadKit.MINIMAL_TABLES.policies(),
                Tables.POLICY_ID, accepted.stream().map(s -> s.event().policyId()).toList());
        int missing = 0;
        int bodyMismatches = 0;
        int policyMismatches = 0;
        for (Sample s : accepted) {
            Map<String, AttributeValue> item = events.get(s.eventId());
            if (item == null || !s.event().expectedEventId().equals(s.eventId())) {
                missing++;
                continue;
            }
            AttributeValue raw = item.get(Tables.RAW_BODY);
            if (raw == null || !raw.s().equals(new String(s.event().body(), StandardCharsets.UTF_8))) {
                bodyMismatches++;
            }
            Map<String, AttributeValue> policy = policies.get(s.event().policyId());
            if (policy == null || policy.get(Tables.LAST_EVENT_ID) == null
                    || !policy.get(Tables.LAST_EVENT_ID).s().equals(s.eventId())) {
                policyMismatches++;
            }
        }
        int distinct = (int) accepted.stream().map(Sample::eventId).distinct().count();
        return new MinimalCheck(accepted.size(), distinct, missing, bodyMismatches, policyMismatches,
                sent.size() - accepted.size(), db.count(LoadKit.MINIMAL_TABLES.events()));
    }

    /**
     * One event of each provider, the very same bytes sent to the receiver and to the minimal function: their stored
     * event and policy items must be equal but for the receipt times ({@code received_at}, {@code last_received_at},
     * {@code updated_at}; and a Vertical Insure policy's {@code last_event_at}, which is its event's receipt time:
     * those events carry no time of their own). Returns "equal" or what differs.
     */
    private String sameItems(LoadKit.Dynalite db) {
        List<String> differences = new ArrayList<>();
        for (long n = 0; n < 2; n++) {
            Event event = LoadKit.event(n);
            Answer toReceiver = LoadKit.send(http, LoadKit.request(port, event));
            Answer toMinimal = LoadKit.send(http, LoadKit.request(minimalPort, event));
            if (toReceiver.status() != 200 || toMinimal.status() != 200) {
                differences.add(event.provider() + ": answers " + toReceiver.status() + " / " + toMinimal.status());
                continue;
            }
            compare(differences, event.provider() + " event",
                    get(db, DynaliteResource.TABLES.events(), Tables.EVENT_ID, event.expectedEventId()),
                    get(db, LoadKit.MINIMAL_TABLES.events(), Tables.EVENT_ID, event.expectedEventId()),
                    Tables.UPDATED_AT);
            boolean eventTimeIsReceipt = event.provider().equals(VerticalInsureEvents.PROVIDER);
            compare(differences, event.provider() + " policy",
                    get(db, DynaliteResource.TABLES.policies(), Tables.POLICY_ID, event.policyId()),
                    get(db, LoadKit.MINIMAL_TABLES.policies(), Tables.POLICY_ID, event.policyId()),
                    eventTimeIsReceipt ? Tables.LAST_EVENT_AT : Tables.UPDATED_AT);
        }
        return differences.isEmpty() ? "equal" : String.join("; ", differences);
    }

    private static Map<String, AttributeValue> get(LoadKit.Dynalite db, String table, String keyName, String key) {
        return db.client.getItem(b -> b.tableName(table).key(Map.of(keyName, AttributeValue.fromS(key)))
                .consistentRead(true)).item();
    }

    private static void compare(List<String> differences, String what, Map<String, AttributeValue> receiver,
            Map<String, AttributeValue> minimal, String alsoReceiptTime) {
        Set<String> times = new HashSet<>(Set.of(Tables.RECEIVED_AT, Tables.LAST_RECEIVED_AT, Tables.UPDATED_AT));
        times.add(alsoReceiptTime);
        Map<String, AttributeValue> r = new HashMap<>(receiver);
        Map<String, AttributeValue> m = new HashMap<>(minimal);
        if (r.isEmpty() || m.isEmpty()) {
            differences.add(what + ": missing (receiver " + r.size() + " attributes, minimal " + m.size() + ")");
            return;
        }
        if (!r.keySet().equals(m.keySet())) {
            differences.add(what + ": attribute names differ " + r.keySet() + " / " + m.keySet());
            return;
        }
        times.forEach(t -> {
            r.remove(t);
            m.remove(t);
        });
        r.keySet().stream().filter(name -> !r.get(name).equals(m.get(name))).sorted()
                .forEach(name -> differences.add(what + "." + name + " differs"));
    }

    /** Consistent BatchGetItem by key, 100 keys a call, unprocessed keys retried. */
    private static Map<String, Map<String, AttributeValue>> batchGet(DynamoDbClient dynamo, String table,
            String keyName, List<String> keys) {
        Map<String, Map<String, AttributeValue>> found = new HashMap<>();
        List<String> distinct = new ArrayList<>(new java.util.LinkedHashSet<>(keys));
        for (int i = 0; i < distinct.size(); i += 100) {
            List<Map<String, AttributeValue>> chunk = distinct.subList(i, Math.min(distinct.size(), i + 100)).stream()
                    .map(k -> Map.of(keyName, AttributeValue.fromS(k))).toList();
            Map<String, KeysAndAttributes> request = Map.of(table,
                    KeysAndAttributes.builder().keys(chunk).consistentRead(true).build());
            for (int attempt = 0; !request.isEmpty() && attempt < 20; attempt++) {
                Map<String, KeysAndAttributes> ask = request;
                var response = dynamo.batchGetItem(b -> b.requestItems(ask));
                response.responses().getOrDefault(table, List.of())
                        .forEach(item -> found.put(item.get(keyName).s(), item));
                request = response.unprocessedKeys();
            }
        }
        return found;
    }

    // ---------------------------------------------------------------- report

    private List<String> report(Map<String, Double> inProcess, String functionOutput, Verification v)
            throws Exception {
        System.out.println();
        System.out.println("## Probes at concurrency 1 (after warm-up)");
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("machine", LoadKit.machine());
        json.put("options", options.toString());
        json.put("artifact", nativeExecutable == null ? "jvm" : "native " + nativeExecutable);
        for (Phase p : phases) {
            if (p.label().equals("probe")) {
                System.out.printf(Locale.ROOT, "%-10s %s%n", p.kind(), p.latency());
                json.put(p.kind(), p.latency().toMap());
            }
        }
        System.out.println();
        System.out.println("## Per round");
        List<Map<String, Object>> rows = new ArrayList<>();
        Map<Integer, List<double[]>> perLevel = new LinkedHashMap<>();
        for (int round = 1; round <= options.rounds(); round++) {
            for (int level : options.levels()) {
                Phase receiver = find("receiver", level, round);
                Phase bare = find("bare", level, round);
                Stats r = receiver.latency();
                Stats b = bare.latency();
                Stats in = Stats.of(receiver.samples().stream().filter(Sample::ok)
                        .map(s -> inProcess.get(s.eventId())).filter(d -> d != null)
                        .mapToDouble(Double::doubleValue).toArray());
                double ratio = r.p50() / b.p50();
                System.out.printf(Locale.ROOT,
                        "round %d c=%-2d receiver %7.1f/s err %d p50 %6.2f p90 %6.2f p99 %6.2f | bare %7.1f/s err %d "
                                + "p50 %5.2f p90 %5.2f p99 %5.2f | ratio p50 %.2f | in-process p50 %5.2f p90 %5.2f "
                                + "p99 %5.2f (n=%d)%n",
                        round, level, receiver.throughput(), receiver.errors(), r.p50(), r.p90(), r.p99(),
                        bare.throughput(), bare.errors(), b.p50(), b.p90(), b.p99(), ratio, in.p50(), in.p90(),
                        in.p99(), in.n());
                perLevel.computeIfAbsent(level, k -> new ArrayList<>()).add(new double[] {receiver.throughput(),
                        r.p50(), r.p90(), r.p99(), bare.throughput(), b.p50(), b.p90(), b.p99(), ratio, in.p50(),
                        in.p90(), in.p99(), receiver.errors(), bare.errors(), r.n(), b.n()});
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("round", round);
                row.put("concurrency", level);
                row.put("receiver_throughput", receiver.throughput());
                row.put("receiver_errors", receiver.errors());
                row.put("receiver", r.toMap());
                row.put("bare_throughput", bare.throughput());
                row.put("bare_errors", bare.errors());
                row.put("bare", b.toMap());
                row.put("ratio_p50", ratio);
                row.put("in_process", in.toMap());
                rows.add(row);
            }
        }
        json.put("rounds", rows);

        System.out.println();
        System.out.println("## Median over " + options.rounds() + " rounds (ms; throughput in requests or write pairs/s)");
        System.out.println("| c | receiver req/s | receiver p50 | p90 | p99 | bare pairs/s | bare p50 | p90 | p99 "
                + "| p50 ratio | in-process p50 | p90 | p99 | e2e p50 − in-process p50 | errors (receiver/bare) |");
        System.out.println("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
        List<String> medians = new ArrayList<>();
        for (var entry : perLevel.entrySet()) {
            double[] m = new double[16];
            for (int k = 0; k < m.length; k++) {
                final int index = k;
                m[k] = LoadKit.median(entry.getValue().stream().map(a -> a[index]).toList());
            }
            double errorsReceiver = entry.getValue().stream().mapToDouble(a -> a[12]).sum();
            double errorsBare = entry.getValue().stream().mapToDouble(a -> a[13]).sum();
            String row = String.format(Locale.ROOT,
                    "| %d | %.0f | %.2f | %.2f | %.2f | %.0f | %.2f | %.2f | %.2f | **%.2f** | %.2f | %.2f | %.2f "
                            + "| %.2f | %.0f / %.0f |",
                    entry.getKey(), m[0], m[1], m[2], m[3], m[4], m[5], m[6], m[7], m[8], m[9], m[10], m[11],
                    m[1] - m[9], errorsReceiver, errorsBare);
            System.out.println(row);
            medians.add(row);
        }

        // only the 401 probes log "rejected" (its 3 s warm-up included: with several instances the logs interleave)
        List<Double> rejected = LoadKit.requestDurations(functionOutput, "rejected");
        if (!rejected.isEmpty()) {
            Stats in401 = Stats.of(rejected.stream().mapToDouble(Double::doubleValue).toArray());
            System.out.println("in-process time of the 401 probe and its warm-up (WebhookService.receive, "
                    + "verification only): " + in401);
            json.put("probe-401_in_process", in401.toMap());
        }

        System.out.println();
        System.out.println("## Exactly once");
        System.out.printf(Locale.ROOT,
                "receiver: %d answered 200 (%d distinct event ids; %d id mismatches; %d answered duplicate=true); "
                        + "%d missing from the table; %d stored with a different raw body; %d policies not carrying "
                        + "their event; %d requests not answered 200, of which %d stored anyway; events table holds "
                        + "%d items (%d beyond the accepted and stored-unacknowledged ones); policies table %d%n",
                v.accepted(), v.distinctIds(), v.idMismatches(), v.duplicatesAnswered(), v.missing(),
                v.bodyMismatches(), v.policyMismatches(), v.notAccepted(), v.storedUnacknowledged(),
                v.eventsInTable(), v.extra(), v.policiesInTable());
        System.out.printf(Locale.ROOT, "bare baseline: %d successful write pairs, %d items in its events table%n",
                v.bareOk(), v.bareInTable());
        System.out.println(v.exactlyOnce() ? "EXACTLY ONCE: yes (zero lost, zero duplicated, nothing else stored)"
                : "EXACTLY ONCE: NO");
        json.put("verification", v);

        Path out = Path.of("target", "bench", "end-to-end-" + System.currentTimeMillis() + ".json");
        Files.createDirectories(out.getParent());
        LoadKit.JSON.writerWithDefaultPrettyPrinter().writeValue(out.toFile(), json);
        System.out.println("results: " + out.toAbsolutePath());
        return medians;
    }

    /** Section 2a: the receiver against the minimal function, per round and as medians; their rows are returned. */
    private List<String> reportMinimal(Map<String, Double> inProcess, MinimalCheck check, String sameItems) {
        System.out.println();
        System.out.println("## Receiver vs minimal function (plain RequestHandler, same runtime client, same writes)");
        Map<Integer, List<double[]>> perLevel = new LinkedHashMap<>();
        for (int round = 1; round <= options.rounds(); round++) {
            for (int level : options.levels()) {
                Phase receiver = find("receiver", level, round);
                Phase minimal = find("minimal", level, round);
                Stats r = receiver.latency();
                Stats m = minimal.latency();
                Stats rIn = Stats.of(receiver.samples().stream().filter(Sample::ok)
                        .map(s -> inProcess.get(s.eventId())).filter(d -> d != null)
                        .mapToDouble(Double::doubleValue).toArray());
                Stats mIn = Stats.of(minimal.samples().stream().filter(Sample::ok)
                        .map(s -> minimalInProcess.get(s.eventId())).filter(d -> d != null)
                        .mapToDouble(Double::doubleValue).toArray());
                System.out.printf(Locale.ROOT,
                        "round %d c=%-2d receiver %7.1f/s err %d p50 %6.2f p90 %6.2f p99 %6.2f | minimal %7.1f/s err %d "
                                + "p50 %6.2f p90 %6.2f p99 %6.2f | ratio p50 %.2f p90 %.2f p99 %.2f | in-process "
                                + "p50 receiver %5.2f minimal %5.2f%n",
                        round, level, receiver.throughput(), receiver.errors(), r.p50(), r.p90(), r.p99(),
                        minimal.throughput(), minimal.errors(), m.p50(), m.p90(), m.p99(), r.p50() / m.p50(),
                        r.p90() / m.p90(), r.p99() / m.p99(), rIn.p50(), mIn.p50());
                perLevel.computeIfAbsent(level, k -> new ArrayList<>()).add(new double[] {receiver.throughput(),
                        r.p50(), r.p90(), r.p99(), minimal.throughput(), m.p50(), m.p90(), m.p99(), r.p50() / m.p50(),
                        r.p90() / m.p90(), r.p99() / m.p99(), rIn.p50(), mIn.p50(), receiver.errors(),
                        minimal.errors()});
            }
        }
        System.out.println();
        System.out.println("## Median over " + options.rounds() + " rounds: receiver vs minimal function (ms)");
        System.out.println("| c | receiver req/s | receiver p50 | p90 | p99 | minimal req/s | minimal p50 | p90 | p99 "
                + "| p50 ratio | p90 ratio | p99 ratio | in-process p50 receiver | minimal | errors (receiver/minimal) |");
        System.out.println("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
        List<String> rows = new ArrayList<>();
        for (var entry : perLevel.entrySet()) {
            double[] x = new double[15];
            for (int k = 0; k < x.length; k++) {
                final int index = k;
                x[k] = LoadKit.median(entry.getValue().stream().map(a -> a[index]).toList());
            }
            double errorsReceiver = entry.getValue().stream().mapToDouble(a -> a[13]).sum();
            double errorsMinimal = entry.getValue().stream().mapToDouble(a -> a[14]).sum();
            String row = String.format(Locale.ROOT,
                    "| %d | %.0f | %.2f | %.2f | %.2f | %.0f | %.2f | %.2f | %.2f | **%.2f** | %.2f | %.2f | %.2f "
                            + "| %.2f | %.0f / %.0f |",
                    entry.getKey(), x[0], x[1], x[2], x[3], x[4], x[5], x[6], x[7], x[8], x[9], x[10], x[11], x[12],
                    errorsReceiver, errorsMinimal);
            System.out.println(row);
            rows.add("vs minimal " + row);
        }
        System.out.printf(Locale.ROOT, "minimal function: %d answered 200 (%d distinct event ids); %d missing from its "
                + "table; %d stored with a different raw body; %d policies not carrying their event; %d not "
                + "answered 200; its events table holds %d items%n", check.accepted(), check.distinctIds(),
                check.missing(), check.bodyMismatches(), check.policyMismatches(), check.notAccepted(),
                check.eventsInTable());
        System.out.println(check.exactlyOnce() ? "MINIMAL EXACTLY ONCE: yes" : "MINIMAL EXACTLY ONCE: NO");
        System.out.println("same event to both (one per provider), stored items but for receipt times: " + sameItems);
        return rows;
    }

    private Phase find(String kind, int level, int round) {
        return phases.stream().filter(p -> p.kind().equals(kind) && p.label().equals("measure")
                && p.concurrency() == level && p.round() == round).findFirst().orElseThrow();
    }
}
