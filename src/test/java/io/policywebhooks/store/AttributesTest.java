package io.policywebhooks.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** Provider times in every form they may take, bounded to [2000, 2100); stored values compared as DynamoDB's. */
class AttributesTest {
    static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

    static Instant read(String json) throws Exception {
        return Attributes.instant(JSON.readTree("{\"t\":" + json + "}").get("t"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "1700000000 | 2023-11-14T22:13:20Z",
            "'\"1700000000\"' | 2023-11-14T22:13:20Z",
            "1700000000123 | 2023-11-14T22:13:20.123Z",
            "'\"1700000000123\"' | 2023-11-14T22:13:20.123Z",
            "1700000000.5 | 2023-11-14T22:13:20.500Z",
            "'\"2023-11-14T22:13:20Z\"' | 2023-11-14T22:13:20Z",
            "'\"2023-11-14T22:13:20\"' | 2023-11-14T22:13:20Z",
            "'\"2023-11-14t22:13:20\"' | 2023-11-14T22:13:20Z",
            "'\"2023-11-14T22:13:20.123456\"' | 2023-11-14T22:13:20.123456Z",
            "'\"2023-11-15T00:13:20.5+02:00\"' | 2023-11-14T22:13:20.500Z",
            "'\"2023-11-14\"' | 2023-11-14T00:00:00Z",
            "946684800 | 2000-01-01T00:00:00Z",
            "4102444799 | 2099-12-31T23:59:59Z",
            "946684800000 | 2000-01-01T00:00:00Z",
            "4102444799999 | 2099-12-31T23:59:59.999Z",
            "'\"2099-12-31T23:59:59.999Z\"' | 2099-12-31T23:59:59.999Z",
            "'\"2000-01-01T00:00:00Z\"' | 2000-01-01T00:00:00Z",
            "'\"1699999999\"' | 2023-11-14T22:13:19Z",
            "'\" 1700000000 \"' | 2023-11-14T22:13:20Z",
            "946684800.0 | 2000-01-01T00:00:00Z",
            "4102444799.999 | 2099-12-31T23:59:59.999Z",
            "'\"2023-11-14 22:13:20\"' | 2023-11-14T22:13:20Z",
            "'\"2023-11-14 22:13:20.123\"' | 2023-11-14T22:13:20.123Z",
            "'\" 2023-11-14 22:13:20 \"' | 2023-11-14T22:13:20Z"})
    void everyFormReadsAsTheSameInstant(String json, String expected) throws Exception {
        assertEquals(Instant.parse(expected), read(json));
    }

    @ParameterizedTest
    @ValueSource(strings = {"null", "true", "\"soon\"", "\"\"", "{}", "[]", "-1700000000", "0", "946684799",
            "4102444800", "946684799999", "4102444800000", "99999999999999999999", "\"+10000-01-01T00:00:00Z\"",
            "\"1969-12-31T23:59:59Z\"", "\"1999-12-31T23:59:59.999Z\"", "\"2100-01-01T00:00:00Z\"", "\"2100-01-01\"",
            "\"2023-13-01\"", "\"2023-11-14T25:00:00\"", "1e400", "946684799.9", "4102444800.0", "4102444800.5",
            "\"17000000000000\"", "\"1700000000/\"", "\"/1700000000\"", "\"170000000:\"",
            "\"2023-11-14  22:13:20\"", "\"2023-11-14 25:00:00\"", "\"2023-11-14 x\"", "\"2023/11/14 22:13:20\"",
            "\"14-11-2023 22:13:20\"", "\"01/12/2026 08:00\""})
    void unreadableOrOutOfRangeIsNull(String json) throws Exception {
        assertNull(read(json), json);
    }

    /** Real DynamoDB trims numbers' leading and trailing zeroes ("12.50" comes back "12.5"); dynalite does not. */
    @Test
    void storedValuesAreComparedAsDynamoDbValues() {
        assertTrue(Attributes.same(n("12.50"), n("12.5")));
        assertTrue(Attributes.same(n("0012"), n("1.2E1")));
        assertFalse(Attributes.same(n("12.51"), n("12.5")));
        AttributeValue payload = AttributeValue.fromM(Map.of("amount", n("1.10"), "items", AttributeValue.fromL(
                List.of(n("2.0"), AttributeValue.fromS("x"), AttributeValue.fromNul(true)))));
        AttributeValue trimmed = AttributeValue.fromM(Map.of("amount", n("1.1"), "items", AttributeValue.fromL(
                List.of(n("2"), AttributeValue.fromS("x"), AttributeValue.fromNul(true)))));
        assertTrue(Attributes.same(payload, trimmed));
        assertFalse(Attributes.same(payload, AttributeValue.fromM(Map.of("amount", n("1.1")))), "a key missing");
        assertFalse(Attributes.same(payload, AttributeValue.fromM(Map.of("amount", n("1.1"), "other", n("1")))),
                "another key");
        assertFalse(Attributes.same(AttributeValue.fromL(List.of(n("1"))), AttributeValue.fromL(List.of(n("1"),
                n("1")))), "a longer list");
        assertFalse(Attributes.same(AttributeValue.fromL(List.of(n("1"), n("2"))),
                AttributeValue.fromL(List.of(n("2"), n("1")))), "list order counts");
        assertFalse(Attributes.same(AttributeValue.fromS("1"), n("1")), "a string is not a number");
        assertTrue(Attributes.same(AttributeValue.fromS("a"), AttributeValue.fromS("a")));
        assertFalse(Attributes.same(AttributeValue.fromS("a"), AttributeValue.fromS("b")));
        assertFalse(Attributes.same(null, AttributeValue.fromS("a")), "absent vs. present");
        assertFalse(Attributes.same(AttributeValue.fromS("a"), null));
    }

    private static AttributeValue n(String number) {
        return AttributeValue.fromN(number);
    }
}
