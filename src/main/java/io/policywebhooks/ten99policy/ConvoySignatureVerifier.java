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
        String[] elements = header.split(",");
        for (int i = 0; i < elements.length; i++) {
            elements[i] = elements[i].trim();
        }
        if (isAdvanced(elements)) {
            verifyAdvanced(elements, rawBody);
            return;
        }
        String signature = header.trim();
        String timestamp = headers.get(TIMESTAMP_HEADER);
        if (timestamp != null) {
            String t = checkTimestamp(timestamp);
            verifyAny(List.of(signature), t.getBytes(StandardCharsets.US_ASCII), rawBody);
            return;
        }
        if (looksTimestamped(rawBody)) {
            // The simple form signs the body alone with the same key, so a captured timestamped signature over
            // (t, B) is also a "simple" signature of the body "t,B": refuse exactly those bodies, or any old
            // delivery could be replayed without a timestamp. Real bodies are JSON and never start that way.
            throw new InvalidSignatureException("signature mismatch");
        }
        verifyAny(List.of(signature), null, rawBody);
    }

    /** Convoy advanced: any element (trimmed) is {@code t=…} or {@code v1=…}; hex and base64 never look so. */
    private static boolean isAdvanced(String[] elements) {
        for (String element : elements) {
            if (element.startsWith("t=") || element.startsWith("v1=")) {
                return true;
            }
        }
        return false;
    }

    /** Whether the body starts like a timestamped signed string: digits, then a comma. */
    private static boolean looksTimestamped(byte[] body) {
        int i = 0;
        while (i < body.length && body[i] >= '0' && body[i] <= '9') {
            i++;
        }
        return i > 0 && i < body.length && body[i] == ',';
    }

    private void verifyAdvanced(String[] elements, byte[] rawBody) throws InvalidSignatureException {
        String timestamp = null;
        List<String> signatures = new java.util.ArrayList<>(2);
        for (String part : elements) {
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
        String t = checkTimestamp(timestamp);
        verifyAny(signatures, t.getBytes(StandardCharsets.US_ASCII), rawBody);
    }

    /** @return the timestamp as signed (trimmed digits), once it is a plain integer within the tolerance */
    private String checkTimestamp(String value) throws InvalidSignatureException {
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
        return t;
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
