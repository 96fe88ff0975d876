package io.policywebhooks;

import java.util.Map;

import io.policywebhooks.provider.WebhookProvider;

/**
 * The sender's side of one provider's signature scheme, for the tests, the sample sender and the benchmarks (never
 * in the production build: signing is not verifying). Each provider has one, in its package under src/test, named
 * as its provider class with {@code Signer} for {@code Provider} ({@code Ten99PolicyProvider}: {@code
 * Ten99PolicySigner}), with a public no-argument constructor; {@link Signers} finds it from the provider.
 */
public interface WebhookSigner {
    /**
     * The request headers that make {@code body} authentic under {@code secret} at {@code nowSeconds}.
     *
     * @param options signer-specific choices by name (e.g. Convoy's {@code form}, {@code hash}, {@code encoding});
     *        unknown names are ignored, absent ones take the provider's defaults
     */
    Map<String, String> headers(String secret, byte[] body, long nowSeconds, Map<String, String> options);

    default Map<String, String> headers(String secret, byte[] body, long nowSeconds) {
        return headers(secret, body, nowSeconds, Map.of());
    }

    /** The provider this signer signs for. */
    default WebhookProvider webhookProvider() {
        return Signers.providerOf(this);
    }

    /** The provider's name: its route {@code /webhooks/<name>} and its samples folder. */
    default String provider() {
        return webhookProvider().name();
    }

    /** The environment variable the receiver reads the provider's secrets from. */
    default String secretsVariable() {
        return webhookProvider().secretsVariable();
    }

    /** The secret the receiver uses outside production when that variable is unset. */
    default String localSecret() {
        return webhookProvider().localSecret();
    }
}
