package io.policywebhooks.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.LongFunction;

import com.fasterxml.jackson.databind.JsonNode;

import io.policywebhooks.DynaliteResource;
import io.policywebhooks.bench.EndToEndChecks.MinimalCheck;
import io.policywebhooks.bench.LoadRequests.Answer;
import io.policywebhooks.bench.LoadRequests.Event;
import io.policywebhooks.it.LambdaArtifact;
import io.policywebhooks.store.Schema;

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
 * <p>This class drives the run; {@link EndToEndOperations} are what is timed, {@link EndToEndPhases} runs and keeps
 * the phases, {@link EndToEndChecks} reads back what was stored and {@link EndToEndReport} prints the results.
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

    /** What the receiver stored, by {@link #verify}. */
    record Verification(int accepted, int distinctIds, int idMismatches, int duplicatesAnswered, int missing,
            int bodyMismatches, int policyMismatches, int notAccepted, int storedUnacknowledged, int eventsInTable,
            int policiesInTable, int extra, int bareOk, int bareInTable) {
        boolean exactlyOnce() {
            return accepted == distinctIds && idMismatches == 0 && duplicatesAnswered == 0 && missing == 0
                    && bodyMismatches == 0 && policyMismatches == 0 && extra == 0;
        }
    }

    /** The receiver's and the minimal function's instances, and what starts one more of each. */
    private record Functions(LambdaArtifact receiver, LambdaArtifact minimal, String name,
            Map<String, String> environment, Map<String, String> minimalEnvironment) {
        /**
         * As Lambda does under overlapping requests: one instance per concurrent request. True when instances were
         * added, which then get the level's warm-up before anything is measured.
         */
        boolean scaleOutTo(int level) throws IOException, InterruptedException {
            if (receiver.instances() >= level) {
                return false;
            }
            while (receiver.instances() < level) {
                receiver.addInstance(name + "-" + (receiver.instances() + 1), environment);
            }
            while (minimal.instances() < level) {
                minimal.addInstance(name + "-minimal-" + (minimal.instances() + 1), minimalEnvironment);
            }
            System.out.println("instances polling the Runtime API: " + receiver.instances()
                    + " receivers, " + minimal.instances() + " minimal functions");
            return true;
        }
    }

    private final Options options;
    /** The native executable when this run measures it, else null (target/function.zip). */
    private final Path nativeExecutable;
    private final EndToEndPhases phases = new EndToEndPhases();

    private EndToEndLoad(Options options, Path nativeExecutable) {
        this.options = options;
        this.nativeExecutable = nativeExecutable;
    }

    public static void main(String[] args) throws Exception {
        Options options = Options.parse(args);
        System.out.println("# End to end: packaged function (JVM build, native executable) vs bare DynamoDB writes, "
                + "loopback dynalite");
        System.out.println("machine: " + Measures.machine());
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
            System.out.println("load average before: " + Measures.loadAverage());
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
            EndToEndOperations operations = null;
            try {
                function.awaitStarted(120);
                minimal.awaitStarted(120);
                operations = new EndToEndOperations(function.port(), minimal.port(),
                        LoadKit.functionLikeClient(db.endpoint));
                System.out.printf(Locale.ROOT, "function pid %d, Runtime API port %d; minimal function pid %d, "
                        + "Runtime API port %d (JVM flags: %s); dynalite %s (pid %d)%n", function.process().pid(),
                        function.port(), minimal.process().pid(), minimal.port(),
                        minimalEnvironment.getOrDefault("JAVA_TOOL_OPTIONS", "(defaults)"), db.endpoint, db.pid());
                measure(new Functions(function, minimal, name, environment, minimalEnvironment), operations);
                List<String> medians = verifyAndReport(db, function, operations);
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
                if (operations != null) {
                    operations.close();
                }
            }
        }
    }

    /** The warm-up, every level's rounds, then the probes. */
    private void measure(Functions functions, EndToEndOperations operations) throws Exception {
        // warm-up: the functions' JIT and connections, the client's, dynalite's
        warmUpFunctions(options.warmupConcurrency(), operations);
        phases.run("bare", "warmup", options.warmupConcurrency(), 0, options.warmupSeconds() / 2,
                Integer.MAX_VALUE, operations::bareWrites);
        for (int level : options.levels()) {
            if (options.scaling().equals("lambda") && functions.scaleOutTo(level)) {
                warmUpFunctions(level, operations);
            }
            measureLevel(level, operations);
        }
        probe(operations);
        System.out.println("load average after: " + Measures.loadAverage());
    }

    private void warmUpFunctions(int concurrency, EndToEndOperations operations) throws InterruptedException {
        phases.run("receiver", "warmup", concurrency, 0, options.warmupSeconds(), Integer.MAX_VALUE,
                operations::receiver);
        phases.run("minimal", "warmup", concurrency, 0, options.warmupSeconds(), Integer.MAX_VALUE,
                operations::minimal);
    }

    /**
     * Each round at {@code level}: receiver and minimal function interleaved, the first of them alternating by
     * round, so the machine's drift and other processes' bursts fall on both; then the bare writes.
     */
    private void measureLevel(int level, EndToEndOperations operations) throws InterruptedException {
        for (int round = 1; round <= options.rounds(); round++) {
            List<String> order = round % 2 == 1 ? List.of("receiver", "minimal", "bare")
                    : List.of("minimal", "receiver", "bare");
            for (String kind : order) {
                LongFunction<Sample> operation = operations.operation(kind);
                phases.run(kind, "warmup", level, round, options.levelWarmupSeconds(), options.max(), operation);
                phases.run(kind, "measure", level, round, options.seconds(), options.max(), operation);
            }
        }
    }

    /** What the hop costs without our code, and our code without DynamoDB (warmest state, c=1). */
    private void probe(EndToEndOperations operations) throws Exception {
        operations.runtimeApiProbe(operation -> probe("probe-rapi", operation));
        probe("probe-404", operations::unknownPath);
        probe("probe-404-minimal", operations::minimalUnknownPath);
        probe("probe-401", operations::badSignature);
        // the bare writes again, but paced like the receiver's (idle between pairs, as dynalite and the
        // writer are between two deliveries): how much of the gap is waking up rather than working
        phases.run("bare-paced", "probe", 1, 0, options.probeSeconds(), options.max(), operations::pacedBareWrites);
    }

    /** A probe's 3 s warm-up, then the probe. */
    private void probe(String kind, LongFunction<Sample> operation) throws InterruptedException {
        phases.run(kind, "warmup", 1, 0, 3, options.max(), operation);
        phases.run(kind, "probe", 1, 0, options.probeSeconds(), options.max(), operation);
    }

    /** Reads back what the functions stored, then reports; returns the report's rows of medians. */
    private List<String> verifyAndReport(LoadKit.Dynalite db, LambdaArtifact function, EndToEndOperations operations)
            throws Exception {
        Map<String, Double> inProcess = LoadRequests.requestDurations(function.output());
        int bareOk = (int) phases.samples(kind -> kind.startsWith("bare")).stream().filter(Sample::ok).count();
        Verification verification = verify(db, phases.samples("receiver"::equals), bareOk);
        MinimalCheck minimalCheck = EndToEndChecks.verifyMinimal(db, phases.samples("minimal"::equals));
        String sameItems = operations.sameItems(db); // after the counts: it stores one more event in both
        EndToEndReport report = new EndToEndReport(options, nativeExecutable, phases);
        List<String> medians = report.receiverVsBare(inProcess, function.output(), verification);
        medians.addAll(report.receiverVsMinimal(inProcess, operations.minimalInProcess, minimalCheck, sameItems));
        return medians;
    }

    /** The receiver's answer to {@code event}: its event id and {@code duplicate} flag when it answered 200. */
    static Sample receiverSample(Event event, Answer answer) {
        return sample(event, answer, (id, body) -> {
        });
    }

    /** The same for a function that answers as the receiver does; {@code answered} also sees a 200's id and body. */
    static Sample sample(Event event, Answer answer, BiConsumer<String, JsonNode> answered) {
        if (answer.status() != 200) {
            return new Sample(answer.nanos(), false, answer.status(), event, null, false,
                    answer.status() + " " + answer.body());
        }
        JsonNode body = LoadRequests.json(answer.body());
        String id = body == null || !body.hasNonNull("event_id") ? null : body.get("event_id").asText();
        answered.accept(id, body);
        boolean duplicate = body != null && body.path("duplicate").asBoolean(false);
        return new Sample(answer.nanos(), true, 200, event, id, duplicate, null);
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
        EndToEndChecks.Stored stored = EndToEndChecks.stored(db.client, DynaliteResource.TABLES, accepted, s -> false);
        int storedUnacknowledged = EndToEndChecks.batchGet(db.client, DynaliteResource.TABLES.events(),
                Schema.EVENT_ID, notAccepted.stream().map(s -> s.event().expectedEventId()).toList()).size();
        int eventsInTable = db.count(DynaliteResource.TABLES.events());
        int policiesInTable = db.count(DynaliteResource.TABLES.policies());
        int extra = eventsInTable - (ids.size() + storedUnacknowledged);
        int bareInTable = db.count(LoadKit.BARE_TABLES.events());
        return new Verification(accepted.size(), ids.size(), idMismatches, duplicates, stored.missing(),
                stored.bodyMismatches(), stored.policyMismatches(), notAccepted.size(), storedUnacknowledged,
                eventsInTable, policiesInTable, extra, bareOk, bareInTable);
    }
}
