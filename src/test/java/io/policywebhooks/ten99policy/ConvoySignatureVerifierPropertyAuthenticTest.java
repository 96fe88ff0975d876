package io.policywebhooks.ten99policy;

import static io.policywebhooks.ten99policy.ConvoyRequests.CLOCK;
import static io.policywebhooks.ten99policy.ConvoyRequests.NOW;
import static io.policywebhooks.ten99policy.ConvoyRequests.OTHER_NAMES;
import static io.policywebhooks.ten99policy.ConvoyRequests.SIG;
import static io.policywebhooks.ten99policy.ConvoyRequests.TOLERANCE;
import static io.policywebhooks.ten99policy.ConvoyRequests.concat;
import static io.policywebhooks.ten99policy.ConvoyRequests.secrets;
import static io.policywebhooks.ten99policy.ConvoyRequests.signedHeaders;
import static io.policywebhooks.webhook.Gen.show;
import static io.policywebhooks.webhook.Gen.w;
import static io.policywebhooks.webhook.PropertyCheck.forAll;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;

import io.policywebhooks.ten99policy.ConvoyRequests.Form;
import io.policywebhooks.provider.Headers;
import io.policywebhooks.provider.InvalidSignatureException;
import io.policywebhooks.ten99policy.ConvoySignatureVerifier.Encoding;
import io.policywebhooks.ten99policy.ConvoySignatureVerifier.Hash;

/**
 * The positive control of the {@link ConvoySignatureVerifier} properties: with the secret, every form, hash,
 * encoding and body verifies (so the properties without the secret would fail against a verifier that rejects
 * everything), an advanced header that starts with another scheme included. Time is a fixed clock.
 */
class ConvoySignatureVerifierPropertyAuthenticTest {
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
                // refused on purpose in the simple form (ConvoySignatureVerifierPropertyRefusalTest); JSON never is
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
}
