package io.policywebhooks.provider;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.policywebhooks.Signers;

/** {@link Hmac#parseHex} against the JDK's {@link HexFormat}, and the keyed HMACs against one-shot signing. */
class HmacTest {
    /** Every hex digit, the ASCII characters either side of each digit range, and non-ASCII look-alikes. */
    static final String ALPHABET = "0123456789abcdefABCDEF/:@G`g \u007f\u0080\u00e9\uff10\uff41\u0660";

    /** parseHex's contract: what HexFormat.parseHex returns for the range, or null where it throws. */
    static byte[] reference(String s, int from, int to) {
        try {
            return HexFormat.of().parseHex(s.substring(from, to));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    @Test
    void everyPairOfCharactersParsesAsHexFormatDoes() {
        for (char high : ALPHABET.toCharArray()) {
            for (char low : ALPHABET.toCharArray()) {
                String pair = "" + high + low;
                assertArrayEquals(reference(pair, 0, 2), Hmac.parseHex(pair, 0, 2), "'" + pair + "'");
            }
        }
    }

    @Test
    void onlyTheRangeIsReadAndItsLengthMustBeEven() {
        String s = "zz0aFfzz";
        assertArrayEquals(new byte[] {0x0a, (byte) 0xff}, Hmac.parseHex(s, 2, 6));
        assertNull(Hmac.parseHex(s, 2, 5), "odd length");
        assertNull(Hmac.parseHex(s, 1, 5), "starts on a non-digit");
        assertArrayEquals(new byte[0], Hmac.parseHex(s, 3, 3), "an empty range is zero bytes, as HexFormat reads it");
        assertArrayEquals(reference(s, 3, 3), Hmac.parseHex(s, 3, 3));
        assertNull(Hmac.parseHex(s, 4, 2), "a reversed range");
        assertNull(Hmac.parseHex(s, 4, 3), "a reversed range of odd length");
    }

    @Test
    void keyedHmacsMatchOneShotSigningForEveryKeyAndRepeatedUse() {
        Hmac hmac = new Hmac("HmacSHA256", List.of("k1", "k2"));
        byte[] a = "a".getBytes(StandardCharsets.UTF_8);
        byte[] bc = "bc".getBytes(StandardCharsets.UTF_8);
        for (int round = 0; round < 2; round++) {
            assertArrayEquals(Signers.hmac("HmacSHA256", "k1", a, bc), hmac.compute(0, a, bc));
            assertArrayEquals(Signers.hmac("HmacSHA256", "k2", a, bc), hmac.compute(1, a, bc));
        }
        // the parts are concatenated: where they are split does not matter
        assertArrayEquals(hmac.compute(0, "abc".getBytes(StandardCharsets.UTF_8)), hmac.compute(0, a, bc));
    }

    @Test
    void anyMatchesTriesEveryKeyAgainstEveryCandidate() {
        Hmac hmac = new Hmac("HmacSHA256", List.of("k1", "k2"));
        byte[] body = "body".getBytes(StandardCharsets.UTF_8);
        byte[] byK2 = Signers.hmac("HmacSHA256", "k2", body);
        byte[] byK3 = Signers.hmac("HmacSHA256", "k3", body);
        assertTrue(hmac.anyMatches(new byte[][] {byK3, null, byK2}, body), "the second key, the last candidate");
        assertFalse(hmac.anyMatches(new byte[][] {byK3}, body), "no configured key");
        assertFalse(hmac.anyMatches(new byte[][] {null}, body));
        assertFalse(hmac.anyMatches(new byte[0][], body));
        assertFalse(hmac.anyMatches(new byte[][] {byK2}, "other".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void equalNeedsTheSameBytesAndRefusesNull() {
        assertTrue(Hmac.equal(new byte[] {1, 2}, new byte[] {1, 2}));
        assertFalse(Hmac.equal(new byte[] {1, 2}, new byte[] {1, 3}));
        assertFalse(Hmac.equal(new byte[] {1, 2}, new byte[] {1}));
        assertFalse(Hmac.equal(new byte[] {1, 2}, null));
    }

    @Test
    void noSecretsOrAnUnknownAlgorithmAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new Hmac("HmacSHA256", List.of()));
        assertThrows(IllegalStateException.class, () -> new Hmac("HmacNoSuch", List.of("k")));
    }
}
