package io.policywebhooks.standardwebhooks;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.UUID;

import io.policywebhooks.Signers;
import io.policywebhooks.WebhookSigner;

/** Signs as a Standard Webhooks sender; option {@code id} sets {@code webhook-id} (default: a new one each time). */
public final class StandardWebhooksSigner implements WebhookSigner {
    @Override
    public Map<String, String> headers(String secret, byte[] body, long nowSeconds, Map<String, String> options) {
        String id = options.getOrDefault("id", "msg_" + UUID.randomUUID());
        byte[] mac = Signers.hmac("HmacSHA256", secret, (id + "." + nowSeconds + ".").getBytes(StandardCharsets.UTF_8),
                body);
        return Map.of(StandardWebhooksVerifier.ID_HEADER, id,
                StandardWebhooksVerifier.TIMESTAMP_HEADER, Long.toString(nowSeconds),
                StandardWebhooksVerifier.SIGNATURE_HEADER, "v1," + Base64.getEncoder().encodeToString(mac));
    }
}
