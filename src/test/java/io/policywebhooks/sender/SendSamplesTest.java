package io.policywebhooks.sender;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.policywebhooks.Signers;
import io.policywebhooks.WebhookSigner;
import io.policywebhooks.provider.WebhookProvider;
import io.policywebhooks.webhook.WebhookProviders;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;

/** The sample sender signs with every provider's signer and the receiver accepts every sample, in every form. */
@QuarkusTest
class SendSamplesTest {
    static final Path SAMPLES = Path.of("src/test/resources/samples");

    String url() {
        return "http://localhost:" + RestAssured.port;
    }

    String run(String... args) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int failures = SendSamples.send(SendSamples.parse(args), SAMPLES, Map.of(), Clock.systemUTC(),
                new PrintStream(out, true, StandardCharsets.UTF_8));
        String printed = out.toString(StandardCharsets.UTF_8);
        assertEquals(0, failures, printed);
        return printed;
    }

    static long sampleCount(WebhookSigner signer) throws Exception {
        try (var files = Files.list(SAMPLES.resolve(signer.provider()))) {
            return files.filter(f -> f.toString().endsWith(".json")).count();
        }
    }

    @Inject
    WebhookProviders providers;

    /** What the shared tests cover is what the application serves: one signer, with samples, per provider it routes. */
    @Test
    void everyRegisteredProviderHasASignerAndSamples() throws Exception {
        assertEquals(providers.all().stream().map(e -> e.provider().name()).sorted().toList(),
                Signers.all().stream().map(WebhookSigner::provider).toList());
        for (WebhookSigner signer : Signers.all()) {
            assertEquals(signer.secretsVariable(), providers.get(signer.provider()).provider().secretsVariable());
            assertTrue(sampleCount(signer) > 0, "samples of " + signer.provider());
        }
    }

    /** The production providers are exactly those src/main lists for ServiceLoader; the test-only ones are not. */
    @Test
    void theProductionProvidersAreThoseListedInSrcMain() throws Exception {
        List<String> production = Signers.production().stream()
                .map(signer -> signer.webhookProvider().getClass().getName()).sorted().toList();
        assertEquals(listedProviders("src/main").stream().sorted().toList(), production, "the production build's");
        List<String> all = Signers.all().stream().map(signer -> signer.webhookProvider().getClass().getName())
                .toList();
        for (String testOnly : listedProviders("src/test")) {
            assertTrue(all.contains(testOnly), testOnly + " is found");
            assertFalse(production.contains(testOnly), testOnly + " is not in the production build");
        }
    }

    /** The provider classes a source tree lists in its ServiceLoader file. */
    static List<String> listedProviders(String tree) throws IOException {
        return Files.readAllLines(Path.of(tree, "resources", "META-INF", "services", WebhookProvider.class.getName()))
                .stream().map(String::strip).filter(line -> !line.isEmpty() && !line.startsWith("#")).toList();
    }

    @Test
    void everySampleOfEveryProviderIsAccepted() throws Exception {
        for (WebhookSigner signer : Signers.all()) {
            long samples = sampleCount(signer);
            assertTrue(samples > 0, "samples of " + signer.provider());
            String printed = run("--url", url(), "--provider", signer.provider());
            assertTrue(printed.contains(samples + " sent, 0 not accepted"), printed);
        }
    }

    @Test
    void byDefaultTheProductionProvidersSamplesAreSent() throws Exception {
        long expected = 0;
        for (WebhookSigner signer : Signers.production()) {
            expected += sampleCount(signer);
        }
        String printed = run("--url", url());
        assertTrue(printed.contains(expected + " sent, 0 not accepted"), printed);
        assertTrue(printed.contains("vertical-insure policy_endorsed"), printed);
        assertTrue(printed.contains("1099policy      policy.active"), printed);
    }

    @Test
    void everyConvoyFormHashAndEncodingIsAccepted() throws Exception {
        // The receiver under test is configured for SHA512/hex: the other combinations must be refused.
        for (String form : new String[] {"advanced", "timestamp", "simple"}) {
            assertTrue(run("--url", url(), "--provider", "1099policy", "--type", "policy.cancelled", "--form", form)
                    .contains("1 sent, 0 not accepted"));
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int failures = SendSamples.send(SendSamples.parse(new String[] {"--url", url(), "--provider", "1099policy",
                "--type", "policy.active", "--hash", "SHA256"}), SAMPLES, Map.of(), Clock.systemUTC(),
                new PrintStream(out, true, StandardCharsets.UTF_8));
        assertEquals(1, failures, "a SHA-256 signature is refused by a SHA-512 receiver");
    }

    @Test
    void secretsComeFromEachProvidersVariable() throws Exception {
        for (WebhookSigner signer : Signers.all()) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            int failures = SendSamples.send(SendSamples.parse(new String[] {"--url", url(), "--provider",
                    signer.provider()}), SAMPLES, Map.of(signer.secretsVariable(), "not-the-receivers,x"),
                    Clock.systemUTC(), new PrintStream(out, true, StandardCharsets.UTF_8));
            assertEquals(sampleCount(signer), failures, "signed with another secret, every sample of "
                    + signer.provider() + " is refused");
        }
    }

    @Test
    void badOptionsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> SendSamples.parse(new String[] {"--provider", "stripe"}));
        assertThrows(IllegalArgumentException.class, () -> SendSamples.parse(new String[] {"--url"}));
        assertThrows(IllegalArgumentException.class, () -> SendSamples.parse(new String[] {"stray"}));
        assertThrows(IllegalArgumentException.class, () -> SendSamples.sign(SendSamples.parse(new String[] {
                "--provider", "1099policy", "--form", "v2"}), SAMPLES, Map.of(), Clock.systemUTC()));
    }
}
