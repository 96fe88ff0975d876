package io.policywebhooks.ten99policy;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.policywebhooks.Signers;
import io.policywebhooks.WebhookSigner;
import io.policywebhooks.provider.Hmac;

/**
 * Signs as Convoy does for 1099Policy, in its three forms. Options: {@code form} ({@code advanced}, the default;
 * {@code timestamp}, 1099Policy's documented form; {@code simple}), {@code hash} ({@code SHA512}/{@code SHA256}),
 * {@code encoding} ({@code hex}/{@code base64}).
 */
public final class Ten99PolicySigner implements WebhookSigner {
    private static final byte[] COMMA = {','};

    @Override
    public Map<String, String> headers(String secret, byte[] body, long nowSeconds, Map<String, String> options) {
        ConvoySignatureVerifier.Hash hash = ConvoySignatureVerifier.Hash.valueOf(
                options.getOrDefault("hash", "SHA512").toUpperCase(Locale.ROOT));
        ConvoySignatureVerifier.Encoding encoding = ConvoySignatureVerifier.Encoding.valueOf(
                options.getOrDefault("encoding", "hex").toUpperCase(Locale.ROOT));
        String form = options.getOrDefault("form", "advanced");
        return switch (form) {
            case "timestamp" -> Map.of(ConvoySignatureVerifier.TIMESTAMP_HEADER, Long.toString(nowSeconds),
                    ConvoySignatureVerifier.SIGNATURE_HEADER, signWithTimestamp(secret, nowSeconds, body, hash, encoding));
            case "simple" -> Map.of(ConvoySignatureVerifier.SIGNATURE_HEADER, signSimple(secret, body, hash, encoding));
            case "advanced" -> Map.of(ConvoySignatureVerifier.SIGNATURE_HEADER,
                    signAdvanced(List.of(secret), nowSeconds, body, hash, encoding));
            default -> throw new IllegalArgumentException("unknown form " + form);
        };
    }

    /** The advanced form's header for the local default secret (SHA-512, hex), signed now. */
    public static String signedNow(byte[] rawBody) {
        return signAdvanced(List.of(Ten99PolicyProvider.LOCAL_SECRET), java.time.Instant.now().getEpochSecond(),
                rawBody, ConvoySignatureVerifier.Hash.SHA512, ConvoySignatureVerifier.Encoding.HEX);
    }

    /** The documented form's {@code X-Convoy-Signature} value; send {@code Convoy-Timestamp: <t>} with it. */
    public static String signWithTimestamp(String secret, long t, byte[] rawBody, ConvoySignatureVerifier.Hash hash,
            ConvoySignatureVerifier.Encoding encoding) {
        return encode(Signers.hmac(hash.jcaName, secret, Long.toString(t).getBytes(StandardCharsets.US_ASCII), COMMA,
                rawBody), encoding);
    }

    /** The advanced form's header value, one {@code v1} per secret. */
    public static String signAdvanced(List<String> secrets, long t, byte[] rawBody, ConvoySignatureVerifier.Hash hash,
            ConvoySignatureVerifier.Encoding encoding) {
        StringBuilder header = new StringBuilder("t=").append(t);
        for (String secret : secrets) {
            header.append(",v1=").append(signWithTimestamp(secret, t, rawBody, hash, encoding));
        }
        return header.toString();
    }

    /** The simple form's header value: the HMAC of the raw body alone. */
    public static String signSimple(String secret, byte[] rawBody, ConvoySignatureVerifier.Hash hash,
            ConvoySignatureVerifier.Encoding encoding) {
        return encode(Signers.hmac(hash.jcaName, secret, rawBody), encoding);
    }

    private static String encode(byte[] mac, ConvoySignatureVerifier.Encoding encoding) {
        return encoding == ConvoySignatureVerifier.Encoding.HEX
                ? Hmac.HEX.formatHex(mac)
                : Base64.getEncoder().encodeToString(mac);
    }
}
