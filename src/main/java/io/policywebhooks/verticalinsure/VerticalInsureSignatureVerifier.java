package io.policywebhooks.verticalinsure;

import java.util.List;

import io.policywebhooks.provider.Headers;
import io.policywebhooks.provider.Hmac;
import io.policywebhooks.provider.InvalidSignatureException;

/**
 * Verifies Vertical Insure webhooks: {@code VerticalInsure-Signature} is the hex HMAC-SHA256 of the raw body
 * under the webhook's signature key. Their Java sample emits lower-case hex and their Python sample upper-case,
 * so both are accepted (the hex is decoded and the bytes compared). There is no timestamp and so no replay
 * window; redelivery is handled by deduplication on the body hash.
 */
public final class VerticalInsureSignatureVerifier {
    public static final String SIGNATURE_HEADER = "VerticalInsure-Signature";
    private static final String ALGORITHM = "HmacSHA256";
    private static final int SIGNATURE_HEX_CHARS = 64;

    private final Hmac hmac;

    public VerticalInsureSignatureVerifier(List<String> keys) {
        this.hmac = new Hmac(ALGORITHM, keys);
    }

    public void verify(byte[] rawBody, Headers headers) throws InvalidSignatureException {
        String header = headers.get(SIGNATURE_HEADER);
        if (header == null || header.isBlank()) {
            throw new InvalidSignatureException("missing signature");
        }
        String hex = header.trim();
        byte[] provided = hex.length() == SIGNATURE_HEX_CHARS ? Hmac.parseHex(hex, 0, hex.length()) : null;
        if (provided == null) {
            throw new InvalidSignatureException("malformed signature");
        }
        if (!hmac.anyMatches(new byte[][] {provided}, rawBody)) {
            throw new InvalidSignatureException("signature mismatch");
        }
    }
}
