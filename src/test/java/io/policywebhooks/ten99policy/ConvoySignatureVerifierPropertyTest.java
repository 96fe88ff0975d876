package io.policywebhooks.ten99policy;

import static io.policywebhooks.ten99policy.ConvoyRequests.CLOCK;
import static io.policywebhooks.ten99policy.ConvoyRequests.NOW;
import static io.policywebhooks.ten99policy.ConvoyRequests.REASONS;
import static io.policywebhooks.ten99policy.ConvoyRequests.SIG;
import static io.policywebhooks.ten99policy.ConvoyRequests.TOLERANCE;
import static io.policywebhooks.ten99policy.ConvoyRequests.TS;
import static io.policywebhooks.ten99policy.ConvoyRequests.rejection;
import static io.policywebhooks.ten99policy.ConvoyRequests.secrets;
import static io.policywebhooks.ten99policy.ConvoyRequests.signedHeaders;
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
import java.util.Map;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;

import io.policywebhooks.ten99policy.ConvoyRequests.Form;
import io.policywebhooks.provider.Headers;
import io.policywebhooks.ten99policy.ConvoySignatureVerifier.Encoding;
import io.policywebhooks.ten99policy.ConvoySignatureVerifier.Hash;

/**
 * Properties of {@link ConvoySignatureVerifier} over random headers and bodies (see {@link
 * io.policywebhooks.webhook.PropertyCheck}) without the secret: nothing verifies, and nothing but {@link
 * io.policywebhooks.provider.InvalidSignatureException} is ever thrown. Time is a fixed clock.
 */
class ConvoySignatureVerifierPropertyTest {
    /** The verifier's secrets in the first property: drawn here, never seen by any generator. */
    static final List<String> UNKNOWN_SECRETS = List.of(
            "whsec_" + randomHex(24),
            randomHex(16));

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
            Map<String, String> map = ConvoyRandomHeaders.randomHeaderMap(g);
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

    static String randomHex(int bytes) {
        byte[] b = new byte[bytes];
        new SecureRandom().nextBytes(b);
        return HexFormat.of().formatHex(b);
    }
}
