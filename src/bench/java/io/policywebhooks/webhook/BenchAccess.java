package io.policywebhooks.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClientBuilder;

/**
 * Benchmark-only bridge to the package-private parts of {@link WebhookService} (the shared {@code JSON} mapper and
 * {@code parse}) and {@link Producers} (the DynamoDB client's budget and retries), so the benchmarks in {@code io.policywebhooks.bench} call exactly what production calls. Lives in
 * src/bench/java; src/main is unchanged.
 */
public final class BenchAccess {
    private BenchAccess() {
    }

    /** {@link WebhookService#JSON}, the mapper every request is parsed with. */
    public static ObjectMapper json() {
        return WebhookService.JSON;
    }

    /** {@link WebhookService#parse}: the body as JSON, null when it is not JSON. */
    public static JsonNode parse(byte[] rawBody) {
        return WebhookService.parse(rawBody);
    }

    /** {@link LambdaHttpDispatch#sendOnEventLoop}: how the Lambda handler hands a request to the virtual channel. */
    public static void sendOnEventLoop(io.quarkus.netty.runtime.virtual.VirtualClientConnection<?> connection,
            Object... messages) {
        LambdaHttpDispatch.sendOnEventLoop(connection, messages);
    }

    /**
     * {@code Producers#dynamo}: the function's attempt and call timeouts and retry strategy applied to
     * {@code builder}, which is then built (the baseline function's client). Touches neither CDI nor Quarkus.
     */
    public static DynamoDbClient configureLikeProducers(DynamoDbClientBuilder builder) {
        return new Producers().dynamo(builder);
    }
}
