package io.policywebhooks.standardwebhooks;

import java.time.Clock;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import org.eclipse.microprofile.config.Config;

import io.policywebhooks.webhook.WebhookConfig;
import io.policywebhooks.webhook.WebhookProvider;
import io.quarkus.runtime.LaunchMode;
import io.quarkus.runtime.Startup;

/**
 * A third provider that exists only in the tests: it proves that a provider is one package (this one, its samples
 * under samples/standard-webhooks/, and, for a real one, its block in template.yaml), found by the shared code and
 * tests without being listed anywhere.
 */
public final class StandardWebhooksProvider {
    public static final String SECRETS_VARIABLE = "STANDARD_WEBHOOKS_SECRETS";
    public static final String LOCAL_SECRET = "local-standard-webhooks-secret";

    private StandardWebhooksProvider() {
    }

    @Produces
    @Singleton
    @Startup
    public static WebhookProvider create(WebhookConfig config, Config variables, Clock clock) {
        StandardWebhooksVerifier verifier = new StandardWebhooksVerifier(
                WebhookConfig.secrets(variables, SECRETS_VARIABLE, LOCAL_SECRET, LaunchMode.current()),
                config.timestampToleranceSeconds(), clock);
        return new WebhookProvider(StandardWebhooksEvents.PROVIDER, SECRETS_VARIABLE, verifier::verify,
                StandardWebhooksEvents::map);
    }
}
