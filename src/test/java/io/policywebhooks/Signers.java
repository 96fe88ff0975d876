package io.policywebhooks;

import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import io.policywebhooks.provider.Providers;
import io.policywebhooks.provider.WebhookProvider;

/**
 * Every provider's {@link WebhookSigner}, found from the providers {@link Providers} finds (the signer of
 * {@code x.FooProvider} is {@code x.FooSigner}), so the shared tests, the sample sender and the template agreement
 * tests cover every provider instead of listing them.
 */
public final class Signers {
    private static final Map<WebhookProvider, WebhookSigner> BY_PROVIDER = Providers.all().stream()
            .collect(Collectors.toMap(p -> p, Signers::signerOf, (a, b) -> a, java.util.LinkedHashMap::new));

    private Signers() {
    }

    /** Every provider's signer, sorted by provider name; test-only providers included. */
    public static List<WebhookSigner> all() {
        return List.copyOf(BY_PROVIDER.values());
    }

    /** Every provider's name: a JUnit {@code @MethodSource("io.policywebhooks.Signers#names")}. */
    public static java.util.stream.Stream<String> names() {
        return BY_PROVIDER.keySet().stream().map(WebhookProvider::name);
    }

    /** The signers of the providers the production build contains (compiled from src/main). */
    public static List<WebhookSigner> production() {
        return BY_PROVIDER.entrySet().stream().filter(e -> inProduction(e.getKey())).map(Map.Entry::getValue).toList();
    }

    public static WebhookSigner of(String provider) {
        return BY_PROVIDER.entrySet().stream().filter(e -> e.getKey().name().equals(provider))
                .map(Map.Entry::getValue).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no signer for provider " + provider));
    }

    /** Whether the provider's class was compiled from src/main (not from src/test). */
    public static boolean inProduction(WebhookProvider provider) {
        String resource = provider.getClass().getName().replace('.', '/') + ".class";
        URL url = Signers.class.getClassLoader().getResource(resource);
        return url != null && !url.toString().contains("/test-classes/");
    }

    static WebhookProvider providerOf(WebhookSigner signer) {
        return BY_PROVIDER.entrySet().stream().filter(e -> e.getValue().getClass() == signer.getClass())
                .map(Map.Entry::getKey).findFirst()
                .orElseThrow(() -> new IllegalStateException("no provider for " + signer.getClass()));
    }

    /** The HMAC of the concatenated parts under {@code secret} (UTF-8), with the JCA algorithm named. */
    public static byte[] hmac(String algorithm, String secret, byte[]... parts) {
        return hmac(algorithm, secret.getBytes(StandardCharsets.UTF_8), parts);
    }

    public static byte[] hmac(String algorithm, byte[] key, byte[]... parts) {
        try {
            Mac mac = Mac.getInstance(algorithm);
            mac.init(new SecretKeySpec(key, algorithm));
            for (byte[] part : parts) {
                mac.update(part);
            }
            return mac.doFinal();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static WebhookSigner signerOf(WebhookProvider provider) {
        String name = provider.getClass().getName().replaceFirst("Provider$", "Signer");
        try {
            return (WebhookSigner) Class.forName(name, true, Signers.class.getClassLoader())
                    .getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException | ClassCastException e) {
            throw new IllegalStateException("provider " + provider.name() + " needs a WebhookSigner " + name
                    + " with a public no-argument constructor", e);
        }
    }
}
