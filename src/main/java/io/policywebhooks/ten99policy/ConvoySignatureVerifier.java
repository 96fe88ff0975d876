package io.policywebhooks.ten99policy;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

import io.policywebhooks.provider.Headers;
import io.policywebhooks.provider.Hmac;
import io.policywebhooks.provider.InvalidSignatureException;

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
    }

    public enum Encoding {
        HEX, BASE64
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
        if (verifyIfAdvanced(header, rawBody)) {
            return;
        }
        byte[] signature = decode(header, 0, header.length());
        String timestamp = headers.get(TIMESTAMP_HEADER);
        if (timestamp != null) {
            String t = checkTimestamp(timestamp);
            compare(new byte[][] {signature}, t.getBytes(StandardCharsets.US_ASCII), rawBody);
            return;
        }
        if (looksTimestamped(rawBody)) {
            // The simple form signs the body alone with the same key, so a captured timestamped signature over
            // (t, B) is also a "simple" signature of the body "t,B": refuse exactly those bodies, or any old
            // delivery could be replayed without a timestamp. Real bodies are JSON and never start that way.
            throw new InvalidSignatureException("signature mismatch");
        }
        compare(new byte[][] {signature}, null, rawBody);
    }

    /*
     * The header is walked element by element (comma-separated, each trimmed as String#trim would) by index,
     * without splitting it into strings: this runs on every request, and splitting cost a measurable share of a
     * 1 KB verification (BENCHMARKS.md). "t=" or "v1=" can never match across an element's end, since what
     * follows a trimmed element is blanks and a comma.
     */

    /**
     * Convoy advanced: the header is in that form when any element (trimmed) is {@code t=…} or {@code v1=…}; hex and
     * base64 signatures never look so.
     *
     * @return false when the header is not in the advanced form; true once it is and verified (else it throws)
     */
    private boolean verifyIfAdvanced(String header, byte[] rawBody) throws InvalidSignatureException {
        String timestamp = null;
        byte[][] signatures = new byte[MAX_SIGNATURES][];
        int count = 0;
        for (int start = 0; start < header.length();) {
            int end = elementEnd(header, start);
            int from = skipBlanks(header, start, end);
            if (header.startsWith("t=", from)) {
                if (timestamp != null) {
                    throw new InvalidSignatureException("malformed signature");
                }
                timestamp = header.substring(from + 2, end);
            } else if (header.startsWith("v1=", from)) {
                if (count == MAX_SIGNATURES) {
                    throw new InvalidSignatureException("too many signatures");
                }
                signatures[count++] = decode(header, from + 3, end);
            }
            // other schemes (v0=, …) are ignored, as Stripe's and Convoy's own verifiers do
            start = end + 1;
        }
        if (timestamp == null && count == 0) {
            return false;
        }
        if (timestamp == null) {
            throw new InvalidSignatureException("missing timestamp");
        }
        if (count == 0) {
            throw new InvalidSignatureException("missing signature");
        }
        String t = checkTimestamp(timestamp);
        compare(Arrays.copyOf(signatures, count), t.getBytes(StandardCharsets.US_ASCII), rawBody);
        return true;
    }

    private static int elementEnd(String header, int start) {
        int comma = header.indexOf(',', start);
        return comma < 0 ? header.length() : comma;
    }

    /** The first index in [from, to) that {@link String#trim} would keep, or {@code to}. */
    private static int skipBlanks(String s, int from, int to) {
        while (from < to && s.charAt(from) <= ' ') {
            from++;
        }
        return from;
    }

    /** Whether the body starts like a timestamped signed string: digits, then a comma. */
    static boolean looksTimestamped(byte[] body) {
        int i = 0;
        while (i < body.length && body[i] >= '0' && body[i] <= '9') {
            i++;
        }
        return i > 0 && i < body.length && body[i] == ',';
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

    /**
     * @param provided the decoded signatures (null where one did not decode)
     * @param timestamp null for the simple form, else the bytes signed before {@code ","} and the body
     */
    private void compare(byte[][] provided, byte[] timestamp, byte[] rawBody) throws InvalidSignatureException {
        if (noneDecoded(provided)) {
            throw new InvalidSignatureException("malformed signature");
        }
        boolean authentic = timestamp == null
                ? hmac.anyMatches(provided, rawBody)
                : hmac.anyMatches(provided, timestamp, COMMA, rawBody);
        if (!authentic) {
            throw new InvalidSignatureException("signature mismatch");
        }
    }

    private static boolean noneDecoded(byte[][] provided) {
        for (byte[] signature : provided) {
            if (signature != null) {
                return false;
            }
        }
        return true;
    }

    /** The signature in {@code s[from, to)}, blanks around it dropped; null when not valid in the encoding. */
    private byte[] decode(String s, int from, int to) {
        from = skipBlanks(s, from, to);
        while (to > from && s.charAt(to - 1) <= ' ') {
            to--;
        }
        try {
            return encoding == Encoding.HEX
                    ? Hmac.parseHex(s, from, to)
                    : Base64.getDecoder().decode(s.substring(from, to));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
