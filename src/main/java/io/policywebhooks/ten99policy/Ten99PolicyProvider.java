package io.policywebhooks.ten99policy;

import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.eclipse.microprofile.config.Config;

import com.fasterxml.jackson.databind.JsonNode;

import io.policywebhooks.provider.Delivery;
import io.policywebhooks.provider.Headers;
import io.policywebhooks.provider.WebhookProvider;
import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * 1099Policy: Convoy signatures ({@link ConvoySignatureVerifier}, set up by {@link Settings}),
 * 1099Policy events ({@link Ten99PolicyEvents}), and Convoy's delivery id headers kept.
 */
@RegisterForReflection // instantiated by ServiceLoader (Providers), also in the native executable
public final class Ten99PolicyProvider implements WebhookProvider {
    /** The signing secrets, comma-separated; read literally (no {@code ${…}} expansion). */
    public static final String SECRETS_VARIABLE = "TEN99POLICY_WEBHOOK_SECRETS";
    /** Used when TEN99POLICY_WEBHOOK_SECRETS is unset outside production; refused in production. */
    public static final String LOCAL_SECRET = "local-1099policy-secret";
    /** Convoy's delivery headers, as sent (not signed, so never part of the key). */
    public static final String CONVOY_IDEMPOTENCY_KEY = "convoy_idempotency_key";
    public static final String CONVOY_EVENT_ID = "convoy_event_id";
    public static final String IDEMPOTENCY_KEY_HEADER = "X-Convoy-Idempotency-Key";
    public static final String EVENT_ID_HEADER = "X-Convoy-Event-ID";
    /** As set on the Convoy endpoint: {@code SHA512} (the default) or {@code SHA256}. */
    public static final String HASH_VARIABLE = "TEN99POLICY_SIGNATURE_HASH";
    /** {@code hex} (the default) or {@code base64}. */
    public static final String ENCODING_VARIABLE = "TEN99POLICY_SIGNATURE_ENCODING";
    private static final Map<String, String> DEFAULTS = Map.of(HASH_VARIABLE, "SHA512", ENCODING_VARIABLE, "hex");

    /** The signature settings of the Convoy endpoint; any case. */
    public record Settings(ConvoySignatureVerifier.Hash hash, ConvoySignatureVerifier.Encoding encoding) {
        /** @throws IllegalStateException naming the variable when a value is not one of the documented ones */
        public static Settings read(Config config) {
            return new Settings(value(config, HASH_VARIABLE, ConvoySignatureVerifier.Hash.class),
                    value(config, ENCODING_VARIABLE, ConvoySignatureVerifier.Encoding.class));
        }

        private static <E extends Enum<E>> E value(Config config, String variable, Class<E> type) {
            String value = config.getOptionalValue(variable, String.class).orElse(DEFAULTS.get(variable)).trim();
            try {
                return Enum.valueOf(type, value.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalStateException(variable + " must be one of "
                        + List.of(type.getEnumConstants()) + ", not " + value);
            }
        }
    }

    @Override
    public Identity identity() {
        return new Identity(Ten99PolicyEvents.PROVIDER, SECRETS_VARIABLE, LOCAL_SECRET);
    }

    @Override
    public Map<String, String> settingsVariables() {
        return DEFAULTS;
    }

    @Override
    public Verifier verifier(List<String> secrets, VerifierSettings settings) {
        Settings own = Settings.read(settings.config());
        return new ConvoySignatureVerifier(secrets, own.hash(), own.encoding(),
                settings.timestampToleranceSeconds(), settings.clock())::verify;
    }

    @Override
    public Delivery map(byte[] rawBody, JsonNode json, Headers headers, Instant receivedAt) {
        return Ten99PolicyEvents.map(rawBody, json, receivedAt);
    }

    @Override
    public List<KeptHeader> keptHeaders() {
        return List.of(new KeptHeader(CONVOY_EVENT_ID, EVENT_ID_HEADER),
                new KeptHeader(CONVOY_IDEMPOTENCY_KEY, IDEMPOTENCY_KEY_HEADER));
    }
}
