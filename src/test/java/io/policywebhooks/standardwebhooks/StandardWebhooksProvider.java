package io.policywebhooks.standardwebhooks;

import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

import io.policywebhooks.provider.Delivery;
import io.policywebhooks.provider.Headers;
import io.policywebhooks.provider.WebhookProvider;

/**
 * A provider that exists only in the tests: it proves that a provider is one package (this one, its samples under
 * samples/standard-webhooks/, its line in META-INF/services and, for a real one, its block in template.yaml), found
 * by the shared code and tests without being listed anywhere else.
 */
public final class StandardWebhooksProvider implements WebhookProvider {
    public static final String SECRETS_VARIABLE = "STANDARD_WEBHOOKS_SECRETS";
    public static final String LOCAL_SECRET = "local-standard-webhooks-secret";
    /** Standard Webhooks' message id header, kept like Convoy's delivery ids. */
    static final String MESSAGE_ID = "webhook_message_id";

    @Override
    public Identity identity() {
        return new Identity(StandardWebhooksEvents.PROVIDER, SECRETS_VARIABLE, LOCAL_SECRET);
    }

    @Override
    public Verifier verifier(List<String> secrets, VerifierSettings settings) {
        return new StandardWebhooksVerifier(secrets, settings.timestampToleranceSeconds(), settings.clock())::verify;
    }

    @Override
    public Delivery map(byte[] rawBody, JsonNode json, Headers headers, Instant receivedAt) {
        return StandardWebhooksEvents.map(rawBody, json, headers, receivedAt);
    }

    @Override
    public List<KeptHeader> keptHeaders() {
        return List.of(new KeptHeader(MESSAGE_ID, "webhook-id"));
    }
}
