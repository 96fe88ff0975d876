package io.policywebhooks;

import java.util.Map;

/**
 * The sender's side of one provider's signature scheme, for the tests, the sample sender and the benchmarks (never
 * in the production build: signing is not verifying). A provider's package under src/test holds one; {@link Signers}
 * finds it, so the shared tests cover every provider without listing them.
 */
public interface WebhookSigner {
    /** The provider bean this signer signs for. */
    Class<?> providerClass();

    /** The provider's name: its route {@code /webhooks/<name>} and its samples folder. */
    String provider();

    /** The environment variable the receiver reads the provider's secrets from. */
    String secretsVariable();

    /** The secret the receiver uses outside production when that variable is unset. */
    String localSecret();

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
}
