package io.policywebhooks.bench;

import java.io.IOException;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import io.policywebhooks.Signers;
import io.policywebhooks.bench.LoadRequests.Answer;
import io.policywebhooks.bench.LoadRequests.Event;
import io.policywebhooks.it.LambdaArtifact;

/**
 * BENCHMARKS.md section 3: startup and memory of the packaged JVM artifact and of the native executable, each run
 * as Lambda runs it ({@link LambdaArtifact}), against dynalite on loopback, in the same run. For each configuration:
 * <ul>
 * <li><b>cold</b> starts: the clock starts just before the process is spawned ({@link LambdaArtifact#startedNanos});
 * a signed webhook is sent at once, waits in the Runtime API until the function polls, and the clock stops when
 * its 200 arrives: "process start to first answered webhook" (JVM start, runtime client, Quarkus boot, the first
 * invocation with everything it initialises lazily). Then the rest of {@code --requests} requests one at a time
 * and the function process's RSS (/proc/&lt;pid&gt;/status VmRSS, peak VmHWM) and child processes;</li>
 * <li><b>init-then-invoke</b> starts: wait for Quarkus's "started in" line, idle 1 s, read RSS and the loaded
 * class count, then time the first request alone (what Lambda bills as the first Duration after Init); on the
 * first such start, a class histogram before and after the first request shows which beans exist at init (JVM
 * only: the native executable has no class loading and no jcmd).</li>
 * </ul>
 * Configurations: {@code lambda}: the Lambda java17 runtime's observed JVM flags at 1024 MB (SerialGC, C1 only,
 * MaxHeapSize 85% of memory); {@code default}: this JVM's defaults on this machine; {@code native}: the native
 * executable ({@code --native <path>}, default target/native-runner when current, see {@link
 * io.policywebhooks.it.NativeExecutable}) as {@code bootstrap}, with no options; {@code minimal}: the baseline
 * function of section 2a (a plain RequestHandler issuing the same writes, {@code bench.minimal.MinimalFunction})
 * under the same runtime interface client with the {@code lambda} flags (its init ends at its "ready" line, there
 * is no "started in"; its in-process time comes from its answer).
 * The configurations take turns start by start (cold starts first, then init-then-invoke starts), so the machine's
 * drift falls on all of them.
 * Options: {@code --starts 5 --requests 1000 --configs lambda,default,native,minimal --native <path>}; the default
 * configurations are lambda, default and minimal, plus {@code native} when there is a native executable.
 * Run: {@code ./mvnw -B -Pbench -DskipTests package exec:exec@startup}.
 */
public final class StartupAndMemory {
    static final String LAMBDA_FLAGS = LoadKit.LAMBDA_JVM_FLAGS;

    /** Classes whose live instances tell what is built at init and what on the first request. */
    static final List<String> WATCHED = Stream.concat(
            // every provider of the production build, as the function has them
            Signers.production().stream().map(signer -> signer.webhookProvider().getClass().getName()),
            Stream.of(
                    "io.policywebhooks.ten99policy.ConvoySignatureVerifier",
                    "io.policywebhooks.webhook.WebhookResource",
                    "io.policywebhooks.webhook.WebhookService",
                    "io.policywebhooks.store.WebhookStore",
                    "software.amazon.awssdk.services.dynamodb.DefaultDynamoDbClientBuilder",
                    "software.amazon.awssdk.services.dynamodb.DefaultDynamoDbClient",
                    "software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient")).toList();

    private static final Pattern STARTED_IN = Pattern.compile("started in ([0-9.]+)s");

    record Cold(double firstAnswerMs, double quarkusStartedMs, double firstInProcessMs, double secondMs,
            int requests, int failures, Map<String, Long> status, long children) {
    }

    record Warm(double startedSeenMs, double quarkusStartedMs, Map<String, Long> idleStatus, long classesAtInit,
            long classesAfterFirst, double firstMs, double firstInProcessMs, double secondMs) {
    }

    private final HttpClient http = LoadRequests.http();
    private final String endpoint;
    private final Path nativeExecutable;
    private long sequence;

    private StartupAndMemory(String endpoint, Path nativeExecutable) {
        this.endpoint = endpoint;
        this.nativeExecutable = nativeExecutable;
    }

    /** The command line: {@code configs} null when not given (the defaults depend on the native executable). */
    record Options(int starts, int requests, List<String> configs, String nativePath) {
        static Options parse(String[] args) {
            int starts = 5;
            int requests = 1000;
            List<String> configs = null;
            String nativePath = null;
            for (int i = 0; i + 1 < args.length; i += 2) {
                switch (args[i]) {
                    case "--starts" -> starts = Integer.parseInt(args[i + 1]);
                    case "--requests" -> requests = Integer.parseInt(args[i + 1]);
                    case "--configs" -> configs = List.of(args[i + 1].split(","));
                    case "--native" -> nativePath = args[i + 1];
                    default -> throw new IllegalArgumentException("unknown option " + args[i]);
                }
            }
            return new Options(starts, requests, configs, nativePath);
        }
    }

    public static void main(String[] args) throws Exception {
        Options options = Options.parse(args);
        int starts = options.starts();
        int requests = options.requests();
        System.out.println("# Startup and memory: packaged function (JVM build, native executable) as Lambda runs it, "
                + "dynalite on loopback");
        System.out.println("machine: " + Measures.machine());
        Path nativeExecutable = options.configs() == null || options.configs().contains("native")
                ? LoadKit.nativeExecutable(options.nativePath()) : null;
        List<String> configs = configurations(options.configs(), nativeExecutable);
        System.out.println("configurations: " + configs);
        System.out.println("load average before: " + Measures.loadAverage());
        System.out.printf(Locale.ROOT, "starts per configuration and kind: %d; requests per cold start: %d%n", starts,
                requests);
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("machine", Measures.machine());
        try (LoadKit.Dynalite db = LoadKit.Dynalite.start()) {
            StartupAndMemory bench = new StartupAndMemory(db.endpoint, nativeExecutable);
            bench.prime(configs);
            Map<String, List<Cold>> colds = bench.coldStarts(configs, starts, requests);
            Map<String, List<Warm>> warms = bench.warmStarts(configs, starts);
            for (String config : configs) {
                json.put(config, Map.of("cold", colds.get(config), "init_then_invoke", warms.get(config)));
                summary(config, colds.get(config), warms.get(config), requests);
            }
        }
        System.out.println("load average after: " + Measures.loadAverage());
        Path out = Path.of("target", "bench", "startup-" + System.currentTimeMillis() + ".json");
        Files.createDirectories(out.getParent());
        LoadRequests.JSON.writerWithDefaultPrettyPrinter().writeValue(out.toFile(), json);
        System.out.println("results: " + out.toAbsolutePath());
    }

    /** The configurations asked for, else the defaults: native among them only when there is an executable. */
    private static List<String> configurations(List<String> asked, Path nativeExecutable) {
        if (asked == null) {
            return nativeExecutable == null ? List.of("lambda", "default", "minimal")
                    : List.of("lambda", "default", "native", "minimal");
        }
        if (asked.contains("native") && nativeExecutable == null) {
            throw new IllegalArgumentException("--configs native: there is no native executable");
        }
        return asked;
    }

    /**
     * One unmeasured start of each kind: the page cache holds the unpacked jars (the executable) afterwards, as it
     * would for every measured start; the load client's own HTTP classes get loaded.
     */
    private void prime(List<String> configs) throws Exception {
        cold("default", "bench-startup-prime", 10);
        if (configs.contains("native")) {
            cold("native", "bench-startup-prime-native", 10);
        }
        if (configs.contains("minimal")) {
            cold("minimal", "bench-startup-prime-minimal", 10);
        }
    }

    /** The cold starts, the configurations taking turns start by start (the machine's drift falls on all). */
    private Map<String, List<Cold>> coldStarts(List<String> configs, int starts, int requests) throws Exception {
        Map<String, List<Cold>> colds = new LinkedHashMap<>();
        for (int i = 0; i < starts; i++) {
            for (String config : configs) {
                colds.computeIfAbsent(config, c -> new ArrayList<>())
                        .add(cold(config, "bench-startup-" + config + "-cold-" + i, requests));
            }
        }
        return colds;
    }

    /** The init-then-invoke starts, taking turns as the cold ones do; the first of each with a class histogram. */
    private Map<String, List<Warm>> warmStarts(List<String> configs, int starts) throws Exception {
        Map<String, List<Warm>> warms = new LinkedHashMap<>();
        for (int i = 0; i < starts; i++) {
            for (String config : configs) {
                warms.computeIfAbsent(config, c -> new ArrayList<>())
                        .add(warm(config, "bench-startup-" + config + "-warm-" + i, i == 0));
            }
        }
        return warms;
    }

    private Map<String, String> environment(String config) {
        Map<String, String> env = LoadKit.lambdaEnvironment(endpoint);
        if (config.equals("lambda")) {
            env.put("JAVA_TOOL_OPTIONS", LAMBDA_FLAGS);
        } else if (config.equals("minimal")) {
            env = LoadKit.minimalEnvironment(endpoint, LAMBDA_FLAGS);
        } else if (!config.equals("default") && !config.equals("native")) {
            throw new IllegalArgumentException("unknown configuration " + config);
        }
        return env;
    }

    private LambdaArtifact start(String config, String name) throws IOException {
        if (config.equals("minimal")) {
            return LoadKit.startMinimal(name, environment(config));
        }
        return LoadKit.start(config.equals("native") ? nativeExecutable : null, name, environment(config));
    }

    /** Process start → first 200, then the rest of the requests one by one, then RSS. */
    private Cold cold(String config, String name, int requests) throws Exception {
        Event first = LoadRequests.event(sequence++);
        try (LambdaArtifact function = start(config, name)) {
            Answer answer = LoadRequests.send(http, LoadRequests.request(function.port(), first));
            double firstAnswerMs = (System.nanoTime() - function.startedNanos()) / 1e6;
            if (answer.status() != 200) {
                throw new IllegalStateException("first request: " + answer + "\n" + function.output());
            }
            Event second = LoadRequests.event(sequence++);
            Answer secondAnswer = LoadRequests.send(http, LoadRequests.request(function.port(), second));
            int failures = secondAnswer.status() == 200 ? 0 : 1;
            for (int i = 2; i < requests; i++) {
                failures += LoadRequests.send(http, LoadRequests.request(function.port(), LoadRequests.event(sequence++))).status()
                        == 200 ? 0 : 1;
            }
            Map<String, Long> status = Measures.procStatus(function.process().pid());
            long children = function.process().toHandle().descendants().count();
            String output = function.output();
            Cold cold = new Cold(firstAnswerMs, quarkusStarted(output), inProcess(output, first, answer),
                    secondAnswer.nanos() / 1e6, requests, failures, status, children);
            System.out.printf(Locale.ROOT, "%-8s cold  first 200 after %7.1f ms (Quarkus \"started in\" %6.1f ms; "
                    + "first request in-process %6.1f ms); second request %5.2f ms; %d requests, %d not 200; "
                    + "VmRSS %d kB, VmHWM %d kB, threads %d, child processes %d%n", config, cold.firstAnswerMs(),
                    cold.quarkusStartedMs(), cold.firstInProcessMs(), cold.secondMs(), requests, failures,
                    status.get("VmRSS"), status.get("VmHWM"), status.get("Threads"), children);
            return cold;
        }
    }

    /** Init (until "started in"), idle, then the first request alone. */
    private Warm warm(String config, String name, boolean histogram) throws Exception {
        boolean jvm = !config.equals("native");
        histogram &= config.equals("lambda") || config.equals("default");
        try (LambdaArtifact function = start(config, name)) {
            function.awaitStarted(120);
            double startedSeenMs = (System.nanoTime() - function.startedNanos()) / 1e6;
            Thread.sleep(1000);
            long pid = function.process().pid();
            Map<String, Long> idle = Measures.procStatus(pid);
            long classesAtInit = jvm ? loadedClasses(pid) : -1;
            Map<String, Long> before = histogram ? instances(pid) : Map.of();
            Event first = LoadRequests.event(sequence++);
            Answer answer = LoadRequests.send(http, LoadRequests.request(function.port(), first));
            if (answer.status() != 200) {
                throw new IllegalStateException("first request: " + answer + "\n" + function.output());
            }
            long classesAfterFirst = jvm ? loadedClasses(pid) : -1;
            Map<String, Long> after = histogram ? instances(pid) : Map.of();
            Answer second = LoadRequests.send(http, LoadRequests.request(function.port(), LoadRequests.event(sequence++)));
            String output = function.output();
            Warm warm = new Warm(startedSeenMs, quarkusStarted(output), idle, classesAtInit, classesAfterFirst,
                    answer.nanos() / 1e6, inProcess(output, first, answer), second.nanos() / 1e6);
            String classes = jvm ? String.format(Locale.ROOT, "; classes loaded at init %d, by the first request +%d",
                    classesAtInit, classesAfterFirst - classesAtInit) : "";
            System.out.printf(Locale.ROOT, "%-8s init  \"started in\" %6.1f ms (seen after %7.1f ms); idle VmRSS %d kB; "
                    + "first request %6.1f ms (in-process %6.1f ms); second %5.2f ms%s%n", config,
                    warm.quarkusStartedMs(), startedSeenMs, idle.get("VmRSS"), warm.firstMs(), warm.firstInProcessMs(),
                    warm.secondMs(), classes);
            if (histogram) {
                System.out.println("  live instances after init → after the first request:");
                for (String cls : WATCHED) {
                    System.out.printf(Locale.ROOT, "    %-75s %d → %d%n", cls, before.getOrDefault(cls, 0L),
                            after.getOrDefault(cls, 0L));
                }
            }
            return warm;
        }
    }

    private static double quarkusStarted(String output) {
        Matcher m = STARTED_IN.matcher(output);
        return m.find() ? Double.parseDouble(m.group(1)) * 1000 : Double.NaN;
    }

    /** The receiver's duration_ms from its request log line; the minimal function's from its answer. */
    private static double inProcess(String output, Event event, Answer answer) {
        Double ms = LoadRequests.requestDurations(output).get(event.expectedEventId());
        if (ms == null) {
            var body = LoadRequests.json(answer.body());
            return body != null && body.has("duration_ms") ? body.get("duration_ms").asDouble() : Double.NaN;
        }
        return ms;
    }

    // ---------------------------------------------------------------- jcmd

    private static String jcmd(long pid, String... command) throws IOException, InterruptedException {
        List<String> args = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                Long.toString(pid)));
        args.addAll(List.of(command));
        Process process = new ProcessBuilder(args).redirectErrorStream(true).start();
        byte[] out = process.getInputStream().readAllBytes();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
        return new String(out, StandardCharsets.UTF_8);
    }

    /** java.cls.loadedClasses from the JVM's performance counters (no safepoint, no GC). */
    private static long loadedClasses(long pid) throws IOException, InterruptedException {
        for (String line : jcmd(pid, "PerfCounter.print").split("\n")) {
            if (line.startsWith("java.cls.loadedClasses=")) {
                return Long.parseLong(line.substring(line.indexOf('=') + 1).trim());
            }
        }
        return -1;
    }

    /** Live instances of the watched classes (GC.class_histogram: runs a full GC first). */
    private static Map<String, Long> instances(long pid) throws IOException, InterruptedException {
        Map<String, Long> counts = new LinkedHashMap<>();
        for (String line : jcmd(pid, "GC.class_histogram").split("\n")) {
            String[] parts = line.trim().split("\\s+");
            if (parts.length >= 4 && parts[0].endsWith(":") && WATCHED.contains(parts[3])) {
                counts.merge(parts[3], Long.parseLong(parts[1]), Long::sum);
            }
        }
        return counts;
    }

    // ---------------------------------------------------------------- summary

    private static void summary(String config, List<Cold> colds, List<Warm> warms, int requests) {
        System.out.println();
        System.out.printf(Locale.ROOT, "## %s (%s): median [min–max] over %d starts each%n", config,
                switch (config) {
                    case "lambda" -> "JAVA_TOOL_OPTIONS=" + LAMBDA_FLAGS;
                    case "native" -> "native executable as bootstrap, no options";
                    case "minimal" -> "minimal function (plain RequestHandler, same writes), JAVA_TOOL_OPTIONS="
                            + LAMBDA_FLAGS;
                    default -> "no JVM flags";
                }, colds.size());
        line("process start → first answered webhook (ms)", colds.stream().map(Cold::firstAnswerMs).toList());
        line("  Quarkus \"started in\" (ms)", colds.stream().map(Cold::quarkusStartedMs).toList());
        line("  first request in-process duration_ms", colds.stream().map(Cold::firstInProcessMs).toList());
        line("second request end to end (ms)", colds.stream().map(Cold::secondMs).toList());
        line("VmRSS after " + requests + " requests (MB)",
                colds.stream().map(c -> c.status().get("VmRSS") / 1024.0).toList());
        line("VmHWM (peak RSS) after " + requests + " requests (MB)",
                colds.stream().map(c -> c.status().get("VmHWM") / 1024.0).toList());
        line("threads after " + requests + " requests",
                colds.stream().map(c -> (double) c.status().get("Threads")).toList());
        line("child processes of the function process", colds.stream().map(c -> (double) c.children()).toList());
        line("failed requests", colds.stream().map(c -> (double) c.failures()).toList());
        line("init-then-invoke: init done, seen after (ms)",
                warms.stream().map(Warm::startedSeenMs).toList());
        line("init-then-invoke: VmRSS idle after init (MB)",
                warms.stream().map(w -> w.idleStatus().get("VmRSS") / 1024.0).toList());
        if (!config.equals("native")) { // no class loading in a native executable
            line("init-then-invoke: classes loaded at init",
                    warms.stream().map(w -> (double) w.classesAtInit()).toList());
            line("init-then-invoke: classes loaded by the first request",
                    warms.stream().map(w -> (double) (w.classesAfterFirst() - w.classesAtInit())).toList());
        }
        line("init-then-invoke: first request end to end (ms)", warms.stream().map(Warm::firstMs).toList());
        line("init-then-invoke: first request in-process duration_ms",
                warms.stream().map(Warm::firstInProcessMs).toList());
        line("init-then-invoke: second request end to end (ms)", warms.stream().map(Warm::secondMs).toList());
        System.out.println();
    }

    private static void line(String what, List<Double> values) {
        double min = values.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
        double max = values.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
        System.out.printf(Locale.ROOT, "| %-58s | %9.1f | %9.1f – %-9.1f |%n", what, Measures.median(values), min, max);
    }
}
