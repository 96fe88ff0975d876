package io.policywebhooks.webhook;

import io.policywebhooks.provider.WebhookProvider;

/** A provider as this function receives it: the provider and its verifier for the configured secrets. */
public record Endpoint(WebhookProvider provider, WebhookProvider.Verifier verifier) {
}
