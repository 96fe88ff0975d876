package io.policywebhooks.provider;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * One initialized HMAC key per configured secret. Each thread clones the initialized {@link Mac}s once and reuses
 * them ({@code doFinal} resets a Mac for the next message): {@code Mac.getInstance} + {@code init} per request costs
 * microseconds, a clone per request ~0.4 KB (BENCHMARKS.md). Request threads are pooled, so this stays a handful of
 * Macs per process.
 */
public final class Hmac {
    public static final HexFormat HEX = HexFormat.of();

    private final Mac[] prototypes;
    private final ThreadLocal<Mac[]> perThread;

    /** @param algorithm a JCA name such as {@code HmacSHA256} or {@code HmacSHA512} */
    public Hmac(String algorithm, List<String> secrets) {
        if (secrets.isEmpty()) {
            throw new IllegalArgumentException("at least one secret is required");
        }
        prototypes = new Mac[secrets.size()];
        for (int i = 0; i < prototypes.length; i++) {
            prototypes[i] = newMac(algorithm, secrets.get(i).getBytes(StandardCharsets.UTF_8));
        }
        perThread = ThreadLocal.withInitial(() -> {
            Mac[] copies = new Mac[prototypes.length];
            for (int i = 0; i < copies.length; i++) {
                copies[i] = copy(prototypes[i]);
            }
            return copies;
        });
    }

    /**
     * Whether any of {@code provided} (null entries skipped) is the HMAC of the concatenated parts under any key: the
     * one loop over keys and candidates every verifier uses, each comparison constant-time.
     */
    public boolean anyMatches(byte[][] provided, byte[]... parts) {
        for (int key = 0; key < prototypes.length; key++) {
            byte[] expected = compute(key, parts);
            for (byte[] candidate : provided) {
                if (equal(expected, candidate)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** HMAC of the concatenated parts under key {@code keyIndex}. */
    byte[] compute(int keyIndex, byte[]... parts) {
        Mac mac = perThread.get()[keyIndex];
        mac.reset(); // a no-op after doFinal; clean even if an earlier call on this thread died mid-update
        for (byte[] part : parts) {
            mac.update(part);
        }
        return mac.doFinal();
    }

    /** Value of each ASCII hex digit (either case), -1 for every other ASCII character. */
    private static final byte[] HEX_VALUES = hexValues();

    /**
     * Hex (either case) in {@code s[from, to)}, or null when the length is odd or a character is not a hex digit:
     * what {@code HEX.parseHex} accepts, without copying the range into a String or throwing on bad input.
     */
    public static byte[] parseHex(String s, int from, int to) {
        int length = to - from;
        if (length < 0 || (length & 1) != 0) {
            return null;
        }
        byte[] bytes = new byte[length >> 1];
        for (int i = 0, at = from; i < bytes.length; i++, at += 2) {
            int high = hexValue(s.charAt(at));
            int low = hexValue(s.charAt(at + 1));
            if ((high | low) < 0) {
                return null;
            }
            bytes[i] = (byte) (high << 4 | low);
        }
        return bytes;
    }

    private static int hexValue(char c) {
        return c < 128 ? HEX_VALUES[c] : -1;
    }

    private static byte[] hexValues() {
        byte[] values = new byte[128];
        Arrays.fill(values, (byte) -1);
        for (int i = 0; i < 16; i++) {
            values[Character.forDigit(i, 16)] = (byte) i;
            values[Character.toUpperCase(Character.forDigit(i, 16))] = (byte) i;
        }
        return values;
    }

    /** Constant-time comparison of two byte arrays (time depends only on the lengths). */
    public static boolean equal(byte[] expected, byte[] actual) {
        return actual != null && MessageDigest.isEqual(expected, actual);
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
