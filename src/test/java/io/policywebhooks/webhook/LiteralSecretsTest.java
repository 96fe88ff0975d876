package io.policywebhooks.webhook;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;

import org.junit.jupiter.api.Test;

import io.policywebhooks.AppConfig;
import io.policywebhooks.provider.Headers;
import io.policywebhooks.provider.InvalidSignatureException;
import io.policywebhooks.provider.WebhookProvider;
import io.policywebhooks.ten99policy.ConvoySignatureVerifier;
import io.policywebhooks.ten99policy.Ten99PolicyProvider;
import io.policywebhooks.ten99policy.Ten99PolicySigner;
import io.policywebhooks.verticalinsure.VerticalInsureProvider;
import io.policywebhooks.verticalinsure.VerticalInsureSignatureVerifier;
import io.policywebhooks.verticalinsure.VerticalInsureSigner;
import io.quarkus.runtime.LaunchMode;
import io.smallrye.config.EnvConfigSource;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;

/**
 * Secrets reach the verifiers of both providers exactly as set in the environment, {@code $}, {@code $$} and
 * {@code ${…}} included. The configuration is built as the application's is (application.properties under the
 * environment, with SmallRye's expression-expanding interceptors), and each provider is constructed from it as in
 * production; a signature made with the literal value must then verify.
 */
class LiteralSecretsTest {
    static final long NOW = 1_717_171_717L;
    static final Clock CLOCK = Clock.fixed(Instant.ofEpochSecond(NOW), ZoneOffset.UTC);
    static final String HOME = "/home/someone";
    static final byte[] BODY = "{\"id\":\"evt_1\",\"type\":\"policy.active\",\"data\":{\"id\":\"pl_1\"}}"
            .getBytes(StandardCharsets.UTF_8);

    /** Expanded, these would become p$q (unchanged), ab$cd, ky and /home/someone. */
    static final List<String> TEN99 = List.of("p$q", "ab$$cd", "k${X:}y", "${HOME}");
    static final List<String> VI = List.of("vi$1", "vi$$2", "vi-k${X:}y", "${HOME}");
    /** What expansion would have made of them: none of these may verify. */
    static final List<String> TEN99_EXPANDED = List.of("ab$cd", "ky", HOME);
    static final List<String> VI_EXPANDED = List.of("vi$2", "vi-ky", HOME);

    static SmallRyeConfig applicationConfig(Map<String, String> environment) {
        return AppConfig.read(environment);
    }

    static SmallRyeConfig withSecrets(List<String> ten99, List<String> vi) throws IOException {
        return applicationConfig(Map.of(Ten99PolicyProvider.SECRETS_VARIABLE, String.join(",", ten99),
                VerticalInsureProvider.SECRETS_VARIABLE, String.join(",", vi), "HOME", HOME));
    }

    /** As the function builds it at startup: the provider's verifier for the secrets in its variable. */
    static WebhookProvider.Verifier verifier(SmallRyeConfig config, WebhookProvider provider) {
        return new WebhookProviders(List.of(provider), config, 300, CLOCK, LaunchMode.NORMAL).get(provider.name())
                .verifier();
    }

    static Headers convoy(String secret) {
        // application.properties' defaults: SHA-512, hex
        String header = Ten99PolicySigner.signAdvanced(List.of(secret), NOW, BODY,
                ConvoySignatureVerifier.Hash.SHA512, ConvoySignatureVerifier.Encoding.HEX);
        return Headers.of(Map.of(ConvoySignatureVerifier.SIGNATURE_HEADER, header));
    }

    static Headers verticalInsure(String key) {
        return Headers.of(Map.of(VerticalInsureSignatureVerifier.SIGNATURE_HEADER,
                VerticalInsureSigner.sign(key, BODY)));
    }

    @Test
    void dollarsAndExpressionsInSecretsAreOrdinaryCharacters() throws IOException {
        SmallRyeConfig config = withSecrets(TEN99, VI);
        // This configuration does expand expressions: an ordinary read would hand the providers other secrets.
        assertEquals(String.join(",", "p$q", "ab$cd", "ky", HOME),
                config.getValue(Ten99PolicyProvider.SECRETS_VARIABLE, String.class));

        WebhookProvider.Verifier ten99 = verifier(config, new Ten99PolicyProvider());
        WebhookProvider.Verifier vi = verifier(config, new VerticalInsureProvider());
        for (String secret : TEN99) {
            assertDoesNotThrow(() -> ten99.verify(BODY, convoy(secret)), secret);
        }
        for (String key : VI) {
            assertDoesNotThrow(() -> vi.verify(BODY, verticalInsure(key)), key);
        }
        for (String expanded : TEN99_EXPANDED) {
            assertThrows(InvalidSignatureException.class, () -> ten99.verify(BODY, convoy(expanded)), expanded);
        }
        for (String expanded : VI_EXPANDED) {
            assertThrows(InvalidSignatureException.class, () -> vi.verify(BODY, verticalInsure(expanded)), expanded);
        }
    }

    @Test
    void anUndefinedExpressionInASecretIsJustText() throws IOException {
        String undefined = "s${POLICY_WEBHOOKS_UNDEFINED}";
        SmallRyeConfig config = withSecrets(List.of(undefined), List.of(undefined));
        // An ordinary read fails on it, which would stop startup.
        assertThrows(NoSuchElementException.class,
                () -> config.getValue(VerticalInsureProvider.SECRETS_VARIABLE, String.class));

        WebhookProvider.Verifier ten99 = verifier(config, new Ten99PolicyProvider());
        WebhookProvider.Verifier vi = verifier(config, new VerticalInsureProvider());
        assertDoesNotThrow(() -> ten99.verify(BODY, convoy(undefined)));
        assertDoesNotThrow(() -> vi.verify(BODY, verticalInsure(undefined)));
    }

    @Test
    void commasSeparateRotatedSecretsAndBlanksAroundThemAreDropped() throws IOException {
        SmallRyeConfig config = applicationConfig(Map.of(VerticalInsureProvider.SECRETS_VARIABLE, " old$ , new$$ "));
        assertEquals(List.of("old$", "new$$"), WebhookConfig.secrets(config, VerticalInsureProvider.SECRETS_VARIABLE,
                VerticalInsureProvider.LOCAL_SECRET, LaunchMode.NORMAL));
    }
}
