package io.policywebhooks.verticalinsure;

import java.util.Map;

import io.policywebhooks.Signers;
import io.policywebhooks.WebhookSigner;
import io.policywebhooks.provider.Hmac;

/** Signs as Vertical Insure does: lower-case hex HMAC-SHA256 of the body, as their Java sample. No options. */
public final class VerticalInsureSigner implements WebhookSigner {
    @Override
    public Map<String, String> headers(String secret, byte[] body, long nowSeconds, Map<String, String> options) {
        return Map.of(VerticalInsureSignatureVerifier.SIGNATURE_HEADER, sign(secret, body));
    }

    /** The header value Vertical Insure would send. */
    public static String sign(String key, byte[] rawBody) {
        return Hmac.HEX.formatHex(Signers.hmac("HmacSHA256", key, rawBody));
    }
}
