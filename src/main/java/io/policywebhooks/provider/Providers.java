package io.policywebhooks.provider;

import java.util.Comparator;
import java.util.List;
import java.util.ServiceLoader;
import java.util.TreeSet;

/**
 * Every {@link WebhookProvider} on the class path, sorted by name: the one way the function, the reprocess command,
 * the sample sender, the benchmarks and the tests find providers (each is listed in
 * {@code META-INF/services/io.policywebhooks.provider.WebhookProvider} of its source tree).
 */
public final class Providers {
    /** Read once: a provider holds no state, so every caller shares the same ones (two racing first reads agree). */
    private static volatile List<WebhookProvider> loaded;

    private Providers() {
    }

    /** @throws IllegalStateException when two share a name */
    public static List<WebhookProvider> all() {
        List<WebhookProvider> all = loaded;
        if (all == null) {
            all = load();
            loaded = all;
        }
        return all;
    }

    /** The provider of that name. @throws IllegalArgumentException when there is none */
    public static WebhookProvider named(String name) {
        return all().stream().filter(p -> p.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no provider named " + name));
    }

    private static List<WebhookProvider> load() {
        List<WebhookProvider> all = ServiceLoader.load(WebhookProvider.class, Providers.class.getClassLoader())
                .stream().map(ServiceLoader.Provider::get)
                .sorted(Comparator.comparing(WebhookProvider::name)).toList();
        TreeSet<String> names = new TreeSet<>();
        for (WebhookProvider provider : all) {
            if (!names.add(provider.name())) {
                throw new IllegalStateException("two webhook providers are named " + provider.name());
            }
        }
        return all;
    }
}
