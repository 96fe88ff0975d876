package io.policywebhooks.webhook;

import java.time.Instant;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * What differs between providers: how a request is authenticated and how its event maps to the stored items.
 * Everything else (size limit, parsing, deduplication, ordering, answers, logging) is {@link WebhookService}'s.
 */
public interface WebhookProvider {
    /**
     * Short name: the route ({@code POST /webhooks/<name>}), the prefix of event ids, the {@code provider} attribute
     * and the folder of its samples; e.g. {@code 1099policy}.
     */
    String name();

    /** The environment variable holding its signing secrets, comma-separated, read literally. */
    String secretsVariable();

    /** Checks the signature over the raw body; throws with a short fixed reason when it is not authentic. */
    void verify(byte[] rawBody, Headers headers) throws InvalidSignatureException;

    /**
     * Maps an authentic delivery. Must not reject anything: odd content still yields an event to store.
     *
     * @param json the parsed body, or null when it is not JSON
     */
    Delivery map(byte[] rawBody, JsonNode json, Headers headers, Instant receivedAt);
}
