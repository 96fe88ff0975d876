package io.policywebhooks.webhook;

import java.time.Instant;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * What differs between providers: how a request is authenticated and how its event maps to the stored items.
 * Everything else (size limit, parsing, deduplication, ordering, answers, logging) is {@link WebhookService}'s. Each
 * provider package produces one as a CDI bean; {@link WebhookProviders} finds them all.
 *
 * @param name            short name: the route ({@code POST /webhooks/<name>}), the prefix of event ids, the
 *                        {@code provider} attribute and the folder of its samples; e.g. {@code 1099policy}
 * @param secretsVariable the environment variable holding its signing secrets, comma-separated, read literally
 * @param verifier        checks the signature over the raw body
 * @param mapper          maps an authentic delivery
 */
public record WebhookProvider(String name, String secretsVariable, Verifier verifier, Mapper mapper) {

    /** A provider's signature check; throws with a short fixed reason when the request is not authentic. */
    @FunctionalInterface
    public interface Verifier {
        void verify(byte[] rawBody, Headers headers) throws InvalidSignatureException;
    }

    /** A provider's event mapping. Must not reject anything: odd content still yields an event to store. */
    @FunctionalInterface
    public interface Mapper {
        /** @param json the parsed body, or null when it is not JSON */
        Delivery map(byte[] rawBody, JsonNode json, Headers headers, Instant receivedAt);
    }

    public void verify(byte[] rawBody, Headers headers) throws InvalidSignatureException {
        verifier.verify(rawBody, headers);
    }

    public Delivery map(byte[] rawBody, JsonNode json, Headers headers, Instant receivedAt) {
        return mapper.map(rawBody, json, headers, receivedAt);
    }
}
