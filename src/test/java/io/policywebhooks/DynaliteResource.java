package io.policywebhooks;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.util.Map;

import io.policywebhooks.local.LocalDynamoDb;
import io.policywebhooks.store.Schema;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * A real DynamoDB API for the tests: dynalite on a free loopback port, tables created from {@link Schema}.
 * Declared here once for every {@code @QuarkusTest} (all share one Quarkus boot and one dynalite).
 */
@QuarkusTestResource(value = DynaliteResource.class, restrictToAnnotatedClass = false)
public class DynaliteResource implements QuarkusTestResourceLifecycleManager {
    /** The default table names, as application.properties declares them. */
    public static final Schema.TableNames TABLES = AppConfig.DEFAULTS.tables().names();

    /** System property holding dynalite's own endpoint (not the fault proxy), for tests that read items. */
    public static final String DIRECT_ENDPOINT = "test.dynalite.endpoint";

    private Process process;
    private FaultProxy proxy;

    /** The receiver talks to dynalite through a {@link FaultProxy}, so tests can make storage fail. */
    @Override
    public Map<String, String> start() {
        int port = freePort();
        process = LocalDynamoDb.startIfAbsent(port);
        try (DynamoDbClient client = client(URI.create("http://" + LocalDynamoDb.HOST + ":" + port))) {
            LocalDynamoDb.createTables(client, TABLES);
        }
        try {
            proxy = new FaultProxy(port);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        FaultProxy.set(FaultProxy.Mode.UP);
        // Integration tests read the tables directly (the application runs in another process there).
        System.setProperty(DIRECT_ENDPOINT, "http://" + LocalDynamoDb.HOST + ":" + port);
        return Map.of("quarkus.dynamodb.endpoint-override", "http://" + LocalDynamoDb.HOST + ":" + proxy.port());
    }

    @Override
    public void stop() {
        if (proxy != null) {
            proxy.close();
        }
        if (process != null) {
            process.destroy();
        }
    }

    public static DynamoDbClient client(URI endpoint) {
        return DynamoDbClient.builder()
                .endpointOverride(endpoint)
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                .httpClientBuilder(UrlConnectionHttpClient.builder())
                .build();
    }

    /** A loopback port nothing listens on right now. */
    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
