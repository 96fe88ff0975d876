package io.policywebhooks.ten99policy;

import static io.policywebhooks.ten99policy.ConvoyRequests.CLOCK;
import static io.policywebhooks.ten99policy.ConvoyRequests.NOW;
import static io.policywebhooks.ten99policy.ConvoyRequests.SIG;
import static io.policywebhooks.ten99policy.ConvoyRequests.TOLERANCE;
import static io.policywebhooks.ten99policy.ConvoyRequests.concat;
import static io.policywebhooks.ten99policy.ConvoyRequests.rejection;
import static io.policywebhooks.webhook.Gen.w;
import static io.policywebhooks.webhook.PropertyCheck.forAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;

import io.policywebhooks.ten99policy.ConvoySignatureVerifier.Encoding;
import io.policywebhooks.ten99policy.ConvoySignatureVerifier.Hash;

/**
 * Properties of {@link ConvoySignatureVerifier} on what it refuses even when a right signature is present:
 * hundreds of v1 entries, and a captured timestamped signature replayed in the simple form. Time is a fixed clock.
 */
class ConvoySignatureVerifierPropertyRefusalTest {
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
}
