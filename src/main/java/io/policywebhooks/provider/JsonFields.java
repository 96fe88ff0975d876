package io.policywebhooks.provider;

import java.io.IOException;
import java.time.Instant;
import java.util.Map;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

import io.policywebhooks.store.Attributes;

/** Reading provider JSON into plain values for {@code EventRecord} and {@code StateUpdate}; absent stays absent. */
public final class JsonFields {
    /** Exact numbers (no double rounding) so the stored map holds what the provider sent. */
    public static final ObjectMapper JSON = JsonMapper.builder()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private JsonFields() {
    }

    /** The body as parsed JSON, or null when it is not JSON. */
    public static JsonNode parse(byte[] rawBody) {
        try {
            return JSON.readTree(rawBody);
        } catch (IOException | RuntimeException notJson) {
            return null;
        }
    }

    /** The field's text when it is a non-empty string, else null (also when {@code node} is null). */
    public static String text(JsonNode node, String field) {
        JsonNode value = node == null ? null : node.get(field);
        return value != null && value.isTextual() && !value.textValue().isEmpty() ? value.textValue() : null;
    }

    /** Puts {@code name} as a string when {@code node} is a non-empty text or a number. */
    public static void putText(Map<String, Object> into, String name, JsonNode node) {
        if (node != null && (node.isTextual() || node.isNumber()) && !node.asText().isEmpty()) {
            into.put(name, node.asText());
        }
    }

    /** Puts {@code name} as the instant a provider time reads as ({@link Attributes#instant}). */
    public static void putTime(Map<String, Object> into, String name, JsonNode node) {
        Instant instant = Attributes.instant(node);
        if (instant != null) {
            into.put(name, instant);
        }
    }

    /** Puts {@code name} as a JSON value (stored as its DynamoDB form) when present and not null. */
    public static void putJson(Map<String, Object> into, String name, JsonNode node) {
        if (node != null && !node.isMissingNode() && !node.isNull()) {
            into.put(name, node);
        }
    }

    /** Puts {@code name} when {@code node} is a JSON boolean. */
    public static void putBoolean(Map<String, Object> into, String name, JsonNode node) {
        if (node != null && node.isBoolean()) {
            into.put(name, node.booleanValue());
        }
    }
}
