package io.policywebhooks;

import java.util.Map;

import io.policywebhooks.webhook.WebhookConfig;
import io.smallrye.config.SmallRyeConfig;

/**
 * The application's configuration as the function reads it, without Quarkus: application.properties under an
 * environment, with the default (expanding) interceptors. Every default comes from application.properties, so a
 * test or benchmark never restates one.
 */
public final class AppConfig {
    private AppConfig() {
    }

    public static SmallRyeConfig read(Map<String, String> environment) {
        return WebhookConfig.load(environment);
    }

    /** {@link WebhookConfig} with every default, as a deployment that sets nothing but the secrets reads it. */
    public static final WebhookConfig DEFAULTS = webhooks(Map.of());

    /** {@link WebhookConfig} under {@code environment}. */
    public static WebhookConfig webhooks(Map<String, String> environment) {
        return read(environment).getConfigMapping(WebhookConfig.class);
    }
}
