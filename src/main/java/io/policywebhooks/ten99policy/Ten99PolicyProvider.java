package io.policywebhooks.ten99policy;

import java.time.Clock;
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

/** 1099Policy: Convoy signatures, 1099Policy events. Built at startup so a bad configuration fails fast. */
@Startup
@Singleton
public class Ten99PolicyProvider implements WebhookProvider {
    /** The signing secrets, comma-separated; read literally (no {@code ${…}} expansion). */
    public static final String SECRETS_VARIABLE = "TEN99POLICY_WEBHOOK_SECRETS";
    /** Used when TEN99POLICY_WEBHOOK_SECRETS is unset outside production; refused in production. */
    public static final String LOCAL_SECRET = "local-1099policy-secret";

    private final ConvoySignatureVerifier verifier;

    /**
     * @param variables the application's configuration, where {@link #SECRETS_VARIABLE} is found among the environment
     *            variables
     */
    public Ten99PolicyProvider(Ten99PolicyConfig own, WebhookConfig config, Config variables, Clock clock) {
        this.verifier = new ConvoySignatureVerifier(
                WebhookConfig.secrets(variables, SECRETS_VARIABLE, LOCAL_SECRET, LaunchMode.current()),
                own.signatureHash(), own.signatureEncoding(), config.timestampToleranceSeconds(), clock);
    }

    @Override
    public String name() {
        return Ten99PolicyEvents.PROVIDER;
    }

    @Override
    public String secretsVariable() {
        return SECRETS_VARIABLE;
    }

    @Override
    public void verify(byte[] rawBody, Headers headers) throws InvalidSignatureException {
        verifier.verify(rawBody, headers);
    }

    @Override
    public Delivery map(byte[] rawBody, JsonNode json, Headers headers, Instant receivedAt) {
        return Ten99PolicyEvents.map(rawBody, json, headers, receivedAt);
    }
}
