package io.policywebhooks.webhook;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * One initialized HMAC key per configured secret. {@link #compute} clones the initialized {@link Mac}, which is
 * far cheaper than {@code Mac.getInstance} + {@code init} on every request and safe across threads.
 */
public final class Hmac {
    public static final HexFormat HEX = HexFormat.of();

    private final Mac[] prototypes;

    /** @param algorithm a JCA name such as {@code HmacSHA256} or {@code HmacSHA512} */
    public Hmac(String algorithm, List<String> secrets) {
        if (secrets.isEmpty()) {
            throw new IllegalArgumentException("at least one secret is required");
        }
        prototypes = new Mac[secrets.size()];
        for (int i = 0; i < prototypes.length; i++) {
            prototypes[i] = newMac(algorithm, secrets.get(i).getBytes(StandardCharsets.UTF_8));
        }
    }

    public int keyCount() {
        return prototypes.length;
    }

    /** HMAC of the concatenated parts under key {@code keyIndex}. */
    public byte[] compute(int keyIndex, byte[]... parts) {
        Mac mac = copy(prototypes[keyIndex]);
        for (byte[] part : parts) {
            mac.update(part);
        }
        return mac.doFinal();
    }

    /** Constant-time comparison of two byte arrays (time depends only on the lengths). */
    public static boolean equal(byte[] expected, byte[] actual) {
        return actual != null && MessageDigest.isEqual(expected, actual);
    }

    /** Hex of the HMAC of the concatenated parts: used by the signers (tests and the sample sender). */
    public static byte[] sign(String algorithm, String secret, byte[]... parts) {
        Mac mac = newMac(algorithm, secret.getBytes(StandardCharsets.UTF_8));
        for (byte[] part : parts) {
            mac.update(part);
        }
        return mac.doFinal();
    }

    private static Mac newMac(String algorithm, byte[] key) {
        try {
            Mac mac = Mac.getInstance(algorithm);
            // An empty secret is refused at configuration time; SecretKeySpec itself rejects empty keys.
            mac.init(new SecretKeySpec(key, algorithm));
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC algorithm unavailable: " + algorithm, e);
        }
    }

    private static Mac copy(Mac prototype) {
        try {
            return (Mac) prototype.clone();
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException("HMAC provider does not support clone", e);
        }
    }
}
