package io.policywebhooks.webhook;

import java.util.Collection;
import java.util.Map;
import java.util.TreeMap;

import jakarta.enterprise.inject.Instance;
import jakarta.inject.Singleton;

/** Every {@link WebhookProvider} bean, by name: what {@link WebhookResource} routes to. */
@Singleton
public class WebhookProviders {
    private final Map<String, WebhookProvider> byName = new TreeMap<>();

    public WebhookProviders(Instance<WebhookProvider> providers) {
        for (WebhookProvider provider : providers) {
            if (byName.put(provider.name(), provider) != null) {
                throw new IllegalStateException("two webhook providers are named " + provider.name());
            }
        }
    }

    /** The provider of that name, or null. */
    public WebhookProvider get(String name) {
        return byName.get(name);
    }

    public Collection<WebhookProvider> all() {
        return byName.values();
    }
}
