package io.policywebhooks.verticalinsure;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import org.eclipse.microprofile.config.Config;

import io.policywebhooks.webhook.WebhookConfig;
import io.policywebhooks.webhook.WebhookProvider;
import io.quarkus.runtime.LaunchMode;
import io.quarkus.runtime.Startup;

/** Vertical Insure: HMAC-SHA256 of the body, events keyed by body hash. Built at startup to fail fast. */
public final class VerticalInsureProvider {
    /** The signature keys, comma-separated; read literally (no {@code ${…}} expansion). */
    public static final String KEYS_VARIABLE = "VERTICAL_INSURE_SIGNATURE_KEYS";
    /** Used when VERTICAL_INSURE_SIGNATURE_KEYS is unset outside production; refused in production. */
    public static final String LOCAL_KEY = "local-vertical-insure-key";

    private VerticalInsureProvider() {
    }

    /**
     * @param variables the application's configuration, where {@link #KEYS_VARIABLE} is found among the environment
     *            variables
     */
    @Produces
    @Singleton
    @Startup
    public static WebhookProvider create(Config variables) {
        VerticalInsureSignatureVerifier verifier = new VerticalInsureSignatureVerifier(
                WebhookConfig.secrets(variables, KEYS_VARIABLE, LOCAL_KEY, LaunchMode.current()));
        return new WebhookProvider(VerticalInsureEvents.PROVIDER, KEYS_VARIABLE, verifier::verify,
                (rawBody, json, headers, receivedAt) -> VerticalInsureEvents.map(rawBody, json, receivedAt));
    }
}
