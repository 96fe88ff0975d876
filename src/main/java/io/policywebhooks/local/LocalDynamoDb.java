package io.policywebhooks.local;

import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.policywebhooks.store.Schema;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;

/**
 * The local DynamoDB used by dev mode and the tests: dynalite (npm, open source) on loopback, installed from
 * {@code src/local/dynalite/package-lock.json} on first use, in memory. Never used in production.
 */
public final class LocalDynamoDb {
    public static final String HOST = "127.0.0.1";
    private static final Path PACKAGE_DIR = Path.of("src", "local", "dynalite");

    private LocalDynamoDb() {
    }

    /** Starts dynalite on {@code port} unless something already listens there; the process ends with the JVM. */
    public static Process startIfAbsent(int port) {
        if (listening(port)) {
            return null;
        }
        Path dir = packageDir();
        if (!Files.exists(dir.resolve("node_modules/dynalite/index.js"))) {
            run(dir, Duration.ofMinutes(5), "npm", "ci", "--no-audit", "--no-fund", "--loglevel=error");
            // (npm's output goes to npm-ci.log: a test JVM's stdout belongs to Surefire's fork protocol)
        }
        try {
            // server.js: dynalite in memory, tables active at once, surviving clients that abort a request
            Process process = new ProcessBuilder("node", dir.resolve("server.js").toString(), "--host", HOST,
                    "--port", Integer.toString(port))
                    .redirectErrorStream(true)
                    .redirectOutput(dir.resolve("dynalite-" + port + ".log").toFile())
                    .start();
            Runtime.getRuntime().addShutdownHook(new Thread(process::destroy));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!listening(port)) {
                if (!process.isAlive() || System.nanoTime() > deadline) {
                    process.destroy();
                    throw new IllegalStateException("dynalite did not start on port " + port + "; see "
                            + dir.resolve("dynalite-" + port + ".log"));
                }
                Thread.sleep(50);
            }
            return process;
        } catch (IOException e) {
            throw new IllegalStateException("cannot start dynalite (is Node.js installed?)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting dynalite", e);
        }
    }

    /** Creates any of the tables that do not exist yet, from the same definitions the code writes to. */
    public static void createTables(DynamoDbClient dynamo, Schema.TableNames names) {
        List<CreateTableRequest> tables = Schema.all(names);
        for (CreateTableRequest table : tables) {
            try {
                dynamo.createTable(table);
            } catch (ResourceInUseException exists) {
                // already there (dev-mode restart): keep its items
            }
        }
        for (CreateTableRequest table : tables) {
            dynamo.waiter().waitUntilTableExists(b -> b.tableName(table.tableName()));
        }
    }

    static boolean listening(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(HOST, port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** The package folder, found from the working directory or a parent (Maven runs from the project root). */
    private static Path packageDir() {
        for (File dir = new File("").getAbsoluteFile(); dir != null; dir = dir.getParentFile()) {
            Path candidate = dir.toPath().resolve(PACKAGE_DIR);
            if (Files.exists(candidate.resolve("package.json"))) {
                return candidate;
            }
        }
        throw new IllegalStateException("cannot find " + PACKAGE_DIR + "/package.json from " + new File("").getAbsolutePath());
    }

    private static void run(Path dir, Duration timeout, String... command) {
        try {
            Path log = dir.resolve("npm-ci.log");
            Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                    .redirectOutput(log.toFile()).start();
            if (!process.waitFor(timeout.toSeconds(), TimeUnit.SECONDS) || process.exitValue() != 0) {
                process.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + " failed in " + dir + "; see " + log);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + command[0] + " (is Node.js installed?)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
