package io.policywebhooks.bench.minimal;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;

import io.policywebhooks.store.StateUpdate;
import io.policywebhooks.store.Schema;
import io.policywebhooks.store.WebhookStore;
import io.policywebhooks.webhook.BenchAccess;
import io.policywebhooks.provider.Delivery;
import io.policywebhooks.provider.Headers;
import io.policywebhooks.provider.Mapping;
import io.policywebhooks.provider.Providers;
import io.policywebhooks.provider.WebhookProvider;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClientBuilder;

/**
 * The baseline of BENCHMARKS.md section 2a: the smallest Java Lambda function that stores what the receiver stores
 * for the same API Gateway v2 event. A plain {@link RequestHandler} (AWS's lambda-java-core/-events types, run by
 * AWS's runtime interface client): no Quarkus, no CDI, no JAX-RS, no configuration layer, no request log.
 *
 * <p>Per request it does only what storing the event needs: the body as bytes, parsed once into a JSON tree with
 * the receiver's parser settings (the stored item holds the parsed payload, so any function storing the same item
 * parses it), the project's own mapping step ({@code Mapping.of}, each provider's mapping) and the
 * project's own {@link WebhookStore} issuing the PutItem and the guarded UpdateItem: the very requests (items,
 * condition and update expressions) the receiver issues. It does not verify signatures, check the body size, catch
 * mapping failures or log a line per request; those, with Quarkus and the Lambda HTTP adapter, are the receiver's
 * extra work, which the comparison measures. The answer is the receiver's JSON plus {@code duration_ms} (the
 * in-process time, so the harness needs no log line).
 *
 * <p>The DynamoDB client is configured as the receiver's: URL-connection HTTP client with 1 s connection and socket
 * timeouts (application.properties), the attempt/call budget and retry strategy of {@code Producers#dynamo} (the
 * same method applies them), region and credentials from the SDK's default chains (the environment, as the
 * extension's default does), the endpoint override the receiver gets ({@code QUARKUS_DYNAMODB_ENDPOINT_OVERRIDE}).
 * It is built once, in the constructor, i.e. at init, as AWS's guidance for Java functions says.
 */
public final class MinimalFunction implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {
    /** Printed once the handler exists (init done); the harness waits for it as for Quarkus's "started in". */
    public static final String READY = "MinimalFunction ready";
    public static final String HANDLER = MinimalFunction.class.getName() + "::handleRequest";

    /** Every provider, by its route. */
    private static final Map<String, WebhookProvider> ROUTES = Providers.all().stream()
            .collect(java.util.stream.Collectors.toMap(p -> "/webhooks/" + p.name(), p -> p));
    private static final Map<String, String> JSON_TYPE = Map.of("Content-Type", "application/json");

    private final WebhookStore store;
    private final Clock clock = Clock.systemUTC();

    /** What the runtime interface client calls: everything from the environment, as template.yaml sets it. */
    public MinimalFunction() {
        Map<String, String> env = System.getenv();
        this.store = new WebhookStore(client(env.get("QUARKUS_DYNAMODB_ENDPOINT_OVERRIDE")),
                new Schema.TableNames(env.get("EVENTS_TABLE"), env.get("POLICIES_TABLE"), env.get("ASSIGNMENTS_TABLE")));
        System.out.println(READY);
    }

    static DynamoDbClient client(String endpoint) {
        DynamoDbClientBuilder builder = DynamoDbClient.builder();
        if (endpoint != null) {
            builder.endpointOverride(URI.create(endpoint));
        }
        return BenchAccess.configureLikeProducers(builder);
    }

    @Override
    public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
        long startNanos = System.nanoTime();
        String path = event.getRawPath() == null ? "" : event.getRawPath();
        byte[] body = event.getBody() == null ? new byte[0]
                : event.getIsBase64Encoded() ? Base64.getDecoder().decode(event.getBody())
                : event.getBody().getBytes(StandardCharsets.UTF_8);
        WebhookProvider provider = ROUTES.get(path);
        if (provider == null) {
            return answer(404, "{\"error\":\"not found\"}");
        }
        Delivery delivery = Mapping.of(provider, body,
                Headers.of(event.getHeaders() == null ? Map.of() : event.getHeaders()), clock.instant()).delivery();
        String eventId = delivery.event().eventId();
        try {
            boolean duplicate = store.putEvent(delivery.event()).duplicate();
            for (StateUpdate state : delivery.states()) {
                store.applyState(state, clock.instant());
            }
            return answer(200, String.format(Locale.ROOT, "{\"event_id\":\"%s\",\"duplicate\":%b,\"duration_ms\":%.3f}",
                    eventId, duplicate, (System.nanoTime() - startNanos) / 1e6));
        } catch (SdkException e) {
            return answer(503, "{\"error\":\"storage unavailable\"}");
        }
    }

    private static APIGatewayV2HTTPResponse answer(int status, String body) {
        return APIGatewayV2HTTPResponse.builder().withStatusCode(status).withHeaders(JSON_TYPE).withBody(body)
                .withIsBase64Encoded(false).build();
    }
}
