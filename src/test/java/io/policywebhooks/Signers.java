package io.policywebhooks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.CodeSource;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Finds every provider's {@link WebhookSigner} among the compiled test classes (a class named {@code *Signer}
 * implementing it), so the shared tests, the sample sender and the template agreement test discover the providers
 * instead of listing them.
 */
public final class Signers {
    private static final List<WebhookSigner> ALL = discover();

    private Signers() {
    }

    /** Every provider's signer, by provider name; test-only providers included. */
    public static List<WebhookSigner> all() {
        return ALL;
    }

    /** Every provider's name: a JUnit {@code @MethodSource("io.policywebhooks.Signers#names")}. */
    public static java.util.stream.Stream<String> names() {
        return ALL.stream().map(WebhookSigner::provider);
    }

    /** The signers of the providers the production build contains (their bean is in src/main). */
    public static List<WebhookSigner> production() {
        return ALL.stream().filter(Signers::inProduction).toList();
    }

    public static WebhookSigner of(String provider) {
        return ALL.stream().filter(s -> s.provider().equals(provider)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no signer for provider " + provider));
    }

    /** Whether the provider's bean class was compiled from src/main (not from src/test). */
    public static boolean inProduction(WebhookSigner signer) {
        String resource = signer.providerClass().getName().replace('.', '/') + ".class";
        URL url = Signers.class.getClassLoader().getResource(resource);
        return url != null && !url.toString().contains("/test-classes/");
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

    private static List<WebhookSigner> discover() {
        Path root = testClasses();
        try (Stream<Path> files = Files.walk(root)) {
            List<WebhookSigner> signers = files
                    .filter(f -> f.getFileName().toString().endsWith("Signer.class"))
                    .map(f -> root.relativize(f).toString().replace('/', '.').replace(".class", ""))
                    .map(Signers::load)
                    .filter(c -> WebhookSigner.class.isAssignableFrom(c) && !c.isInterface())
                    .map(Signers::instantiate)
                    .sorted(Comparator.comparing(WebhookSigner::provider))
                    .toList();
            if (signers.isEmpty()) {
                throw new IllegalStateException("no WebhookSigner found under " + root);
            }
            return signers;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Where this class was compiled to; the Maven layout's target/test-classes when that cannot be told. */
    private static Path testClasses() {
        try {
            CodeSource source = Signers.class.getProtectionDomain().getCodeSource();
            if (source != null && source.getLocation() != null) {
                Path path = Path.of(source.getLocation().toURI());
                if (Files.isDirectory(path.resolve("io/policywebhooks"))) {
                    return path;
                }
            }
        } catch (URISyntaxException | IllegalArgumentException notAFolder) {
            // fall through
        }
        return Path.of("target", "test-classes");
    }

    private static Class<?> load(String name) {
        try {
            return Class.forName(name, true, Signers.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException(e);
        }
    }

    private static WebhookSigner instantiate(Class<?> type) {
        try {
            return (WebhookSigner) type.getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("a WebhookSigner needs a public no-argument constructor: " + type, e);
        }
    }
}
