package io.policywebhooks.ten99policy;

import static io.policywebhooks.webhook.Gen.w;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.policywebhooks.provider.Headers;
import io.policywebhooks.provider.InvalidSignatureException;
import io.policywebhooks.provider.Rejections;
import io.policywebhooks.ten99policy.ConvoySignatureVerifier.Encoding;
import io.policywebhooks.ten99policy.ConvoySignatureVerifier.Hash;
import io.policywebhooks.webhook.Gen;

/**
 * What the {@link ConvoySignatureVerifier} properties share: a fixed clock, the header names, the fixed rejection
 * reasons, signed requests in the three forms, and the check that a request is rejected only as it may be.
 */
final class ConvoyRequests {
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


    enum Form {
        DOCUMENTED, ADVANCED, SIMPLE
    }

    private ConvoyRequests() {
    }

    /**
     * Verifies and returns the rejection reason; fails if the request verified or anything other than {@link
     * InvalidSignatureException} (with one of the fixed reasons) came out.
     */
    static String rejection(ConvoySignatureVerifier verifier, byte[] body, Headers headers, Map<String, String> map) {
        return Rejections.reason(verifier::verify, REASONS, body, headers, map);
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
                    // never first: see ConvoySignatureVerifierPropertyAuthenticTest
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

    static byte[] concat(byte[] a, byte[] b) {
        byte[] c = new byte[a.length + b.length];
        System.arraycopy(a, 0, c, 0, a.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }
}
