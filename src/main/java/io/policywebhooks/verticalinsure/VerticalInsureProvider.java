package io.policywebhooks.verticalinsure;

import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

import io.policywebhooks.provider.Delivery;
import io.policywebhooks.provider.Headers;
import io.policywebhooks.provider.WebhookProvider;
import io.quarkus.runtime.annotations.RegisterForReflection;

/** Vertical Insure: HMAC-SHA256 of the body ({@link VerticalInsureSignatureVerifier}), events keyed by body hash. */
@RegisterForReflection // instantiated by ServiceLoader (Providers), also in the native executable
public final class VerticalInsureProvider implements WebhookProvider {
    /** The signature keys, comma-separated; read literally (no {@code ${…}} expansion). */
    public static final String SECRETS_VARIABLE = "VERTICAL_INSURE_SIGNATURE_KEYS";
    /** Used when VERTICAL_INSURE_SIGNATURE_KEYS is unset outside production; refused in production. */
    public static final String LOCAL_SECRET = "local-vertical-insure-key";

    @Override
    public Identity identity() {
        return new Identity(VerticalInsureEvents.PROVIDER, SECRETS_VARIABLE, LOCAL_SECRET);
    }

    @Override
    public Verifier verifier(List<String> secrets, VerifierSettings settings) {
        return new VerticalInsureSignatureVerifier(secrets)::verify;
    }

    @Override
    public Delivery map(byte[] rawBody, JsonNode json, Headers headers, Instant receivedAt) {
        return VerticalInsureEvents.map(rawBody, json, receivedAt);
    }
}
