package io.policywebhooks.webhook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import io.policywebhooks.AppConfig;
import io.quarkus.runtime.LaunchMode;

/** Startup refuses production without real secrets, naming the variable and never echoing a value. */
class WebhookConfigTest {
    static final String VAR = "TEN99POLICY_WEBHOOK_SECRETS";
    static final String LOCAL = "local-default";

    static String refusal(Optional<String> value) {
        return assertThrows(IllegalStateException.class,
                () -> WebhookConfig.secrets(VAR, value, LOCAL, LaunchMode.NORMAL)).getMessage();
    }

    @Test
    void productionRefusesMissingEmptyOrLocalDefaultSecrets() {
        assertTrue(refusal(Optional.empty()).startsWith(VAR + " is not set"));
        assertTrue(refusal(Optional.of("")).startsWith(VAR + " is not set"));
        assertTrue(refusal(Optional.of(" , ,")).startsWith(VAR + " is not set"));
        String local = refusal(Optional.of("real-one," + LOCAL));
        assertTrue(local.startsWith(VAR + " holds the local development default"));
        assertFalse(local.contains("real-one"), "the message never contains a secret");
    }

    @Test
    void productionAcceptsSeveralSecretsForRotation() {
        assertEquals(List.of("old", "new"), WebhookConfig.secrets(VAR, Optional.of(" old , new "), LOCAL,
                LaunchMode.NORMAL));
    }

    @Test
    void devAndTestFallBackToTheLocalDefault() {
        assertEquals(List.of(LOCAL), WebhookConfig.secrets(VAR, Optional.empty(), LOCAL, LaunchMode.DEVELOPMENT));
        assertEquals(List.of(LOCAL), WebhookConfig.secrets(VAR, Optional.of(""), LOCAL, LaunchMode.TEST));
        assertEquals(List.of("given"), WebhookConfig.secrets(VAR, Optional.of("given"), LOCAL, LaunchMode.TEST));
    }

    @Test
    void theBodyLimitMustLeaveARawBodyStorableInOneItem() {
        java.time.Clock clock = java.time.Clock.systemUTC();
        assertEquals(393_216, WebhookService.MAX_BODY_BYTES_LIMIT);
        new WebhookService(null, clock, WebhookService.MAX_BODY_BYTES_LIMIT, AppConfig.DEFAULTS.metricsNamespace());
        new WebhookService(null, clock, 1, AppConfig.DEFAULTS.metricsNamespace());
        for (int bad : new int[] {WebhookService.MAX_BODY_BYTES_LIMIT + 1, 0, -1}) {
            String message = assertThrows(IllegalStateException.class, () -> new WebhookService(null, clock, bad,
                    AppConfig.DEFAULTS.metricsNamespace()))
                    .getMessage();
            assertTrue(message.startsWith("WEBHOOK_MAX_BODY_BYTES must be between 1 and 393216"), message);
        }
    }
}
