package io.policywebhooks.ten99policy;

import java.time.Clock;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import org.eclipse.microprofile.config.Config;

import io.policywebhooks.webhook.WebhookConfig;
import io.policywebhooks.webhook.WebhookProvider;
import io.quarkus.runtime.LaunchMode;
import io.quarkus.runtime.Startup;

/** 1099Policy: Convoy signatures, 1099Policy events. Built at startup so a bad configuration fails fast. */
public final class Ten99PolicyProvider {
    /** The signing secrets, comma-separated; read literally (no {@code ${…}} expansion). */
    public static final String SECRETS_VARIABLE = "TEN99POLICY_WEBHOOK_SECRETS";
    /** Used when TEN99POLICY_WEBHOOK_SECRETS is unset outside production; refused in production. */
    public static final String LOCAL_SECRET = "local-1099policy-secret";

    private Ten99PolicyProvider() {
    }

    /**
     * @param variables the application's configuration, where {@link #SECRETS_VARIABLE} is found among the environment
     *            variables
     */
    @Produces
    @Singleton
    @Startup
    public static WebhookProvider create(Ten99PolicyConfig own, WebhookConfig config, Config variables, Clock clock) {
        ConvoySignatureVerifier verifier = new ConvoySignatureVerifier(
                WebhookConfig.secrets(variables, SECRETS_VARIABLE, LOCAL_SECRET, LaunchMode.current()),
                own.signatureHash(), own.signatureEncoding(), config.timestampToleranceSeconds(), clock);
        return new WebhookProvider(Ten99PolicyEvents.PROVIDER, SECRETS_VARIABLE, verifier::verify,
                Ten99PolicyEvents::map);
    }
}
