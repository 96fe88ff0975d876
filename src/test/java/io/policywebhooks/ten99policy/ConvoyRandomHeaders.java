package io.policywebhooks.ten99policy;

import static io.policywebhooks.ten99policy.ConvoyRequests.NOW;
import static io.policywebhooks.ten99policy.ConvoyRequests.OTHER_NAMES;
import static io.policywebhooks.ten99policy.ConvoyRequests.SIG;
import static io.policywebhooks.ten99policy.ConvoyRequests.TOLERANCE;
import static io.policywebhooks.ten99policy.ConvoyRequests.TS;
import static io.policywebhooks.webhook.Gen.w;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.policywebhooks.ten99policy.ConvoySignatureVerifier.Encoding;
import io.policywebhooks.ten99policy.ConvoySignatureVerifier.Hash;
import io.policywebhooks.webhook.Gen;

/**
 * Random Convoy headers that no secret the verifier knows signed: signature and timestamp values in every form,
 * well-formed or not, under the real names, names in other cases and lookalike names.
 */
final class ConvoyRandomHeaders {
    private ConvoyRandomHeaders() {
    }

    static Map<String, String> randomHeaderMap(Gen g) {
        Map<String, String> map = new HashMap<>();
        if (g.chance(0.85)) {
            map.put(g.frequency(w(9, () -> g.caseVariant(SIG)), w(1, () -> lookalike(g, SIG))), signatureValue(g));
        }
        if (g.chance(0.5)) {
            map.put(g.frequency(w(9, () -> g.caseVariant(TS)), w(1, () -> lookalike(g, TS))), g.frequency(
                    w(8, () -> timestamp(g)), w(2, () -> signatureValue(g))));
        }
        for (int i = g.frequency(w(6, () -> 0), w(3, () -> 1), w(1, () -> g.between(2, 5))); i > 0; i--) {
            String name = g.frequency(w(3, () -> g.pick(OTHER_NAMES)), w(3, () -> g.string(20)),
                    w(2, () -> g.caseVariant(g.pick(SIG, TS))), w(1, () -> ""), w(1, () -> null),
                    w(1, () -> g.pick("X-Convoy-Signature ", " Convoy-Timestamp", "Convoy-Signature",
                            "X-Convoy-Timestamp", "X-Convoy-Signature-V2", "X-Convoy-Signature\u0000")));
            map.put(name, g.chance(0.05) ? null : g.frequency(w(1, () -> timestamp(g)), w(2, () -> signatureValue(g))));
        }
        return map;
    }

    /** A name that {@link String#CASE_INSENSITIVE_ORDER} may or may not equate with the real one. */
    static String lookalike(Gen g, String name) {
        return g.pick(name.replace('i', '\u0131'), name.replace('I', '\u0130'), name.replace('S', '\u017f'),
                name.replace("-", "_"), name + " ", "\ufeff" + name, name.replace('o', '\u043e'));
    }

    /** Any X-Convoy-Signature value: all three forms, well-formed or not, long, empty, unicode. */
    static String signatureValue(Gen g) {
        long t = NOW + g.between(-TOLERANCE, TOLERANCE);
        byte[] someBody = g.body();
        return g.frequency(
                w(25, () -> advancedLike(g, g.between(1, 8))),
                w(15, () -> "t=" + t + g.pick(",", ", ") + joinV1(g, g.between(1, 16), t, someBody)),
                w(20, () -> signatureLike(g, t, someBody)),
                w(10, () -> g.string(60)),
                w(5, () -> g.pick("", " ", "\t", " , ", ",", "=", "t=", "v1=", "t=,v1=", "v1=,t=")),
                w(5, () -> g.frequency(w(1, () -> advancedLike(g, g.between(40, 120))),
                        w(1, () -> g.randomHex(g.between(2040, 2060))), w(1, () -> g.string(9000)),
                        w(1, () -> ("t=" + t + ",v1=" + g.randomHex(64)) + " ".repeat(g.between(3900, 4000))))),
                w(5, () -> "t=" + t + "," + joinV1(g, g.between(17, 40), t, someBody)),
                w(3, () -> advancedLike(g, g.between(100, 600))));
    }

    static String joinV1(Gen g, int count, long t, byte[] body) {
        List<String> v1 = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            v1.add("v1=" + (count > 16 ? g.randomHex(g.between(1, 4)) : signatureLike(g, t, body)));
        }
        return String.join(g.pick(",", ", "), v1);
    }

    /** Elements of the advanced form, well-formed or not, joined with commas. */
    static String advancedLike(Gen g, int count) {
        long t = NOW + g.between(-TOLERANCE, TOLERANCE);
        byte[] someBody = g.body();
        List<String> elements = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            elements.add(g.frequency(
                    w(25, () -> "t=" + timestamp(g)),
                    w(40, () -> "v1=" + signatureLike(g, t, someBody)),
                    w(5, () -> "v0=" + signatureLike(g, t, someBody)),
                    w(5, () -> g.pick("T=", "V1=", "t =", " t= ", "v1 =", "v2=", "t:") + g.string(12)),
                    w(10, () -> g.string(20)),
                    w(5, () -> ""),
                    w(5, () -> g.pick("t=", "v1=", "t=t=", "v1=v1="))));
        }
        String joined = String.join(g.pick(",", ", ", " ,", ",,"), elements);
        return g.frequency(w(8, () -> joined), w(1, () -> "," + joined), w(1, () -> g.string(8) + joined));
    }

    /** A signature-shaped value that is not the unknown secret's: random bytes, another secret's, junk. */
    static String signatureLike(Gen g, long t, byte[] body) {
        return g.frequency(
                w(20, () -> g.randomHex(g.pick(32, 64))),
                w(15, () -> g.randomBase64(g.pick(32, 64))),
                w(15, () -> Ten99PolicySigner.signWithTimestamp(g.secret(), t, body, g.pick(Hash.class),
                        g.pick(Encoding.class))),
                w(10, () -> Ten99PolicySigner.signSimple(g.secret(), body, g.pick(Hash.class),
                        g.pick(Encoding.class))),
                w(10, () -> g.randomHex(g.between(0, 80))),
                w(5, () -> g.randomBase64(g.between(0, 80))),
                w(5, () -> g.pick("sha512=", "sha256=", "0x", " ", "\u00a0") + g.randomHex(g.pick(32, 64))),
                w(5, () -> g.randomHex(64).replace('a', '\uff41')),
                w(10, () -> g.string(40)),
                w(5, () -> ""));
    }

    /** A Convoy timestamp, good or bad: in and out of tolerance, negative, huge, not a number, unicode digits. */
    static String timestamp(Gen g) {
        return g.frequency(
                w(30, () -> Long.toString(NOW + g.between(-TOLERANCE, TOLERANCE))),
                w(10, () -> Long.toString(NOW + g.pick(-1, 1) * (TOLERANCE + g.between(1L, 100_000_000L)))),
                w(5, () -> Long.toString(g.between(0L, 99_999_999_999L))),
                w(5, () -> "-" + g.digits(1, 12)),
                w(5, () -> g.digits(12, 40)),
                w(10, () -> g.pick("Infinity", "-Infinity", "+Infinity", "NaN", "-0", "1e9", "1.7e9", "0x" + Long
                        .toHexString(NOW), NOW + ".0", "+" + NOW, NOW + "L", NOW + "\u0000", "0" + NOW, "000" + NOW,
                        Long.toString(Long.MAX_VALUE), Long.toString(Long.MIN_VALUE), "99999999999", "0",
                        "١٧١٧١٧١٧١٧", "\uff11\uff17\uff11\uff17\uff11\uff17\uff11\uff17\uff11\uff17")),
                w(5, () -> g.pick(" ", "\t", "\u00a0") + NOW + g.pick("", " ", "\t")),
                w(5, () -> g.pick("", " ")),
                w(10, () -> g.string(15)));
    }
}
