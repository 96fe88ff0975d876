package io.policywebhooks.provider;

import static io.policywebhooks.webhook.Gen.show;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Set;

/** The rejection check the providers' signature properties share. */
public final class Rejections {
    private Rejections() {
    }

    /**
     * Verifies and returns the rejection reason; fails if the request verified or anything other than {@link
     * InvalidSignatureException} with one of {@code reasons} came out. {@code map} is the headers as drawn, for the
     * failure message.
     */
    public static String reason(WebhookProvider.Verifier verifier, Set<String> reasons, byte[] body, Headers headers,
            Map<String, String> map) {
        try {
            verifier.verify(body, headers);
        } catch (InvalidSignatureException e) {
            assertTrue(reasons.contains(e.getMessage()), "unexpected reason " + show(e.getMessage()));
            return e.getMessage();
        } catch (Throwable e) {
            throw new AssertionError("threw " + e + " instead of InvalidSignatureException: headers " + show(map)
                    + ", body " + show(body), e);
        }
        throw new AssertionError("verified: headers " + show(map) + ", body " + show(body));
    }
}
