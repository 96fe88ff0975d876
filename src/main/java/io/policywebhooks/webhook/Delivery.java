package io.policywebhooks.webhook;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import io.policywebhooks.store.EventRecord;
import io.policywebhooks.store.StateUpdate;

/**
 * What one authentic delivery writes: always the event, and the latest state of one object when the event
 * carries it.
 *
 * @param state null when the event changes no policy or assignment
 */
public record Delivery(EventRecord event, StateUpdate state) {

    public static final String UNKNOWN_TYPE = "unknown";

    /** The fallback when mapping fails: the event stored raw under its body hash, no state. */
    public static Delivery raw(String provider, byte[] rawBody, JsonNode json, Instant receivedAt) {
        return new Delivery(new EventRecord(provider + "#" + bodyKey(rawBody), provider, UNKNOWN_TYPE, null, null,
                null, receivedAt, rawBody, json, Map.of()), null);
    }

    /** {@code sha256:<hex>} of the raw body: the event key when the provider sends no event id. */
    public static String bodyKey(byte[] rawBody) {
        try {
            return "sha256:" + Hmac.HEX.formatHex(MessageDigest.getInstance("SHA-256").digest(rawBody));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 unavailable", e);
        }
    }
}
