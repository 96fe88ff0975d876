package io.policywebhooks.bench;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.policywebhooks.webhook.BenchAccess;
import io.policywebhooks.DynaliteResource;
import io.policywebhooks.it.LambdaArtifact;
import io.policywebhooks.it.NativeExecutable;
import io.policywebhooks.local.LocalDynamoDb;
import io.policywebhooks.store.Schema;
import io.policywebhooks.ten99policy.Ten99PolicyProvider;
import io.policywebhooks.verticalinsure.VerticalInsureProvider;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.Select;

/**
 * Shared pieces of the end-to-end and startup benchmarks (BENCHMARKS.md sections 2 and 3): dynalite with the
 * tables, the environment template.yaml gives the function, the artifacts to start, the minimal function and the
 * command-line options. Signed events and the HTTP sender are {@link LoadRequests}'s, percentiles and a description
 * of the machine {@link Measures}'. Loopback only.
 */
final class LoadKit {
    private LoadKit() {
    }

    static final String TEN99_SECRET = "bench-1099policy-secret";
    static final String VI_KEY = "bench-vertical-insure-key";

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
}
