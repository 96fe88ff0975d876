package io.policywebhooks.bench;

import java.net.http.HttpClient;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import com.fasterxml.jackson.databind.JsonNode;

import io.policywebhooks.DynaliteResource;
import io.policywebhooks.bench.LoadRequests.Answer;
import io.policywebhooks.bench.LoadRequests.Event;
import io.policywebhooks.bench.Measures.Stats;
import io.policywebhooks.it.LambdaArtifact;

/**
 * BENCHMARKS.md section 6: what a request that is not a provider's costs the packaged function, next to an authentic
 * delivery, end to end and in process. target/function.zip (or the native executable) started as Lambda runs it
 * ({@link LambdaArtifact}, one instance, dynalite on loopback), then at concurrency 1, in turns within each round:
 * <ul>
 * <li>{@code authentic}: distinct events of both providers in turn, correctly signed (answered 200, stored);</li>
 * <li>{@code forged}: the same kind of event with a well-formed signature under a wrong secret (401 after the whole
 * HMAC: what a flood that knows the header format costs);</li>
 * <li>{@code unsigned}: the same without a signature header (401 before any HMAC).</li>
 * </ul>
 * Each request is timed from send to answer (the signature computed before the clock starts); the in-process time is
 * the {@code duration_ms} of the function's request log line ({@code WebhookService.receive}), by event id for the
 * authentic ones and by {@code reason} ({@code signature mismatch}, {@code missing signature}) for the others.
 * Afterwards the events table must hold exactly the events answered 200: a rejected request writes nothing.
 * Options ({@code -Dunsigned.args="…"}): {@code --seconds 10 --max 20000 --rounds 3 --warmup 20 --jvm default|lambda
 * --artifact jvm|native --native <path>}. Every loop is bounded by time and count; only loopback.
 * Run: {@code ./mvnw -B -Pbench -DskipTests package exec:exec@unsigned}.
 */
public final class UnsignedCost {
    private static final List<String> KINDS = List.of("authentic", "forged", "unsigned");
    /** The log line's reason for each rejected kind. */
    private static final Map<String, String> REASONS = Map.of("forged", "signature mismatch", "unsigned",
            "missing signature");

    private final HttpClient http = LoadRequests.http();
    private final AtomicLong sequence = new AtomicLong();
    private int port;
    private final Map<String, List<Long>> nanosByKind = new LinkedHashMap<>();
    private final Map<String, List<Stats>> roundsByKind = new LinkedHashMap<>();
    /** Event ids answered 200 while measuring; all answered 200 (warm-up included), for the table check. */
    private final List<String> measuredIds = new ArrayList<>();
    private int answered200;
    /** Rejected requests of each kind sent during the warm-up: their log lines come first and are skipped. */
    private final Map<String, Integer> warmupRejected = new LinkedHashMap<>();
    private int unexpected;

    public static void main(String[] args) throws Exception {
        Map<String, String> options = LoadKit.options(args, Map.of("--seconds", "10", "--max", "20000", "--rounds",
                "3", "--warmup", "20", "--jvm", "default", "--artifact", "jvm", "--native", ""));
        int seconds = Integer.parseInt(options.get("--seconds"));
        int max = Integer.parseInt(options.get("--max"));
        int rounds = Integer.parseInt(options.get("--rounds"));
        int warmup = Integer.parseInt(options.get("--warmup"));
        String jvm = options.get("--jvm");
        String artifact = options.get("--artifact");
        String nativePath = options.get("--native").isEmpty() ? null : options.get("--native");
        System.out.println("# What a request that is not a provider's costs, next to an authentic delivery");
        System.out.println("machine: " + Measures.machine());
        System.out.printf(Locale.ROOT, "options: --seconds %d --max %d --rounds %d --warmup %d --jvm %s --artifact %s%n",
                seconds, max, rounds, warmup, jvm, artifact);
        System.out.println("load average before: " + Measures.loadAverage());
        new UnsignedCost().run(seconds, max, rounds, warmup, jvm,
                artifact.equals("native") ? LoadKit.nativeExecutable(nativePath) : null);
    }

    private void run(int seconds, int max, int rounds, int warmup, String jvm, java.nio.file.Path nativeExecutable)
            throws Exception {
        try (LoadKit.Dynalite db = LoadKit.Dynalite.start()) {
            Map<String, String> environment = LoadKit.lambdaEnvironment(db.endpoint);
            if (nativeExecutable == null && jvm.equals("lambda")) {
                environment.put("JAVA_TOOL_OPTIONS", LoadKit.LAMBDA_JVM_FLAGS);
            }
            System.out.println("artifact: " + (nativeExecutable == null ? "target/function.zip, JVM flags "
                    + environment.getOrDefault("JAVA_TOOL_OPTIONS", "(defaults)") : nativeExecutable));
            try (LambdaArtifact function = LoadKit.start(nativeExecutable, "bench-unsigned", environment)) {
                function.awaitStarted(120);
                port = function.port();
                // warm-up: every kind in turn, so the JIT sees each path
                long warmupEnd = System.nanoTime() + warmup * 1_000_000_000L;
                for (long n = 0; System.nanoTime() < warmupEnd && n < 3L * max; n++) {
                    send(KINDS.get((int) (n % KINDS.size())), false);
                }
                unexpected = 0;
                for (int round = 1; round <= rounds; round++) {
                    // the first kind of a round rotates, so the machine's drift falls on each
                    for (int k = 0; k < KINDS.size(); k++) {
                        String kind = KINDS.get((k + round - 1) % KINDS.size());
                        List<Long> nanos = new ArrayList<>();
                        long end = System.nanoTime() + seconds * 1_000_000_000L;
                        while (System.nanoTime() < end && nanos.size() < max) {
                            long took = send(kind, true);
                            if (took >= 0) {
                                nanos.add(took);
                            }
                        }
                        Stats stats = Stats.ofNanos(nanos.stream().mapToLong(Long::longValue).toArray());
                        nanosByKind.computeIfAbsent(kind, x -> new ArrayList<>()).addAll(nanos);
                        roundsByKind.computeIfAbsent(kind, x -> new ArrayList<>()).add(stats);
                        System.out.printf(Locale.ROOT, "round %d %-9s %s%n", round, kind, stats);
                    }
                }
                System.out.println("load average after: " + Measures.loadAverage());
                report(function.output(), db);
            }
        }
    }

    /** Sends one request of {@code kind}; its time in nanoseconds, or -1 when the answer was not the expected one. */
    private long send(String kind, boolean measured) {
        Event event = LoadRequests.event(sequence.getAndIncrement());
        String signature = switch (kind) {
            case "authentic" -> event.sign();
            case "forged" -> event.forge();
            default -> null;
        };
        Answer answer = LoadRequests.send(http, LoadRequests.request(port, event, signature));
        if (!measured && !kind.equals("authentic")) {
            warmupRejected.merge(kind, 1, Integer::sum);
        }
        int expected = kind.equals("authentic") ? 200 : 401;
        if (answer.status() != expected) {
            unexpected++;
            if (unexpected <= 3) {
                System.out.println("    unexpected " + kind + ": " + answer.status() + " " + answer.body());
            }
            return -1;
        }
        if (kind.equals("authentic")) {
            answered200++;
            JsonNode body = LoadRequests.json(answer.body());
            if (measured && body != null && body.hasNonNull("event_id")) {
                measuredIds.add(body.get("event_id").asText());
            }
        }
        return measured ? answer.nanos() : -1;
    }

    private void report(String functionOutput, LoadKit.Dynalite db) {
        Map<String, Double> authentic = LoadRequests.requestDurations(functionOutput);
        Map<String, List<Double>> inProcess = new LinkedHashMap<>();
        inProcess.put("authentic", measuredIds.stream().map(authentic::get).filter(d -> d != null).toList());
        Map<String, Integer> toSkip = new LinkedHashMap<>(warmupRejected);
        functionOutput.lines().filter(l -> l.startsWith("{") && l.contains("\"duration_ms\"")).forEach(line -> {
            JsonNode node = LoadRequests.json(line);
            if (node != null && "rejected".equals(node.path("outcome").asText())) {
                REASONS.forEach((kind, reason) -> {
                    if (reason.equals(node.path("reason").asText()) && toSkip.merge(kind, -1, Integer::sum) < 0) {
                        inProcess.computeIfAbsent(kind, k -> new ArrayList<>()).add(node.get("duration_ms").asDouble());
                    }
                });
            }
        });

        System.out.println();
        System.out.println("## Concurrency 1, one instance: all measured requests of the rounds");
        System.out.println("| request | answer | n | e2e p50 ms | p90 | p99 | median of round p50s | requests/s one "
                + "instance answers (1 / mean) | in-process p50 ms | p99 |");
        System.out.println("|---|---|---|---|---|---|---|---|---|---|");
        for (String kind : KINDS) {
            Stats e2e = Stats.ofNanos(nanosByKind.getOrDefault(kind, List.of()).stream().mapToLong(Long::longValue)
                    .toArray());
            Stats in = Stats.of(inProcess.getOrDefault(kind, List.of()).stream().mapToDouble(Double::doubleValue)
                    .toArray());
            double roundMedian = Measures.median(roundsByKind.getOrDefault(kind, List.of()).stream()
                    .map(Stats::p50).toList());
            System.out.printf(Locale.ROOT, "| %s | %d | %d | %.2f | %.2f | %.2f | %.2f | %.0f | %.3f | %.3f |%n", kind,
                    kind.equals("authentic") ? 200 : 401, e2e.n(), e2e.p50(), e2e.p90(), e2e.p99(), roundMedian,
                    1000 / e2e.mean(), in.p50(), in.p99());
        }
        int stored = db.count(DynaliteResource.TABLES.events());
        System.out.printf(Locale.ROOT, "events table: %d items; authentic requests answered 200 (warm-up included): "
                + "%d (%s); measured answers other than expected: %d%n", stored, answered200,
                stored == answered200 ? "a rejected request wrote nothing" : "MISMATCH", unexpected);
    }
}
