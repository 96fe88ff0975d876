package io.policywebhooks.verticalinsure;

import static io.policywebhooks.webhook.Gen.show;
import static io.policywebhooks.webhook.Gen.w;
import static io.policywebhooks.webhook.PropertyCheck.forAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;

import io.policywebhooks.webhook.Gen;
import io.policywebhooks.provider.Headers;
import io.policywebhooks.provider.InvalidSignatureException;
import io.policywebhooks.provider.Rejections;

/**
 * Properties of {@link VerticalInsureSignatureVerifier} over random headers and bodies (see {@link
 * io.policywebhooks.webhook.PropertyCheck}): nothing verifies without the key, nothing but {@link
 * InvalidSignatureException} is ever thrown, and the right key's signature verifies in any letter case.
 */
class VerticalInsureSignatureVerifierPropertyTest {
    static final String SIG = VerticalInsureSignatureVerifier.SIGNATURE_HEADER;
    static final Set<String> REASONS = Set.of("missing signature", "malformed signature", "signature mismatch");
    static final List<String> OTHER_NAMES = List.of("Content-Type", "User-Agent", "X-Request-Id",
            "X-Convoy-Signature", "Convoy-Timestamp");

    /** The verifier's keys in the first property: drawn here, never seen by any generator. */
    static final List<String> UNKNOWN_KEYS = List.of(randomHex(24),
            "vi_" + randomHex(16));

    @Test
    void arbitraryHeadersAndBodiesNeverVerifyWithoutTheKeyAndOnlyThrowInvalidSignature() {
        VerticalInsureSignatureVerifier verifier = new VerticalInsureSignatureVerifier(UNKNOWN_KEYS);
        Map<String, Integer> reasons = new TreeMap<>();
        int tries = forAll(1000, g -> {
            Map<String, String> map = new HashMap<>();
            if (g.chance(0.9)) {
                map.put(g.frequency(w(9, () -> g.caseVariant(SIG)), w(1, () -> g.pick(SIG.replace('i', '\u0131'),
                        SIG + " ", SIG.replace("-", "_"), "\ufeff" + SIG, "Verticalinsure-Signature "))),
                        signatureValue(g));
            }
            for (int i = g.frequency(w(6, () -> 0), w(3, () -> 1), w(1, () -> g.between(2, 5))); i > 0; i--) {
                String name = g.frequency(w(3, () -> g.pick(OTHER_NAMES)), w(3, () -> g.string(20)),
                        w(1, () -> g.caseVariant(SIG)), w(1, () -> ""), w(1, () -> null));
                map.put(name, g.chance(0.05) ? null : signatureValue(g));
            }
            String reason = rejection(verifier, g.body(), g.headers(map), map);
            reasons.merge(reason, 1, Integer::sum);
        });
        if (tries >= 500) {
            for (String reason : REASONS) {
                int minimum = reason.equals("signature mismatch") ? tries / 5 : tries / 50;
                assertTrue(reasons.getOrDefault(reason, 0) >= minimum, "too few '" + reason + "': " + reasons);
            }
        }
    }

    @Test
    void signaturesMadeWithADifferentKeyNeverVerify() {
        forAll(1000, g -> {
            List<String> configured = keys(g);
            String other = g.secretOtherThan(configured);
            byte[] body = g.body();
            Map<String, String> map = Map.of(g.caseVariant(SIG), g.caseVariant(VerticalInsureSigner
                    .sign(other, body)));
            assertEquals("signature mismatch", rejection(new VerticalInsureSignatureVerifier(configured), body,
                    g.headers(map), map));
        });
    }

    @Test
    void aSignatureOverOneBodyNeverVerifiesAnother() {
        forAll(1000, g -> {
            List<String> keys = keys(g);
            byte[] signed = g.body();
            byte[] delivered = g.bodyOtherThan(signed);
            Map<String, String> map = Map.of(g.caseVariant(SIG), g.caseVariant(VerticalInsureSigner
                    .sign(g.pick(keys), signed)));
            assertEquals("signature mismatch", rejection(new VerticalInsureSignatureVerifier(keys), delivered,
                    g.headers(map), map), "signed " + show(signed));
        });
    }

    /** Positive control, and the letter case of the hex never matters (Java sample: lower, Python: upper). */
    @Test
    void theRightSignatureVerifiesInUpperLowerAndMixedCase() {
        forAll(1000, g -> {
            List<String> keys = keys(g);
            byte[] body = g.body();
            String lower = VerticalInsureSigner.sign(g.pick(keys), body);
            String value = g.pick(lower, lower.toUpperCase(Locale.ROOT), g.caseVariant(lower));
            Map<String, String> map = new HashMap<>();
            map.put(g.caseVariant(SIG), value);
            for (int i = g.between(0, 2); i > 0; i--) {
                map.put(g.pick(OTHER_NAMES), g.string(30));
            }
            try {
                new VerticalInsureSignatureVerifier(keys).verify(body, g.headers(map));
            } catch (Throwable e) {
                throw new AssertionError("authentic request rejected (" + e + "): headers " + show(map) + ", body "
                        + show(body), e);
            }
        });
    }

    // ---------------------------------------------------------------------------------------------------------

    static String rejection(VerticalInsureSignatureVerifier verifier, byte[] body, Headers headers,
            Map<String, String> map) {
        return Rejections.reason(verifier::verify, REASONS, body, headers, map);
    }

    /** 1..3 distinct keys. */
    static List<String> keys(Gen g) {
        List<String> keys = new ArrayList<>();
        for (int i = g.between(1, 3); i > 0; i--) {
            keys.add(g.secretOtherThan(keys));
        }
        return keys;
    }

    /** Any VerticalInsure-Signature value: right-length hex in any case, another key's, wrong length, junk. */
    static String signatureValue(Gen g) {
        return g.frequency(
                w(25, () -> g.randomHex(32)),
                w(15, () -> g.caseVariant(VerticalInsureSigner.sign(g.secret(), g.body()))),
                w(10, () -> g.randomHex(g.pick(g.between(0, 31), g.between(33, 80)))),
                w(3, () -> g.randomHex(32).substring(1)),
                w(3, () -> g.randomHex(32) + g.pick("0", "a", " 0", "\u0000")),
                w(5, () -> {
                    String hex = g.randomHex(32);
                    int at = g.between(0, 63);
                    return hex.substring(0, at) + g.pick('g', 'G', 'x', ' ', '-', '\uff10', '\u0661', '\u00e9',
                            '\u0000') + hex.substring(at + 1);
                }),
                w(5, () -> g.pick("sha256=", "v1=", "0x", "SHA256 ") + g.randomHex(32)),
                w(5, () -> g.pick(" ", "\t", "\u00a0", "\u3000") + g.randomHex(32) + g.pick("", " ", "\t")),
                w(3, () -> g.randomHex(32) + "," + g.randomHex(32)),
                w(3, () -> g.randomBase64(32)),
                w(10, () -> g.string(80)),
                w(5, () -> g.pick("", " ", "\t", "\r\n")),
                w(3, () -> g.frequency(w(1, () -> g.randomHex(g.between(1000, 5000))),
                        w(1, () -> g.string(20000)))));
    }

    static String randomHex(int bytes) {
        byte[] b = new byte[bytes];
        new SecureRandom().nextBytes(b);
        return HexFormat.of().formatHex(b);
    }
}
