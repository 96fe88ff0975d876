package io.policywebhooks.webhook;

import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClientBuilder;

/**
 * Benchmark-only bridge to package-private parts of {@link LambdaHttpDispatch} and {@link Producers} (the DynamoDB
 * client's budget and retries), so the benchmarks in {@code io.policywebhooks.bench} call exactly what production
 * calls. Lives in src/bench/java.
 */
public final class BenchAccess {
    private BenchAccess() {
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
