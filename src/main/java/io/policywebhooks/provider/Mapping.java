package io.policywebhooks.provider;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import io.policywebhooks.store.EventRecord;

/**
 * An authentic body as its provider maps it, or, when the mapping throws, the event kept raw under its body hash
 * with a note: the one mapping step of the webhook flow and of reprocessing.
 *
 * @param delivery what to store
 * @param failure  the exception class of a mapping that threw (then {@code delivery} is the raw fallback), else null
 */
public record Mapping(Delivery delivery, String failure) {

    public static Mapping of(WebhookProvider provider, byte[] rawBody, Headers headers, Instant receivedAt) {
        JsonNode json = JsonFields.parse(rawBody);
        Delivery delivery;
        String failure = null;
        try {
            delivery = provider.map(rawBody, json, headers, receivedAt);
        } catch (RuntimeException e) {
            failure = e.getClass().getName();
            delivery = Delivery.raw(provider.name(), rawBody, json, receivedAt);
        }
        return new Mapping(withKeptHeaders(delivery, provider, headers), failure);
    }

    public boolean failed() {
        return failure != null;
    }

    private static Delivery withKeptHeaders(Delivery delivery, WebhookProvider provider, Headers headers) {
        if (provider.keptHeaders().isEmpty()) {
            return delivery;
        }
        EventRecord e = delivery.event();
        Map<String, Object> extra = e.extra() == null ? new HashMap<>() : new HashMap<>(e.extra());
        for (WebhookProvider.KeptHeader kept : provider.keptHeaders()) {
            String value = headers.get(kept.header());
            if (value != null && !value.isBlank() && value.length() <= WebhookProvider.MAX_KEPT_HEADER_CHARS) {
                extra.put(kept.attribute(), value);
            }
        }
        return new Delivery(new EventRecord(e.eventId(), e.provider(), e.type(), e.objectType(), e.objectId(),
                e.createdAt(), e.receivedAt(), e.rawBody(), e.payload(), extra, e.parseNote()), delivery.states());
    }
}
