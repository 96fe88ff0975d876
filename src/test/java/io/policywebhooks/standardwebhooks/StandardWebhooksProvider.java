package io.policywebhooks.standardwebhooks;

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

/**
 * A third provider that exists only in the tests: it proves that a provider is one package (this one, its samples
 * under samples/standard-webhooks/, and a route in template.yaml for a real one), found by the shared code and
 * tests without listing it anywhere.
 */
@Startup
@Singleton
public class StandardWebhooksProvider implements WebhookProvider {
    public static final String SECRETS_VARIABLE = "STANDARD_WEBHOOKS_SECRETS";
    public static final String LOCAL_SECRET = "local-standard-webhooks-secret";

    private final StandardWebhooksVerifier verifier;

    public StandardWebhooksProvider(WebhookConfig config, Config variables, Clock clock) {
        this.verifier = new StandardWebhooksVerifier(
                WebhookConfig.secrets(variables, SECRETS_VARIABLE, LOCAL_SECRET, LaunchMode.current()),
                config.timestampToleranceSeconds(), clock);
    }

    @Override
    public String name() {
        return StandardWebhooksEvents.PROVIDER;
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
        return StandardWebhooksEvents.map(rawBody, json, headers, receivedAt);
    }
}
