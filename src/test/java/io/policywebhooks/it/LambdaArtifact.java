package io.policywebhooks.it;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

import io.policywebhooks.AppConfig;
import io.policywebhooks.DynaliteResource;
import io.policywebhooks.Signers;
import io.policywebhooks.WebhookSigner;
import io.quarkus.amazon.lambda.runtime.MockHttpEventServer;

/**
 * Runs the deployable artifact the way Lambda does: deployed into its own folder ({@code target/<name>}, Lambda's
 * {@code /var/task}) and started there as its own process, configured only by environment variables, polling a
 * Lambda Runtime API:
 * <ul>
 * <li>a native executable ({@link #startNative}, or a {@code target/function.zip} holding {@code bootstrap}): copied
 * into the folder as {@code bootstrap} and executed with no arguments, as the {@code provided.al2023} runtime starts
 * a function;</li>
 * <li>JVM build ({@link #start}, {@code target/function.zip} unpacked): AWS's runtime interface client (the
 * {@code java21} runtime's own poll loop) calling the handler {@value #JVM_HANDLER} with the zip's classes and
 * {@code lib/}.</li>
 * </ul>
 * The Runtime API is Quarkus's mock event server, which also turns plain HTTP requests into API Gateway v2 events,
 * so requests to {@link #port()} reach the function as API Gateway would deliver them.
 */
public final class LambdaArtifact implements AutoCloseable {
    public static final Path FUNCTION_ZIP = Path.of("target", "function.zip");
    /** The handler of the JVM build (target/sam.jvm.yaml); the native build needs none. */
    public static final String JVM_HANDLER = "io.quarkus.amazon.lambda.runtime.QuarkusStreamHandler::handleRequest";
    /** The function's timeout in template.yaml: the deadline the Runtime API gives each invocation by default. */
    public static final Duration FUNCTION_TIMEOUT = Duration.ofSeconds(5);

    /** What Quarkus logs once init is done; a plain handler prints its own (see {@link #startJvm}). */
    private static final String QUARKUS_STARTED = " started in ";

    private final MockHttpEventServer runtimeApi;
    private final Path dir;
    /** The JVM handler ({@value #JVM_HANDLER} for function.zip); unused for a native executable. */
    private final String handler;
    /** The output line that says init is done and the function polls. */
    private final String startedText;
    private final Process process;
    private final Path log;
    private final long startedNanos;
    /** Further instances polling the same Runtime API (benchmarks), with their logs. */
    private final List<Process> moreProcesses = new ArrayList<>();
    private final List<Path> moreLogs = new ArrayList<>();

    private LambdaArtifact(MockHttpEventServer runtimeApi, Path dir, String handler, String startedText,
            Process process, Path log, long startedNanos) {
        this.runtimeApi = runtimeApi;
        this.dir = dir;
        this.handler = handler;
        this.startedText = startedText;
        this.process = process;
        this.log = log;
        this.startedNanos = startedNanos;
    }

    /**
     * What template.yaml sets on the function, plus what the Lambda service itself provides; the one difference from
     * AWS: DynamoDB is {@code dynamoEndpoint} (dynalite on loopback). Every provider of the production build gets
     * its secrets variable: the value in {@code secrets} (by variable name), else {@link #secretOf}. A fresh
     * mutable map per call.
     */
    public static Map<String, String> environment(Map<String, String> secrets, String dynamoEndpoint) {
        Map<String, String> env = new HashMap<>();
        for (WebhookSigner signer : Signers.production()) {
            env.put(signer.secretsVariable(), secrets.getOrDefault(signer.secretsVariable(), secretOf(signer)));
        }
        for (WebhookSigner signer : Signers.production()) {
            env.putAll(signer.webhookProvider().settingsVariables()); // their defaults, as template.yaml sets them
        }
        env.put("WEBHOOK_TIMESTAMP_TOLERANCE_SECONDS", Long.toString(AppConfig.DEFAULTS.timestampToleranceSeconds()));
        env.put("WEBHOOK_MAX_BODY_BYTES", Integer.toString(AppConfig.DEFAULTS.maxBodyBytes()));
        env.put("EVENTS_TABLE", DynaliteResource.TABLES.events());
        env.put("POLICIES_TABLE", DynaliteResource.TABLES.policies());
        env.put("ASSIGNMENTS_TABLE", DynaliteResource.TABLES.assignments());
        env.put("DISABLE_SIGNAL_HANDLERS", "true");
        env.put("AWS_REGION", "us-east-1");
        env.put("TZ", ":UTC"); // as Lambda sets it
        env.put("AWS_ACCESS_KEY_ID", "local");
        env.put("AWS_SECRET_ACCESS_KEY", "local");
        env.put("QUARKUS_DYNAMODB_ENDPOINT_OVERRIDE", dynamoEndpoint);
        return env;
    }

    /** A provider's secret in {@link #environment} when none is given: not its local default, never a real one. */
    public static String secretOf(WebhookSigner signer) {
        return "it-" + signer.provider() + "-secret";
    }

    /** Unpacks function.zip into {@code target/<name>} and starts it with exactly {@code environment}. */
    public static LambdaArtifact start(String name, Map<String, String> environment) throws IOException {
        return start(name, environment, FUNCTION_TIMEOUT);
    }

    /** As {@link #start(String, Map)}, each invocation's deadline {@code timeout} after it is handed out. */
    public static LambdaArtifact start(String name, Map<String, String> environment, Duration timeout)
            throws IOException {
        return start(unpack(emptyFolder(name), FUNCTION_ZIP), name, JVM_HANDLER, QUARKUS_STARTED, environment,
                timeout);
    }

    /** Unpacks {@code zip} (a JVM build of the function) into {@code target/<name>} and starts it as {@link #start}. */
    public static LambdaArtifact start(String name, Map<String, String> environment, Path zip) throws IOException {
        return start(unpack(emptyFolder(name), zip), name, JVM_HANDLER, QUARKUS_STARTED, environment,
                FUNCTION_TIMEOUT);
    }

    /**
     * Starts a JVM function already deployed in {@code dir} (classes and {@code lib/*.jar}, as function.zip unpacks)
     * under the same runtime interface client and a mock Runtime API of its own, with {@code handler}; it has
     * started when its output contains {@code startedText}. For benchmarks' baseline functions.
     */
    public static LambdaArtifact startJvm(Path dir, String name, String handler, String startedText,
            Map<String, String> environment) throws IOException {
        return start(dir.toAbsolutePath(), name, handler, startedText, environment, FUNCTION_TIMEOUT);
    }

    /** {@code target/<name>}, absolute and empty (whatever an earlier run left there removed), to deploy into. */
    public static Path deployFolder(String name) throws IOException {
        Path dir = emptyFolder(name);
        Files.createDirectories(dir);
        return dir;
    }

    /**
     * Deploys {@code executable} (a native build of the function) as {@code target/<name>/bootstrap}, the only file
     * there, and starts it with exactly {@code environment}, as Lambda's {@code provided.al2023} runtime starts a
     * function's {@code bootstrap}.
     */
    public static LambdaArtifact startNative(String name, Path executable, Map<String, String> environment)
            throws IOException {
        return startNative(name, executable, environment, FUNCTION_TIMEOUT);
    }

    /** As {@link #startNative(String, Path, Map)}, each invocation's deadline {@code timeout} after it is handed out. */
    public static LambdaArtifact startNative(String name, Path executable, Map<String, String> environment,
            Duration timeout) throws IOException {
        Path dir = emptyFolder(name);
        Files.createDirectories(dir);
        Files.copy(executable, dir.resolve("bootstrap"), StandardCopyOption.COPY_ATTRIBUTES);
        return start(dir, name, JVM_HANDLER, QUARKUS_STARTED, environment, timeout);
    }

    private static LambdaArtifact start(Path dir, String name, String handler, String startedText,
            Map<String, String> environment, Duration timeout) throws IOException {
        MockHttpEventServer runtimeApi = new DeadlineRuntimeApi(timeout);
        runtimeApi.start(0);
        Path log = dir.resolveSibling(name + ".log");
        long started = System.nanoTime();
        Process process = launch(dir, handler, log, runtimeApi.getPort(), environment);
        return new LambdaArtifact(runtimeApi, dir, handler, startedText, process, log, started);
    }

    /**
     * Starts one more instance of the function polling the same Runtime API, as Lambda adds instances when requests
     * overlap (each instance takes one invocation at a time); its output goes to {@code target/<name>.log}, and it
     * is stopped with this one. Returns once it has started.
     */
    public void addInstance(String name, Map<String, String> environment) throws IOException, InterruptedException {
        Path moreLog = dir.resolveSibling(name + ".log");
        Files.deleteIfExists(moreLog);
        Process more = launch(dir, handler, moreLog, runtimeApi.getPort(), environment);
        moreProcesses.add(more);
        moreLogs.add(moreLog);
        if (!awaitText(more, moreLog, startedText, 120)) {
            throw new IllegalStateException("instance " + name + " did not start:\n" + read(moreLog));
        }
    }

    /** Every function process polling the Runtime API, the first one first. */
    public List<Process> processes() {
        List<Process> all = new ArrayList<>(List.of(process));
        all.addAll(moreProcesses);
        return all;
    }

    /** Number of function processes polling the Runtime API. */
    public int instances() {
        return 1 + moreProcesses.size();
    }

    private static Process launch(Path dir, String handler, Path log, int runtimeApiPort,
            Map<String, String> environment) throws IOException {
        List<String> command = new ArrayList<>();
        if (Files.exists(dir.resolve("bootstrap"))) {
            dir.resolve("bootstrap").toFile().setExecutable(true);
            command.add(dir.resolve("bootstrap").toString());
        } else {
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            command.add("-cp");
            command.add(runtimeClasspath() + File.pathSeparator + dir + File.pathSeparator + dir.resolve("lib")
                    + File.separator + "*");
            command.add("com.amazonaws.services.lambda.runtime.api.client.AWSLambda");
            command.add(handler);
        }
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().clear(); // nothing from the test JVM's environment leaks in: only what Lambda would set
        builder.environment().put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
        // The mock server serves the Runtime API under /_lambda_; the function builds its URLs as
        // "http://" + AWS_LAMBDA_RUNTIME_API + "/2018-06-01/runtime/…", so the prefix rides along in the variable.
        builder.environment().put("AWS_LAMBDA_RUNTIME_API", "127.0.0.1:" + runtimeApiPort + "/_lambda_");
        builder.environment().putAll(environment);
        return builder.start();
    }

    /** The runtime interface client and its own dependencies, which the java21 runtime provides (not the zip). */
    private static String runtimeClasspath() {
        List<String> jars = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            String file = Path.of(entry).getFileName().toString();
            if (file.startsWith("aws-lambda-java-runtime-interface-client") || file.startsWith("aws-lambda-java-core")
                    || file.startsWith("aws-lambda-java-serialization")) {
                jars.add(entry);
            }
        }
        if (jars.stream().noneMatch(j -> j.contains("runtime-interface-client"))) {
            throw new IllegalStateException("aws-lambda-java-runtime-interface-client is not on the test class path");
        }
        return String.join(File.pathSeparator, jars);
    }

    /** {@code target/<name>}, absolute, with whatever an earlier run left there removed. */
    private static Path emptyFolder(String name) throws IOException {
        Path dir = Path.of("target", name).toAbsolutePath();
        if (Files.exists(dir)) {
            try (var paths = Files.walk(dir)) {
                paths.sorted(java.util.Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
            }
        }
        return dir;
    }

    private static Path unpack(Path dir, Path functionZip) throws IOException {
        if (!Files.exists(functionZip)) {
            throw new IllegalStateException(functionZip + " is missing: run `./mvnw package` first");
        }
        try (ZipFile zip = new ZipFile(functionZip.toFile())) {
            for (Enumeration<? extends ZipEntry> entries = zip.entries(); entries.hasMoreElements();) {
                ZipEntry entry = entries.nextElement();
                Path target = dir.resolve(entry.getName()).normalize();
                if (!target.startsWith(dir)) {
                    throw new IOException("zip entry outside the folder: " + entry.getName());
                }
                if (entry.isDirectory()) {
                    Files.createDirectories(target);
                } else {
                    Files.createDirectories(target.getParent());
                    try (InputStream in = zip.getInputStream(entry)) {
                        Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
                    }
                }
            }
        }
        return dir;
    }

    /** The invocations the function answered after their deadline (Lambda would have ended them), each with how late. */
    public List<String> lateAnswers() {
        return runtimeApi instanceof DeadlineRuntimeApi deadlined ? deadlined.lateAnswers() : List.of();
    }

    /** Where HTTP requests become API Gateway v2 events for the function. */
    public int port() {
        return runtimeApi.getPort();
    }

    public Process process() {
        return process;
    }

    public long startedNanos() {
        return startedNanos;
    }

    /** Everything the function printed (stdout and stderr); with more instances, all of them, one after another. */
    public String output() throws IOException {
        StringBuilder all = new StringBuilder(read(log));
        for (Path more : moreLogs) {
            all.append(read(more));
        }
        return all.toString();
    }

    private static String read(Path log) throws IOException {
        return Files.exists(log) ? Files.readString(log) : "";
    }

    /**
     * Waits until the function has started (Quarkus logs "started in"; a baseline function its own start text) and so
     * polls the Runtime API; fails with the function's output if it exits or takes longer than {@code seconds}.
     */
    public LambdaArtifact awaitStarted(long seconds) throws IOException, InterruptedException {
        if (!awaitText(process, log, startedText, seconds)) {
            throw new IllegalStateException("the function did not start:\n" + output());
        }
        return this;
    }

    /**
     * Waits until the output contains {@code text} or the process exits; returns whether it appeared. (An init
     * failure under the JVM runtime client is reported to the Runtime API and the process lingers until Lambda
     * ends it; the native executable exits.)
     */
    public boolean awaitOutput(String text, long seconds) throws IOException, InterruptedException {
        return awaitText(process, log, text, seconds) || read(log).contains(text);
    }

    /** Polls {@code log} until it contains {@code text} (true), or the process exits or time is up (false). */
    private static boolean awaitText(Process process, Path log, String text, long seconds)
            throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!read(log).contains(text)) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(20);
        }
        return true;
    }

    @Override
    public void close() throws IOException {
        List<Process> all = new ArrayList<>(moreProcesses);
        all.add(process);
        all.forEach(Process::destroy);
        try {
            for (Process p : all) {
                if (!p.waitFor(10, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        runtimeApi.close();
    }
}
