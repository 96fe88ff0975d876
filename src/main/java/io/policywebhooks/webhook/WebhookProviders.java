package io.policywebhooks.webhook;

import java.time.Clock;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import org.eclipse.microprofile.config.Config;

import io.policywebhooks.provider.Providers;
import io.policywebhooks.provider.WebhookProvider;
import io.quarkus.runtime.LaunchMode;
import io.quarkus.runtime.Startup;

/**
 * Every provider {@link Providers} finds, each with its verifier for the configured secrets, by name: what
 * {@link WebhookResource} routes to. Built at startup, so a missing secret or a bad setting stops the function
 * before its first delivery, with a message naming the variable.
 */
@Startup
@Singleton
public class WebhookProviders {
    private final Map<String, Endpoint> byName = new TreeMap<>();

    @Inject
    public WebhookProviders(Config config, WebhookConfig webhooks, Clock clock) {
        this(Providers.all(), config, webhooks.timestampToleranceSeconds(), clock, LaunchMode.current());
    }

    /** @param mode production refuses unset secrets and the local defaults ({@link WebhookConfig#secrets}) */
    public WebhookProviders(List<WebhookProvider> providers, Config config, long timestampToleranceSeconds,
            Clock clock, LaunchMode mode) {
        var settings = new WebhookProvider.VerifierSettings(config, timestampToleranceSeconds, clock);
        for (WebhookProvider provider : providers) {
            var secrets = WebhookConfig.secrets(config, provider.secretsVariable(), provider.localSecret(), mode);
            byName.put(provider.name(), new Endpoint(provider, provider.verifier(secrets, settings)));
        }
    }

    /** The endpoint of that provider name, or null. */
    public Endpoint get(String name) {
        return byName.get(name);
    }

    public Collection<Endpoint> all() {
        return byName.values();
    }
}
