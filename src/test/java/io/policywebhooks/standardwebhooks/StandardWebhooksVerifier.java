package io.policywebhooks.standardwebhooks;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import io.policywebhooks.provider.Headers;
import io.policywebhooks.provider.Hmac;
import io.policywebhooks.provider.InvalidSignatureException;

/**
 * Standard Webhooks (standardwebhooks.com): {@code webhook-signature: v1,<base64 HMAC-SHA256>} (space-separated, one
 * per secret) over {@code "<webhook-id>.<webhook-timestamp>.<body>"}. Secrets are used as UTF-8 bytes, like the
 * other providers' (a {@code whsec_} key is not base64-decoded here).
 */
final class StandardWebhooksVerifier {
    static final String ID_HEADER = "webhook-id";
    static final String TIMESTAMP_HEADER = "webhook-timestamp";
    static final String SIGNATURE_HEADER = "webhook-signature";
    private static final byte[] DOT = {'.'};

    private final Hmac hmac;
    private final long toleranceSeconds;
    private final Clock clock;

    StandardWebhooksVerifier(List<String> secrets, long toleranceSeconds, Clock clock) {
        this.hmac = new Hmac("HmacSHA256", secrets);
        this.toleranceSeconds = toleranceSeconds;
        this.clock = clock;
    }

    void verify(byte[] rawBody, Headers headers) throws InvalidSignatureException {
        String id = headers.get(ID_HEADER);
        String timestamp = headers.get(TIMESTAMP_HEADER);
        String signatures = headers.get(SIGNATURE_HEADER);
        if (id == null || timestamp == null || signatures == null || signatures.isBlank()) {
            throw new InvalidSignatureException("missing signature");
        }
        long t;
        try {
            t = Long.parseLong(timestamp.trim());
        } catch (NumberFormatException e) {
            throw new InvalidSignatureException("invalid timestamp");
        }
        if (Math.abs(clock.instant().getEpochSecond() - t) > toleranceSeconds) {
            throw new InvalidSignatureException("timestamp outside tolerance");
        }
        List<byte[]> provided = new ArrayList<>();
        for (String signature : signatures.trim().split(" +")) {
            if (signature.startsWith("v1,")) {
                try {
                    provided.add(Base64.getDecoder().decode(signature.substring(3)));
                } catch (IllegalArgumentException notBase64) {
                    // another entry may still verify
                }
            }
        }
        if (provided.isEmpty()) {
            throw new InvalidSignatureException("malformed signature");
        }
        byte[] signedPrefix = (id + "." + timestamp.trim()).getBytes(StandardCharsets.UTF_8);
        if (!hmac.anyMatches(provided.toArray(new byte[0][]), signedPrefix, DOT, rawBody)) {
            throw new InvalidSignatureException("signature mismatch");
        }
    }
}
