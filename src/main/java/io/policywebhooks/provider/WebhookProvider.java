package io.policywebhooks.provider;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.eclipse.microprofile.config.Config;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One provider: everything the shared code needs of it. Everything else (size limit, parsing, deduplication,
 * ordering, answers, logging, storage) is shared. Each provider package has exactly one implementation, with a
 * public no-argument constructor, listed in {@code META-INF/services/io.policywebhooks.provider.WebhookProvider};
 * {@link Providers} finds them, for the function and every other entry point alike.
 */
public interface WebhookProvider {
    /**
     * The longest kept header value: the headers are not signed, and a provider's ids are short, so a longer value
     * is no id of the provider's; it is dropped whole rather than cut into something that looks like one.
     */
    int MAX_KEPT_HEADER_CHARS = 128;

    /** Who it is: its name, and where its secrets come from. */
    Identity identity();

    /**
     * Short name: the route ({@code POST /webhooks/<name>}), the prefix of event ids, the {@code provider} attribute
     * and the folder of its samples.
     */
    default String name() {
        return identity().name();
    }

    /** The environment variable holding its signing secrets, comma-separated (rotation), read literally. */
    default String secretsVariable() {
        return identity().secretsVariable();
    }

    /** The secret used outside production when {@link #secretsVariable()} is unset; refused in production. */
    default String localSecret() {
        return identity().localSecret();
    }

    /**
     * The environment variables of its own settings (not secrets), each with its default; it reads them from
     * {@link VerifierSettings#config()}. The deployment sets each (template.yaml, README configuration table).
     */
    default Map<String, String> settingsVariables() {
        return Map.of();
    }

    /** The signature check over the raw body, for these secrets. */
    Verifier verifier(List<String> secrets, VerifierSettings settings);

    /**
     * Maps an authentic delivery. Must not reject anything: odd content still yields an event to store.
     *
     * @param json the parsed body, or null when it is not JSON
     */
    Delivery map(byte[] rawBody, JsonNode json, Headers headers, Instant receivedAt);

    /**
     * The unsigned request headers kept on the event (at most {@link #MAX_KEPT_HEADER_CHARS} characters) and
     * written on the request's log line, so a delivery can be found from the provider's own delivery log. They
     * are never part of a key. Reprocessing hands them back to {@link #map} as headers.
     */
    default List<KeptHeader> keptHeaders() {
        return List.of();
    }

    /** A provider's signature check; throws with a short fixed reason when the request is not authentic. */
    @FunctionalInterface
    interface Verifier {
        void verify(byte[] rawBody, Headers headers) throws InvalidSignatureException;
    }

    /**
     * @param config                    the application's configuration, where a provider reads its own settings
     * @param timestampToleranceSeconds how far a signed timestamp may be from now, either way
     * @param clock                     what "now" is
     */
    record VerifierSettings(Config config, long timestampToleranceSeconds, Clock clock) {
    }

    /**
     * @param name            see {@link WebhookProvider#name()}
     * @param secretsVariable see {@link WebhookProvider#secretsVariable()}
     * @param localSecret     see {@link WebhookProvider#localSecret()}
     */
    record Identity(String name, String secretsVariable, String localSecret) {
    }

    /**
     * @param attribute the event attribute it is stored in
     * @param header    the request header, any case
     */
    record KeptHeader(String attribute, String header) {
    }
}
