package io.policywebhooks.store;

import static io.policywebhooks.store.Schema.*;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;

import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * A stored event as the reprocess command reads it ({@link ReprocessStore}), in plain values. The item itself stays
 * in the store, which compares it with what today's mapping gives ({@link ReprocessStore#refresh}).
 */
public final class StoredEvent {
    private final Map<String, AttributeValue> item;

    StoredEvent(Map<String, AttributeValue> item) {
        this.item = item;
    }

    /** The table key. */
    public String eventId() {
        return item.get(EVENT_ID).s();
    }

    /** The provider's name, or null when the item has none. */
    public String provider() {
        return text(PROVIDER_ATTRIBUTE);
    }

    /** {@code received_at}, or null when it is missing or unreadable. */
    public Instant receivedAt() {
        try {
            return Instant.parse(text(RECEIVED_AT));
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** The body exactly as received, or null when the item holds none. */
    public byte[] rawBody() {
        AttributeValue text = item.get(RAW_BODY);
        if (text != null && text.s() != null) {
            return text.s().getBytes(StandardCharsets.UTF_8);
        }
        AttributeValue bytes = item.get(RAW_BODY_BYTES);
        return bytes != null && bytes.b() != null ? bytes.b().asByteArray() : null;
    }

    /** A string attribute (a kept header, say), or null. */
    public String text(String attribute) {
        return Attributes.text(item, attribute);
    }

    /**
     * Whether every criterion given holds: the provider's id prefix, the type, {@code received_at} in
     * [{@code from}, {@code until}) to the millisecond. Null for a criterion not given.
     */
    public boolean matches(String provider, String type, Instant from, Instant until) {
        return (provider == null || eventId().startsWith(provider + "#"))
                && (type == null || type.equals(text(TYPE)))
                && ReceiptRange.of(from, until).contains(text(RECEIVED_AT));
    }

    Map<String, AttributeValue> item() {
        return item;
    }
}
