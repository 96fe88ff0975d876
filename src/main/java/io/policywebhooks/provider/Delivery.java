package io.policywebhooks.provider;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import io.policywebhooks.store.EventRecord;
import io.policywebhooks.store.StateUpdate;

/**
 * What one authentic delivery writes: always the event, and the latest state of each policy or assignment the
 * event changes (none for most events; two for an endorsement, which supersedes the previous policy).
 */
public record Delivery(EventRecord event, List<StateUpdate> states) {

    public static final String UNKNOWN_TYPE = "unknown";

    /** The fallback when mapping fails: the event stored raw under its body hash, no state. */
    public static Delivery raw(String provider, byte[] rawBody, JsonNode json, Instant receivedAt) {
        return new Delivery(new EventRecord(provider + "#" + bodyKey(rawBody), provider, UNKNOWN_TYPE, null, null,
                null, receivedAt, rawBody, json, Map.of(), "mapping failed; stored raw"), List.of());
    }

    /** {@code sha256:<hex>} of the raw body: the event key when the body carries no event id. */
    public static String bodyKey(byte[] rawBody) {
        try {
            return "sha256:" + Hmac.HEX.formatHex(MessageDigest.getInstance("SHA-256").digest(rawBody));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 unavailable", e);
        }
    }
}
