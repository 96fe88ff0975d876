package io.policywebhooks.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Benchmark-only bridge to the package-private parts of {@link WebhookService} (the shared {@code JSON} mapper and
 * {@code parse}), so the benchmarks in {@code io.policywebhooks.bench} call exactly what production calls. Lives in
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
}
