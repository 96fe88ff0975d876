package io.policywebhooks.ten99policy;

import static io.policywebhooks.webhook.Gen.show;
import static io.policywebhooks.webhook.Gen.w;
import static io.policywebhooks.webhook.PropertyCheck.forAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;

import io.policywebhooks.ten99policy.ConvoySignatureVerifier.Encoding;
import io.policywebhooks.ten99policy.ConvoySignatureVerifier.Hash;
import io.policywebhooks.webhook.Gen;
import io.policywebhooks.provider.Headers;
import io.policywebhooks.provider.InvalidSignatureException;

/**
 * Properties of {@link ConvoySignatureVerifier} over random headers and bodies (see {@link
 * io.policywebhooks.webhook.PropertyCheck}): nothing verifies without the secret, nothing but {@link
 * InvalidSignatureException} is ever thrown, and every authentic signature in any of the three forms verifies.
 * Time is a fixed clock.
 */
class ConvoySignatureVerifierPropertyTest {
    static final long NOW = 1_717_171_717L;
    static final long TOLERANCE = 300;
    static final Clock CLOCK = Clock.fixed(Instant.ofEpochSecond(NOW), ZoneOffset.UTC);
    static final String SIG = ConvoySignatureVerifier.SIGNATURE_HEADER;
    static final String TS = ConvoySignatureVerifier.TIMESTAMP_HEADER;
    static final Set<String> REASONS = Set.of("missing signature", "malformed signature", "too many signatures",
            "missing timestamp", "invalid timestamp", "timestamp outside tolerance", "signature mismatch");
    /** Headers a sender might add that are not the verifier's. */
    static final List<String> OTHER_NAMES = List.of("Content-Type", "User-Agent", "X-Request-Id", "Accept",
            "VerticalInsure-Signature", "X-Convoy-Idempotency-Key", "X-Forwarded-For");

    /** The verifier's secrets in the first property: drawn here, never seen by any generator. */
    static final List<String> UNKNOWN_SECRETS = List.of(
            "whsec_" + randomHex(24),
            randomHex(16));

    enum Form {
        DOCUMENTED, ADVANCED, SIMPLE
    }

    // ---------------------------------------------------------------------------------------------------------
    // Without the secret: nothing verifies, and the only failure is InvalidSignatureException.
    // ---------------------------------------------------------------------------------------------------------

    @Test
    void arbitraryHeadersAndBodiesNeverVerifyWithoutTheSecretAndOnlyThrowInvalidSignature() {
        Map<String, Integer> reasons = new TreeMap<>();
        List<ConvoySignatureVerifier> verifiers = new ArrayList<>();
        for (Hash hash : Hash.values()) {
            for (Encoding encoding : Encoding.values()) {
                verifiers.add(new ConvoySignatureVerifier(UNKNOWN_SECRETS, hash, encoding, TOLERANCE, CLOCK));
            }
        }
        int tries = forAll(1000, g -> {
            Map<String, String> map = randomHeaderMap(g);
            Headers headers = g.headers(map);
            byte[] body = g.body();
            for (ConvoySignatureVerifier verifier : verifiers) {
                String reason = rejection(verifier, body, headers, map);
                reasons.merge(reason, 1, Integer::sum);
            }
        });
        if (tries >= 500) {
            // the generators reach every branch of the parser, the HMAC comparison most of all
            int total = reasons.values().stream().mapToInt(Integer::intValue).sum();
            for (String reason : REASONS) {
                int minimum = reason.equals("signature mismatch") ? total / 10 : total / 200;
                assertTrue(reasons.getOrDefault(reason, 0) >= minimum, "too few '" + reason + "': " + reasons);
            }
        }
    }

    @Test
    void signaturesMadeWithADifferentSecretNeverVerify() {
        forAll(1000, g -> {
            List<String> configured = secrets(g, List.of());
            List<String> others = new ArrayList<>();
            for (int i = g.between(1, 3); i > 0; i--) {
                others.add(g.secretOtherThan(configured));
            }
            Hash hash = g.pick(Hash.class);
            Encoding encoding = g.pick(Encoding.class);
            long t = NOW + g.between(-TOLERANCE, TOLERANCE);
            byte[] body = g.body();
            Form form = g.pick(Form.class);
            Map<String, String> map = new HashMap<>();
            switch (form) {
                case DOCUMENTED -> {
                    map.put(g.caseVariant(TS), Long.toString(t));
                    map.put(g.caseVariant(SIG), Ten99PolicySigner.signWithTimestamp(g.pick(others), t, body,
                            hash, encoding));
                }
                case ADVANCED -> map.put(g.caseVariant(SIG),
                        Ten99PolicySigner.signAdvanced(others, t, body, hash, encoding));
                case SIMPLE -> map.put(g.caseVariant(SIG),
                        Ten99PolicySigner.signSimple(g.pick(others), body, hash, encoding));
            }
            ConvoySignatureVerifier verifier = new ConvoySignatureVerifier(configured, hash, encoding, TOLERANCE,
                    CLOCK);
            assertEquals("signature mismatch", rejection(verifier, body, g.headers(map), map), form.name());
        });
    }

    @Test
    void aSignatureOverOneBodyNeverVerifiesAnother() {
        forAll(1000, g -> {
            List<String> secrets = secrets(g, List.of());
            String secret = g.pick(secrets);
            Hash hash = g.pick(Hash.class);
            Encoding encoding = g.pick(Encoding.class);
            long t = NOW + g.between(-TOLERANCE, TOLERANCE);
            byte[] signed = g.body();
            byte[] delivered = g.bodyOtherThan(signed);
            Form form = g.pick(Form.class);
            Map<String, String> map = signedHeaders(g, form, secret, t, signed, hash, encoding);
            ConvoySignatureVerifier verifier = new ConvoySignatureVerifier(secrets, hash, encoding, TOLERANCE, CLOCK);
            assertEquals("signature mismatch", rejection(verifier, delivered, g.headers(map), map),
                    form + " signed " + show(signed) + " headers " + show(map));
        });
    }

    @Test
    void theSignedTimestampCannotBeChanged() {
        forAll(1000, g -> {
            String secret = g.secret();
            Hash hash = g.pick(Hash.class);
            Encoding encoding = g.pick(Encoding.class);
            long signedAt = NOW + g.between(-TOLERANCE, TOLERANCE);
            long claimed = signedAt;
            while (claimed == signedAt) {
                claimed = NOW + g.between(-TOLERANCE, TOLERANCE);
            }
            byte[] body = g.body();
            String sig = Ten99PolicySigner.signWithTimestamp(secret, signedAt, body, hash, encoding);
            Map<String, String> map = new HashMap<>();
            if (g.chance(0.5)) {
                map.put(g.caseVariant(TS), Long.toString(claimed));
                map.put(g.caseVariant(SIG), sig);
            } else {
                map.put(g.caseVariant(SIG), "t=" + claimed + ",v1=" + sig);
            }
            ConvoySignatureVerifier verifier = new ConvoySignatureVerifier(List.of(secret), hash, encoding, TOLERANCE,
                    CLOCK);
            assertEquals("signature mismatch", rejection(verifier, body, g.headers(map), map));
        });
    }

    @Test
    void authenticSignaturesOutsideTheToleranceNeverVerify() {
        forAll(1000, g -> {
            String secret = g.secret();
            Hash hash = g.pick(Hash.class);
            Encoding encoding = g.pick(Encoding.class);
            long tolerance = g.between(0, 3600);
            long distance = tolerance + g.frequency(w(3, () -> 1L), w(3, () -> g.between(2L, 600L)),
                    w(2, () -> g.between(601L, 10L * 365 * 86400)));
            long t = g.chance(0.5) || NOW - distance < 0 ? NOW + distance : NOW - distance;
            byte[] body = g.body();
            Map<String, String> map = signedHeaders(g, g.pick(Form.DOCUMENTED, Form.ADVANCED), secret, t, body, hash,
                    encoding);
            ConvoySignatureVerifier verifier = new ConvoySignatureVerifier(List.of(secret), hash, encoding, tolerance,
                    CLOCK);
            assertEquals("timestamp outside tolerance", rejection(verifier, body, g.headers(map), map),
                    "t=" + t + " tolerance=" + tolerance + " headers " + show(map));
        });
    }

    // ---------------------------------------------------------------------------------------------------------
    // Positive control: with the secret, every form, hash, encoding and body verifies (so the properties above
    // would fail against a verifier that rejects everything).
    // ---------------------------------------------------------------------------------------------------------

    @Test
    void authenticSignaturesAlwaysVerify() {
        Map<Form, Integer> forms = new TreeMap<>();
        int tries = forAll(1000, g -> {
            List<String> secrets = secrets(g, List.of());
            String secret = g.pick(secrets);
            Hash hash = g.pick(Hash.class);
            Encoding encoding = g.pick(Encoding.class);
            long tolerance = g.frequency(w(1, () -> 0L), w(1, () -> 1L), w(6, () -> TOLERANCE),
                    w(2, () -> g.between(0L, 3600L)));
            long t = NOW + g.frequency(w(1, () -> -tolerance), w(1, () -> tolerance),
                    w(6, () -> g.between(-tolerance, tolerance)));
            Form form = g.pick(Form.class);
            byte[] body = g.body();
            if (form == Form.SIMPLE && ConvoySignatureVerifier.looksTimestamped(body)) {
                // refused on purpose in the simple form (see the cross-form replay property below); JSON never is
                body = concat(new byte[] {'{'}, body);
            }
            forms.merge(form, 1, Integer::sum);
            Map<String, String> map = signedHeaders(g, form, secret, t, body, hash, encoding);
            for (int i = g.between(0, 2); i > 0; i--) {
                map.put(g.pick(OTHER_NAMES), g.string(30));
            }
            ConvoySignatureVerifier verifier = new ConvoySignatureVerifier(secrets, hash, encoding, tolerance, CLOCK);
            Headers headers = g.headers(map);
            try {
                verifier.verify(body, headers);
            } catch (Throwable e) {
                throw new AssertionError("authentic " + form + " " + hash + "/" + encoding + " request rejected ("
                        + e + "): headers " + show(map) + ", body " + show(body), e);
            }
        });
        if (tries >= 500) {
            assertEquals(Form.values().length, forms.size(), forms.toString());
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Bounded work: hundreds of v1 entries are refused before any of them is checked.
    // ---------------------------------------------------------------------------------------------------------

    @Test
    void hundredsOfSignaturesAreRefusedEvenWhenOneIsRight() {
        Map<String, Integer> reasons = new TreeMap<>();
        int tries = forAll(300, g -> {
            String secret = g.secret();
            Hash hash = g.pick(Hash.class);
            Encoding encoding = g.pick(Encoding.class);
            byte[] body = g.body();
            String good = Ten99PolicySigner.signWithTimestamp(secret, NOW, body, hash, encoding);
            List<String> elements = new ArrayList<>();
            for (int i = g.between(ConvoySignatureVerifier.MAX_SIGNATURES + 1, 800); i > 0; i--) {
                elements.add("v1=" + g.frequency(w(3, () -> "00"), w(2, () -> g.randomHex(g.between(1, 8))),
                        w(1, () -> good), w(1, () -> g.string(6).replace(",", ""))));
            }
            g.insertAnywhere(elements, "v1=" + good);
            g.insertAnywhere(elements, "t=" + NOW);
            Map<String, String> map = Map.of(g.caseVariant(SIG), String.join(g.pick(",", ", "), elements));
            ConvoySignatureVerifier verifier = new ConvoySignatureVerifier(List.of(secret), hash, encoding, TOLERANCE,
                    CLOCK);
            String reason = rejection(verifier, body, g.headers(map), map);
            assertTrue(reason.equals("too many signatures") || reason.equals("malformed signature"), reason);
            reasons.merge(reason, 1, Integer::sum);
        });
        if (tries >= 100) {
            assertEquals(2, reasons.size(), "both refusals are reached: " + reasons);
        }
    }

    // The three forms share one key, and the simple form signs the raw body alone, so the timestamped signature of
    // (t, body) is also the simple-form signature of the body "t,body": the verifier refuses such bodies.

    @Test
    void aCapturedTimestampedSignatureCannotBeReplayedInTheSimpleForm() {
        forAll(300, g -> {
            String secret = g.secret();
            Hash hash = g.pick(Hash.class);
            Encoding encoding = g.pick(Encoding.class);
            long t = NOW - g.between(3600L, 10L * 365 * 86400); // captured long ago, far outside the tolerance
            byte[] captured = g.body();
            String sig = Ten99PolicySigner.signWithTimestamp(secret, t, captured, hash, encoding);
            byte[] prefix = (t + ",").getBytes(StandardCharsets.US_ASCII);
            byte[] replayed = g.chance(0.5) ? concat(prefix, captured) : g.bodyOtherThan(captured);
            Map<String, String> map = Map.of(SIG, sig);
            ConvoySignatureVerifier verifier = new ConvoySignatureVerifier(List.of(secret), hash, encoding, TOLERANCE,
                    CLOCK);
            rejection(verifier, replayed, g.headers(map), map);
        });
    }

    @Test
    void anAdvancedHeaderMayStartWithAnotherScheme() {
        forAll(100, g -> {
            String secret = g.secret();
            Hash hash = g.pick(Hash.class);
            Encoding encoding = g.pick(Encoding.class);
            byte[] body = g.body();
            List<String> elements = new ArrayList<>(List.of("t=" + NOW,
                    "v1=" + Ten99PolicySigner.signWithTimestamp(secret, NOW, body, hash, encoding)));
            if (g.chance(0.5)) {
                Collections.reverse(elements);
            }
            elements.add(0, "v0=" + g.randomHex(g.between(0, 32)));
            Map<String, String> map = Map.of(SIG, String.join(", ", elements));
            try {
                new ConvoySignatureVerifier(List.of(secret), hash, encoding, TOLERANCE, CLOCK).verify(body,
                        g.headers(map));
            } catch (InvalidSignatureException e) {
                throw new AssertionError("authentic request rejected (" + e.getMessage() + "): " + show(map), e);
            }
        });
    }

    // ---------------------------------------------------------------------------------------------------------

    /**
     * Verifies and returns the rejection reason; fails if the request verified or anything other than {@link
     * InvalidSignatureException} (with one of the fixed reasons) came out.
     */
    static String rejection(ConvoySignatureVerifier verifier, byte[] body, Headers headers, Map<String, String> map) {
        try {
            verifier.verify(body, headers);
        } catch (InvalidSignatureException e) {
            assertTrue(REASONS.contains(e.getMessage()), "unexpected reason " + show(e.getMessage()));
            return e.getMessage();
        } catch (Throwable e) {
            throw new AssertionError("threw " + e + " instead of InvalidSignatureException: headers " + show(map)
                    + ", body " + show(body), e);
        }
        throw new AssertionError("verified: headers " + show(map) + ", body " + show(body));
    }

    /** 1..3 distinct secrets. */
    static List<String> secrets(Gen g, List<String> avoid) {
        List<String> secrets = new ArrayList<>();
        for (int i = g.between(1, 3); i > 0; i--) {
            List<String> taken = new ArrayList<>(avoid);
            taken.addAll(secrets);
            secrets.add(g.secretOtherThan(taken));
        }
        return secrets;
    }

    /**
     * Headers as a Convoy sender produces them for {@code form}, names in any case; the advanced form puts the good
     * {@code v1} anywhere among up to {@code MAX_SIGNATURES - 1} random ones, {@code t} anywhere, with or without
     * spaces after the commas and ignored {@code v0} elements (not first).
     */
    static Map<String, String> signedHeaders(Gen g, Form form, String secret, long t, byte[] body, Hash hash,
            Encoding encoding) {
        Map<String, String> map = new HashMap<>();
        switch (form) {
            case DOCUMENTED -> {
                map.put(g.caseVariant(TS), Long.toString(t));
                map.put(g.caseVariant(SIG), Ten99PolicySigner.signWithTimestamp(secret, t, body, hash, encoding));
            }
            case ADVANCED -> {
                List<String> elements = new ArrayList<>();
                for (int i = g.between(0, ConvoySignatureVerifier.MAX_SIGNATURES - 1); i > 0; i--) {
                    elements.add("v1=" + decoy(g, t, body));
                }
                g.insertAnywhere(elements, "v1=" + Ten99PolicySigner.signWithTimestamp(secret, t, body, hash,
                        encoding));
                g.insertAnywhere(elements, "t=" + t);
                for (int i = g.frequency(w(8, () -> 0), w(2, () -> g.between(1, 2))); i > 0; i--) {
                    // never first: see anAdvancedHeaderMayStartWithAnotherScheme
                    elements.add(g.between(1, elements.size()), "v0=" + g.randomHex(g.between(0, 32)));
                }
                map.put(g.caseVariant(SIG), String.join(g.pick(",", ", "), elements));
            }
            case SIMPLE -> map.put(g.caseVariant(SIG),
                    Ten99PolicySigner.signSimple(secret, body, hash, encoding));
        }
        return map;
    }

    /** A v1 value that is not the right signature: right shape, other secret, junk (never a comma). */
    static String decoy(Gen g, long t, byte[] body) {
        return g.frequency(
                w(3, () -> g.randomHex(g.pick(32, 64))),
                w(3, () -> g.randomBase64(g.pick(32, 64)).replace("\r\n", "")),
                w(3, () -> Ten99PolicySigner.signWithTimestamp(g.secret(), t, body, g.pick(Hash.class),
                        g.pick(Encoding.class))),
                w(1, () -> g.string(40).replace(",", "")),
                w(1, () -> ""));
    }

    // ---- random headers ----

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

    static byte[] concat(byte[] a, byte[] b) {
        byte[] c = new byte[a.length + b.length];
        System.arraycopy(a, 0, c, 0, a.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }

    static String randomHex(int bytes) {
        byte[] b = new byte[bytes];
        new SecureRandom().nextBytes(b);
        return HexFormat.of().formatHex(b);
    }
}
