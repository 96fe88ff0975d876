package io.policywebhooks.bench;

import java.io.IOException;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.policywebhooks.bench.EndToEndLoad.Sample;
import io.policywebhooks.bench.LoadRequests.Event;
import io.policywebhooks.bench.Measures.Stats;
import io.policywebhooks.it.LambdaArtifact;

/**
 * BENCHMARKS.md section 2b: the packaged function under steady load for a long time, as Lambda runs it scaled out.
 * <ol>
 * <li>dynalite on loopback with the tables; the function ({@code --artifact native}: the native executable as
 * {@code bootstrap}; {@code jvm}: a function.zip under AWS's runtime interface client with the Lambda runtime's JVM
 * flags) started {@code --instances} times, all polling one mock Runtime API, as Lambda runs one instance per
 * concurrent request; then {@code --warmup} seconds of the same load, not measured (each instance's first requests
 * are its cold start: JIT and class loading on a shared CPU can take longer than the timeout).</li>
 * <li>{@code --concurrency} closed loops send distinct, correctly signed events of both providers in turn for
 * {@code --minutes}. A request not answered within {@code --timeout} seconds is <b>unanswered</b>: the HTTP client
 * gives up, and that instance's invocation may be stuck (the first such request makes this program write every
 * instance's thread dump to {@code target/soak-dump-<pid>.txt}: {@code jcmd Thread.print} for a JVM, SIGQUIT for
 * the native executable, which dumps to its log where its build enables it), and again after the run, when
 * an instance still stuck shows where).</li>
 * <li>Every {@code --sample} seconds the RSS of every instance; per {@code --window} minutes the requests, answers,
 * p50 and p99 (end to end, answered requests only).</li>
 * <li>Afterwards, against dynalite: every event answered 200 stored once with its exact raw body and its policy
 * naming it, nothing else stored but events not answered 200 ({@link EndToEndLoad#verify}; warm-up included).</li>
 * </ol>
 * Options ({@code -Dsoak.args="…"}): {@code --artifact native|jvm --native <path> --zip <function.zip> --instances 2
 * --concurrency 2 --minutes 30 --window 5 --sample 30 --timeout 10 --warmup 30}. Every loop is bounded by time; only loopback.
 * Run: {@code ./mvnw -B -Pbench -DskipTests package exec:exec@soak -Dsoak.args="--minutes 30"}.
 */
public final class Soak {
    record Options(String artifact, String nativePath, Path zip, int instances, int concurrency, int minutes,
            int windowMinutes, int sampleSeconds, int timeoutSeconds, int warmupSeconds) {
        static Options parse(String[] args) {
            Map<String, String> options = LoadKit.options(args, Map.of("--artifact", "native", "--native", "",
                    "--zip", LambdaArtifact.FUNCTION_ZIP.toString(), "--instances", "2", "--concurrency", "2",
                    "--minutes", "30", "--window", "5", "--sample", "30", "--timeout", "10", "--warmup", "30"));
            String artifact = options.get("--artifact");
            String nativePath = options.get("--native").isEmpty() ? null : options.get("--native");
            Path zip = Path.of(options.get("--zip"));
            int instances = Integer.parseInt(options.get("--instances"));
            int concurrency = Integer.parseInt(options.get("--concurrency"));
            int minutes = Integer.parseInt(options.get("--minutes"));
            int window = Integer.parseInt(options.get("--window"));
            int sample = Integer.parseInt(options.get("--sample"));
            int timeout = Integer.parseInt(options.get("--timeout"));
            int warmup = Integer.parseInt(options.get("--warmup"));
            if (!artifact.equals("native") && !artifact.equals("jvm")) {
                throw new IllegalArgumentException("--artifact native|jvm");
            }
            if (minutes < 1 || minutes > 240 || instances < 1 || instances > 8 || concurrency < 1 || concurrency > 8) {
                throw new IllegalArgumentException("--minutes 1..240, --instances and --concurrency 1..8");
            }
            return new Options(artifact, nativePath, zip, instances, concurrency, minutes, window, sample, timeout,
                    warmup);
        }
    }

    /** One request: when it was sent (ms after the start), its outcome. */
    record Timed(long sentMillis, Sample sample) {
    }

    /** RSS of every instance at one moment (kB, in instance order). */
    record Rss(long atMillis, List<Long> kilobytes) {
    }

    public static void main(String[] args) throws Exception {
        Options options = Options.parse(args);
        System.out.println("# Soak: the packaged function, " + options.instances() + " instances, concurrency "
                + options.concurrency() + ", " + options.minutes() + " minutes, loopback dynalite");
        System.out.println("machine: " + Measures.machine());
        System.out.println("options: " + options);
        System.out.println("started: " + Instant.now() + ", load average: " + Measures.loadAverage());
        try (LoadKit.Dynalite db = LoadKit.Dynalite.start()) {
            Map<String, String> environment = LoadKit.lambdaEnvironment(db.endpoint);
            String name = "bench-soak-" + options.artifact(); // target/<name>: a JVM and a native soak can run at once
            try (LambdaArtifact function = startFunction(options, name, environment)) {
                function.awaitStarted(120);
                while (function.instances() < options.instances()) {
                    function.addInstance(name + "-" + (function.instances() + 1), environment);
                }
                List<Long> pids = function.processes().stream().map(Process::pid).toList();
                System.out.println("instances (pids): " + pids + ", Runtime API port " + function.port()
                        + ", dynalite pid " + db.pid());
                AtomicLong sequence = new AtomicLong();
                List<Timed> warm = load(options, function.port(), sequence, options.warmupSeconds(), null);
                System.out.printf(Locale.ROOT, "warm-up: %d requests in %d s, %d answered 200, load %s%n", warm.size(),
                        options.warmupSeconds(), warm.stream().filter(t -> t.sample().status() == 200).count(),
                        Measures.loadAverage());
                List<Timed> sent = run(options, function, pids, sequence);
                report(options, sent);
                if (sent.stream().anyMatch(t -> t.sample().status() == -1)) {
                    System.out.println("thread dumps after the run: " + dumpThreads(options, pids, "after"));
                }
                List<Sample> all = new ArrayList<>(warm.stream().map(Timed::sample).toList());
                all.addAll(sent.stream().map(Timed::sample).toList());
                printExactlyOnce(EndToEndLoad.verify(db, all, 0));
                warnOfDeadInstances(function);
            }
        }
        System.out.println("ended: " + Instant.now() + ", load average: " + Measures.loadAverage());
    }

    /**
     * The first instance of the artifact asked for: the native executable as bootstrap, or function.zip. For the JVM
     * build the Lambda JVM flags go into {@code environment}, so the instances added later run with them too.
     */
    private static LambdaArtifact startFunction(Options options, String name, Map<String, String> environment)
            throws IOException {
        if (options.artifact().equals("native")) {
            Path executable = LoadKit.nativeExecutable(options.nativePath());
            if (executable == null) {
                throw new IllegalStateException("--artifact native: there is no native executable");
            }
            System.out.println("artifact: native executable " + executable);
            return LambdaArtifact.startNative(name, executable, environment);
        }
        environment.put("JAVA_TOOL_OPTIONS", LoadKit.LAMBDA_JVM_FLAGS);
        System.out.println("artifact: JVM build " + options.zip().toAbsolutePath() + " (Lambda JVM flags)");
        return LambdaArtifact.start(name, environment, options.zip());
    }

    /** What dynalite holds against what was answered: lost and duplicated events, in the run's terms. */
    private static void printExactlyOnce(EndToEndLoad.Verification check) {
        System.out.println();
        System.out.println("## Exactly once, against dynalite (warm-up and measured requests)");
        System.out.println(check);
        System.out.printf(Locale.ROOT, "answered 200: %d; lost (answered 200, not stored as sent): %d; "
                + "duplicated (answered duplicate, or stored beyond what was sent): %d; not answered 200: "
                + "%d, of them stored: %d; exactly once: %s%n", check.accepted(),
                check.missing() + check.bodyMismatches() + check.idMismatches(),
                check.duplicatesAnswered() + Math.max(0, check.extra())
                        + (check.accepted() - check.distinctIds()),
                check.notAccepted(), check.storedUnacknowledged(), check.exactlyOnce());
    }

    private static void warnOfDeadInstances(LambdaArtifact function) {
        for (Process p : function.processes()) {
            if (!p.isAlive()) {
                System.out.println("WARNING: instance " + p.pid() + " died");
            }
        }
    }

    /**
     * {@code options.concurrency()} closed loops for {@code seconds}; {@code onUnanswered} (if not null) is told of
     * each request the client gave up on. Returns every request with its send time (ms after the start).
     */
    private static List<Timed> load(Options options, int port, AtomicLong sequence, long seconds,
            java.util.function.Consumer<Timed> onUnanswered) throws InterruptedException {
        long start = System.nanoTime();
        long end = start + TimeUnit.SECONDS.toNanos(seconds);
        ConcurrentLinkedQueue<Timed> sent = new ConcurrentLinkedQueue<>();
        List<Thread> loops = new ArrayList<>();
        for (int t = 0; t < options.concurrency(); t++) {
            Thread loop = new Thread(() -> {
                HttpClient http = LoadRequests.http();
                while (System.nanoTime() < end) {
                    long sentAt = (System.nanoTime() - start) / 1_000_000;
                    Timed timed = new Timed(sentAt, send(http, port, sequence.getAndIncrement(),
                            options.timeoutSeconds()));
                    sent.add(timed);
                    if (timed.sample().status() == -1 && onUnanswered != null) {
                        onUnanswered.accept(timed);
                    }
                }
            }, "soak-" + t);
            loop.start();
            loops.add(loop);
        }
        for (Thread loop : loops) {
            loop.join(TimeUnit.SECONDS.toMillis(seconds + options.timeoutSeconds() + 5L));
        }
        return new ArrayList<>(sent);
    }

    private static List<Timed> run(Options options, LambdaArtifact function, List<Long> pids, AtomicLong sequence)
            throws InterruptedException {
        long start = System.nanoTime();
        long end = start + TimeUnit.MINUTES.toNanos(options.minutes());
        List<Rss> rss = new ArrayList<>();
        rss.add(rss(0, pids));
        boolean[] dumpTaken = {false};
        List<List<Timed>> result = new ArrayList<>();
        Thread driver = new Thread(() -> {
            try {
                result.add(load(options, function.port(), sequence, TimeUnit.MINUTES.toSeconds(options.minutes()),
                        timed -> {
                            synchronized (dumpTaken) {
                                if (!dumpTaken[0]) {
                                    dumpTaken[0] = true;
                                    System.out.println("unanswered at " + timed.sentMillis() / 1000 + " s: "
                                            + timed.sample().error() + "; thread dumps: "
                                            + dumpThreads(options, pids, "first"));
                                }
                            }
                        }));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "soak-driver");
        driver.start();
        while (System.nanoTime() < end) {
            Thread.sleep(Math.min(TimeUnit.SECONDS.toMillis(options.sampleSeconds()),
                    Math.max(1, TimeUnit.NANOSECONDS.toMillis(end - System.nanoTime()))));
            long at = (System.nanoTime() - start) / 1_000_000;
            Rss sample = rss(at, pids);
            rss.add(sample);
            System.out.printf(Locale.ROOT, "  %4d s: %d requests, RSS MB %s, load %s%n", at / 1000, sequence.get(),
                    sample.kilobytes().stream().map(kb -> String.format(Locale.ROOT, "%.1f", kb / 1024.0)).toList(),
                    Measures.loadAverage());
        }
        driver.join();
        System.out.println();
        System.out.println("## RSS per instance (MB): start, middle, end");
        Rss first = rss.get(0);
        Rss middle = rss.get(rss.size() / 2);
        Rss last = rss.get(rss.size() - 1);
        for (int i = 0; i < pids.size(); i++) {
            System.out.printf(Locale.ROOT, "| instance %d (pid %d) | %.1f (%d s) | %.1f (%d s) | %.1f (%d s) |%n",
                    i + 1, pids.get(i), first.kilobytes().get(i) / 1024.0, first.atMillis() / 1000,
                    middle.kilobytes().get(i) / 1024.0, middle.atMillis() / 1000, last.kilobytes().get(i) / 1024.0,
                    last.atMillis() / 1000);
        }
        return result.isEmpty() ? List.of() : result.get(0);
    }

    private static Sample send(HttpClient http, int port, long n, int timeoutSeconds) {
        Event event = LoadRequests.event(n);
        return EndToEndLoad.receiverSample(event, LoadRequests.send(http, LoadRequests.request(port, event, timeoutSeconds)));
    }

    private static Rss rss(long at, List<Long> pids) {
        return new Rss(at, pids.stream().map(pid -> ProcessHandle.of(pid).isPresent()
                ? Measures.procStatus(pid).getOrDefault("VmRSS", -1L) : -1L).toList());
    }

    /** Every instance's threads: jcmd for a JVM (to a file), SIGQUIT for the native executable (to its log). */
    private static String dumpThreads(Options options, List<Long> pids, String when) {
        List<String> where = new ArrayList<>();
        for (long pid : pids) {
            try {
                if (options.artifact().equals("jvm")) {
                    Path file = Path.of("target", "soak-dump-" + options.artifact() + "-" + pid + "-" + when + ".txt").toAbsolutePath();
                    Process jcmd = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd")
                            .toString(), Long.toString(pid), "Thread.print").redirectErrorStream(true)
                            .redirectOutput(file.toFile()).start();
                    jcmd.waitFor(30, TimeUnit.SECONDS);
                    where.add(file.toString());
                } else {
                    new ProcessBuilder("kill", "-QUIT", Long.toString(pid)).start().waitFor(5, TimeUnit.SECONDS);
                    where.add("pid " + pid + " log");
                }
            } catch (IOException e) {
                where.add("pid " + pid + ": " + e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return String.join(", ", where);
    }

    private static void report(Options options, List<Timed> sent) {
        long windowMillis = TimeUnit.MINUTES.toMillis(options.windowMinutes());
        System.out.println();
        System.out.println("## Per " + options.windowMinutes() + "-minute window (end to end, ms; answered only)");
        System.out.println("| window | requests | answered 200 | other answers | unanswered | req/s | p50 | p99 | max |");
        System.out.println("|---|---|---|---|---|---|---|---|---|");
        long windows = (TimeUnit.MINUTES.toMillis(options.minutes()) + windowMillis - 1) / windowMillis;
        for (long w = 0; w < windows; w++) {
            long from = w * windowMillis;
            long to = from + windowMillis;
            List<Sample> in = sent.stream().filter(t -> t.sentMillis() >= from && t.sentMillis() < to)
                    .map(Timed::sample).toList();
            printRow(String.format(Locale.ROOT, "%d–%d min", from / 60_000, Math.min(to, TimeUnit.MINUTES.toMillis(
                    options.minutes())) / 60_000), in, (Math.min(to, TimeUnit.MINUTES.toMillis(options.minutes()))
                            - from) / 1000.0);
        }
        printRow("**all**", sent.stream().map(Timed::sample).toList(), options.minutes() * 60.0);
        sent.stream().map(Timed::sample).filter(s -> s.status() != 200).limit(5)
                .forEach(s -> System.out.println("  not 200: " + s.error()));
    }

    private static void printRow(String label, List<Sample> samples, double seconds) {
        long ok = samples.stream().filter(s -> s.status() == 200).count();
        long unanswered = samples.stream().filter(s -> s.status() == -1).count();
        Stats stats = Stats.ofNanos(samples.stream().filter(s -> s.status() > 0).mapToLong(Sample::nanos).toArray());
        System.out.printf(Locale.ROOT, "| %s | %d | %d | %d | %d | %.0f | %.2f | %.2f | %.1f |%n", label,
                samples.size(), ok, samples.size() - ok - unanswered, unanswered, samples.size() / seconds,
                stats.p50(), stats.p99(), stats.max());
    }

    private Soak() {
    }
}
