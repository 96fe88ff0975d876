package io.policywebhooks.verticalinsure;

import java.time.Instant;

import jakarta.inject.Singleton;

import org.eclipse.microprofile.config.Config;

import com.fasterxml.jackson.databind.JsonNode;

import io.policywebhooks.webhook.Delivery;
import io.policywebhooks.webhook.Headers;
import io.policywebhooks.webhook.InvalidSignatureException;
import io.policywebhooks.webhook.WebhookConfig;
import io.policywebhooks.webhook.WebhookProvider;
import io.quarkus.runtime.LaunchMode;
import io.quarkus.runtime.Startup;

/** Vertical Insure: HMAC-SHA256 of the body, events keyed by body hash. Built at startup to fail fast. */
@Startup
@Singleton
public class VerticalInsureProvider implements WebhookProvider {
    /** The signature keys, comma-separated; read literally (no {@code ${…}} expansion). */
    public static final String KEYS_VARIABLE = "VERTICAL_INSURE_SIGNATURE_KEYS";
    /** Used when VERTICAL_INSURE_SIGNATURE_KEYS is unset outside production; refused in production. */
    public static final String LOCAL_KEY = "local-vertical-insure-key";

    private final VerticalInsureSignatureVerifier verifier;

    /**
     * @param variables the application's configuration, where {@link #KEYS_VARIABLE} is found among the environment
     *            variables
     */
    public VerticalInsureProvider(Config variables) {
        this.verifier = new VerticalInsureSignatureVerifier(
                WebhookConfig.secrets(variables, KEYS_VARIABLE, LOCAL_KEY, LaunchMode.current()));
    }

    @Override
    public String name() {
        return VerticalInsureEvents.PROVIDER;
    }

    @Override
    public String secretsVariable() {
        return KEYS_VARIABLE;
    }

    @Override
    public void verify(byte[] rawBody, Headers headers) throws InvalidSignatureException {
        verifier.verify(rawBody, headers);
    }

    @Override
    public Delivery map(byte[] rawBody, JsonNode json, Headers headers, Instant receivedAt) {
        return VerticalInsureEvents.map(rawBody, json, receivedAt);
    }
}
