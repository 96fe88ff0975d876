package io.policywebhooks.ten99policy;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Base64;
import java.util.List;
import java.util.Locale;

import io.policywebhooks.webhook.Headers;
import io.policywebhooks.webhook.Hmac;
import io.policywebhooks.webhook.InvalidSignatureException;

/**
 * Verifies 1099Policy webhooks, which are delivered by Convoy and signed in one of three forms:
 * <ol>
 * <li>documented by 1099Policy: {@code Convoy-Timestamp: <t>} and {@code X-Convoy-Signature: <sig>} over
 * {@code "<t>,<raw body>"};</li>
 * <li>Convoy advanced: {@code X-Convoy-Signature: t=<t>,v1=<sig>[,v1=<sig>…]}, elements in any order, signed
 * string {@code "<t>,<raw body>"}, any one {@code v1} matching any configured secret is enough;</li>
 * <li>Convoy simple: {@code X-Convoy-Signature: <sig>} over the raw body alone (no timestamp, so no replay
 * window: deduplication by event id covers redelivery).</li>
 * </ol>
 * The HMAC is SHA-512 or SHA-256, encoded hex or base64, as configured on the Convoy endpoint.
 */
public final class ConvoySignatureVerifier {
    public static final String SIGNATURE_HEADER = "X-Convoy-Signature";
    public static final String TIMESTAMP_HEADER = "Convoy-Timestamp";

    /** Convoy sends one v1 per active secret; anything far beyond that is an attack on our CPU. */
    static final int MAX_SIGNATURES = 16;
    static final int MAX_HEADER_CHARS = 4096;
    /** Unix seconds fit in 11 digits until the year 5138; more digits is not a timestamp. */
    private static final int MAX_TIMESTAMP_DIGITS = 11;
    private static final byte[] COMMA = {','};

    public enum Hash {
        SHA512("HmacSHA512"), SHA256("HmacSHA256");

        final String jcaName;

        Hash(String jcaName) {
            this.jcaName = jcaName;
        }

        public static Hash parse(String value) {
            return valueOf(value.trim().toUpperCase(Locale.ROOT).replace("-", ""));
        }
    }

    public enum Encoding {
        HEX, BASE64;

        public static Encoding parse(String value) {
            return valueOf(value.trim().toUpperCase(Locale.ROOT));
        }
    }

    private final Hmac hmac;
    private final Encoding encoding;
    private final long toleranceSeconds;
    private final Clock clock;

    public ConvoySignatureVerifier(List<String> secrets, Hash hash, Encoding encoding, long toleranceSeconds,
            Clock clock) {
        this.hmac = new Hmac(hash.jcaName, secrets);
        this.encoding = encoding;
        this.toleranceSeconds = toleranceSeconds;
        this.clock = clock;
    }

    /** Returns normally when the request is authentic; otherwise throws with a short fixed reason. */
    public void verify(byte[] rawBody, Headers headers) throws InvalidSignatureException {
        String header = headers.get(SIGNATURE_HEADER);
        if (header == null || header.isBlank()) {
            throw new InvalidSignatureException("missing signature");
        }
        if (header.length() > MAX_HEADER_CHARS) {
            throw new InvalidSignatureException("malformed signature");
        }
        String trimmed = header.trim();
        if (isAdvanced(trimmed)) {
            verifyAdvanced(trimmed, rawBody);
            return;
        }
        String timestamp = headers.get(TIMESTAMP_HEADER);
        if (timestamp != null) {
            checkTimestamp(timestamp);
            verifyAny(List.of(trimmed), timestamp.trim().getBytes(StandardCharsets.US_ASCII), rawBody);
        } else {
            verifyAny(List.of(trimmed), null, rawBody);
        }
    }

    private static boolean isAdvanced(String header) {
        // hex never contains '=', base64 only as trailing padding: a leading "t=" or "v1=" is the advanced form.
        return header.startsWith("t=") || header.startsWith("v1=") || header.contains(",t=")
                || header.contains(",v1=");
    }

    private void verifyAdvanced(String header, byte[] rawBody) throws InvalidSignatureException {
        String timestamp = null;
        List<String> signatures = new java.util.ArrayList<>(2);
        for (String element : header.split(",")) {
            String part = element.trim();
            if (part.startsWith("t=")) {
                if (timestamp != null) {
                    throw new InvalidSignatureException("malformed signature");
                }
                timestamp = part.substring(2);
            } else if (part.startsWith("v1=")) {
                if (signatures.size() == MAX_SIGNATURES) {
                    throw new InvalidSignatureException("too many signatures");
                }
                signatures.add(part.substring(3));
            }
            // other schemes (v0=, …) are ignored, as Stripe's and Convoy's own verifiers do
        }
        if (timestamp == null) {
            throw new InvalidSignatureException("missing timestamp");
        }
        if (signatures.isEmpty()) {
            throw new InvalidSignatureException("missing signature");
        }
        checkTimestamp(timestamp);
        verifyAny(signatures, timestamp.getBytes(StandardCharsets.US_ASCII), rawBody);
    }

    private void checkTimestamp(String value) throws InvalidSignatureException {
        String t = value.trim();
        if (t.isEmpty() || t.length() > MAX_TIMESTAMP_DIGITS) {
            throw new InvalidSignatureException("invalid timestamp");
        }
        for (int i = 0; i < t.length(); i++) {
            char c = t.charAt(i);
            if (c < '0' || c > '9') {
                throw new InvalidSignatureException("invalid timestamp");
            }
        }
        long seconds = Long.parseLong(t);
        long now = clock.instant().getEpochSecond();
        if (Math.abs(now - seconds) > toleranceSeconds) {
            throw new InvalidSignatureException("timestamp outside tolerance");
        }
    }

    /** @param timestamp null for the simple form, else the bytes signed before {@code ","} and the body */
    private void verifyAny(List<String> signatures, byte[] timestamp, byte[] rawBody)
            throws InvalidSignatureException {
        byte[][] provided = new byte[signatures.size()][];
        boolean anyDecoded = false;
        for (int i = 0; i < provided.length; i++) {
            provided[i] = decode(signatures.get(i));
            anyDecoded |= provided[i] != null;
        }
        if (!anyDecoded) {
            throw new InvalidSignatureException("malformed signature");
        }
        for (int key = 0; key < hmac.keyCount(); key++) {
            byte[] expected = timestamp == null
                    ? hmac.compute(key, rawBody)
                    : hmac.compute(key, timestamp, COMMA, rawBody);
            for (byte[] candidate : provided) {
                if (Hmac.equal(expected, candidate)) {
                    return;
                }
            }
        }
        throw new InvalidSignatureException("signature mismatch");
    }

    private byte[] decode(String signature) {
        try {
            return encoding == Encoding.HEX
                    ? Hmac.HEX.parseHex(signature.trim())
                    : Base64.getDecoder().decode(signature.trim());
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    // ---- signing: the same scheme from the sender's side (tests and the sample-event sender use it) ----

    /** The documented form's {@code X-Convoy-Signature} value; send {@code Convoy-Timestamp: <t>} with it. */
    public static String signWithTimestamp(String secret, long t, byte[] rawBody, Hash hash, Encoding encoding) {
        return encode(Hmac.sign(hash.jcaName, secret, Long.toString(t).getBytes(StandardCharsets.US_ASCII), COMMA,
                rawBody), encoding);
    }

    /** The advanced form's header value, one {@code v1} per secret. */
    public static String signAdvanced(List<String> secrets, long t, byte[] rawBody, Hash hash, Encoding encoding) {
        StringBuilder header = new StringBuilder("t=").append(t);
        for (String secret : secrets) {
            header.append(",v1=").append(signWithTimestamp(secret, t, rawBody, hash, encoding));
        }
        return header.toString();
    }

    /** The simple form's header value: the HMAC of the raw body alone. */
    public static String signSimple(String secret, byte[] rawBody, Hash hash, Encoding encoding) {
        return encode(Hmac.sign(hash.jcaName, secret, rawBody), encoding);
    }

    private static String encode(byte[] mac, Encoding encoding) {
        return encoding == Encoding.HEX ? Hmac.HEX.formatHex(mac) : Base64.getEncoder().encodeToString(mac);
    }
}
