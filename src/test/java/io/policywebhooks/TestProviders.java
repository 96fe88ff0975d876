package io.policywebhooks;

import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

import io.policywebhooks.provider.Delivery;
import io.policywebhooks.provider.Headers;
import io.policywebhooks.provider.WebhookProvider;

/** Real providers with their mapping replaced: an older mapping, a spy, one that throws. */
public final class TestProviders {
    private TestProviders() {
    }

    /** A mapping, as {@link WebhookProvider#map}. */
    @FunctionalInterface
    public interface Mapper {
        Delivery map(byte[] rawBody, JsonNode json, Headers headers, Instant receivedAt);
    }

    /** A provider of that name, mapping with {@code mapper}; it has no secrets and accepts any signature. */
    public static WebhookProvider named(String name, Mapper mapper) {
        return mappingWith(new WebhookProvider() {
            @Override
            public Identity identity() {
                return new Identity(name, "UNUSED", "unused");
            }

            @Override
            public Verifier verifier(List<String> secrets, VerifierSettings settings) {
                return (rawBody, headers) -> {
                };
            }

            @Override
            public Delivery map(byte[] rawBody, JsonNode json, Headers headers, Instant receivedAt) {
                return mapper.map(rawBody, json, headers, receivedAt);
            }
        }, mapper);
    }

    /** {@code provider} in all but its mapping, which is {@code mapper}. */
    public static WebhookProvider mappingWith(WebhookProvider provider, Mapper mapper) {
        return new WebhookProvider() {
            @Override
            public Identity identity() {
                return provider.identity();
            }

            @Override
            public Verifier verifier(List<String> secrets, VerifierSettings settings) {
                return provider.verifier(secrets, settings);
            }

            @Override
            public Delivery map(byte[] rawBody, JsonNode json, Headers headers, Instant receivedAt) {
                return mapper.map(rawBody, json, headers, receivedAt);
            }

            @Override
            public List<KeptHeader> keptHeaders() {
                return provider.keptHeaders();
            }
        };
    }
}
