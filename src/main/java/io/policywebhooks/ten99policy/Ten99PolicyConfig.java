package io.policywebhooks.ten99policy;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * 1099Policy's own settings (TEN99POLICY_SIGNATURE_HASH, TEN99POLICY_SIGNATURE_ENCODING, mapped in
 * application.properties). An unknown value stops startup naming the property. The signing secrets are read
 * literally by {@link Ten99PolicyProvider}, not here.
 */
@ConfigMapping(prefix = "policy-webhooks.ten99policy")
public interface Ten99PolicyConfig {
    /** As set on the Convoy endpoint: {@code SHA512} or {@code SHA256}. */
    @WithDefault("SHA512")
    ConvoySignatureVerifier.Hash signatureHash();

    /** {@code hex} or {@code base64}. */
    @WithDefault("hex")
    ConvoySignatureVerifier.Encoding signatureEncoding();
}
