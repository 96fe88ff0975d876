package io.policywebhooks.provider;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** Reading provider JSON: absent, null, empty and wrongly typed values put nothing (not even a null entry). */
class JsonFieldsTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final JsonNode NODE = read("{\"s\":\"x\",\"empty\":\"\",\"n\":12,\"f\":1.5,\"b\":true,\"z\":null,"
            + "\"o\":{\"k\":1},\"a\":[],\"t\":1700000000,\"bad\":\"soon\"}");

    static JsonNode read(String json) {
        try {
            return JSON.readTree(json);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    @Test
    void textIsANonEmptyStringOnly() {
        assertEquals("x", JsonFields.text(NODE, "s"));
        for (String field : new String[] {"empty", "n", "b", "z", "o", "missing"}) {
            assertNull(JsonFields.text(NODE, field), field);
        }
        assertNull(JsonFields.text(null, "s"));
    }

    @Test
    void putTextTakesNonEmptyTextAndNumbersAsText() {
        Map<String, Object> into = new HashMap<>();
        for (String field : new String[] {"s", "n", "f", "empty", "b", "z", "o", "a", "missing"}) {
            JsonFields.putText(into, field, NODE.get(field));
        }
        assertEquals(Map.of("s", "x", "n", "12", "f", "1.5"), into);
    }

    @Test
    void putTimeTakesReadableTimesOnly() {
        Map<String, Object> into = new HashMap<>();
        for (String field : new String[] {"t", "bad", "s", "z", "missing"}) {
            JsonFields.putTime(into, field, NODE.get(field));
        }
        assertEquals(Map.of("t", Instant.ofEpochSecond(1_700_000_000L)), into);
    }

    @Test
    void putJsonTakesEveryPresentNonNullValue() {
        Map<String, Object> into = new HashMap<>();
        for (String field : new String[] {"o", "a", "s", "empty", "z", "missing"}) {
            JsonFields.putJson(into, field, NODE.get(field));
        }
        JsonFields.putJson(into, "absent", NODE.path("absent")); // a MissingNode
        assertEquals(Map.of("o", NODE.get("o"), "a", NODE.get("a"), "s", NODE.get("s"), "empty", NODE.get("empty")),
                into);
    }

    @Test
    void putBooleanTakesJsonBooleansOnly() {
        Map<String, Object> into = new HashMap<>();
        for (String field : new String[] {"b", "s", "n", "z", "missing"}) {
            JsonFields.putBoolean(into, field, NODE.get(field));
        }
        JsonFields.putBoolean(into, "false", read("false"));
        assertEquals(Map.of("b", true, "false", false), into);
    }
}
