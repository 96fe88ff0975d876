package io.policywebhooks.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * DynamoDB's limits, checked in code because dynalite does not enforce them all (empty map keys, index key sizes):
 * plain JUnit on the checks themselves.
 */
class DynamoLimitsTest {
    static final ObjectMapper JSON = new ObjectMapper()
            .enable(com.fasterxml.jackson.databind.DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

    static JsonNode json(String text) throws Exception {
        return JSON.readTree(text);
    }

    @ParameterizedTest
    @CsvSource({
            "0, true", "1, true", "-1, true", "12345678901234567890123456789012345678, true",
            "123456789012345678901234567890123456789, false", "1234567890123456789012345678901234567800000, true",
            "1.2345678901234567890123456789012345678, true", "1.23456789012345678901234567890123456789, false",
            "9.9999999999999999999999999999999999999E+125, true", "1E+126, false", "1E-130, true", "1E-131, false",
            "-1E+126, false"})
    void numbersUpTo38SignificantDigitsWithinRangeFit(String number, boolean fits) {
        assertEquals(fits, DynamoLimits.numberFits(new BigDecimal(number)), number);
    }

    @Test
    void keysAreNonEmptyAndWithinTheirBytes() {
        assertFalse(DynamoLimits.keyFits("", 2048));
        assertFalse(DynamoLimits.keyFits(null, 2048));
        assertTrue(DynamoLimits.keyFits("a".repeat(2048), 2048));
        assertFalse(DynamoLimits.keyFits("a".repeat(2049), 2048));
        assertTrue(DynamoLimits.keyFits("é".repeat(512), 1024)); // two bytes each
        assertFalse(DynamoLimits.keyFits("é".repeat(513), 1024));
        assertFalse(DynamoLimits.keyFits("a".repeat(1023) + "é", 1024));
    }

    @Test
    void keyLimitsComeFromTheTablesAndTheirIndexes() {
        assertEquals(Map.of("event_id", 2048, "object_id", 2048, "type", 2048, "received_at", 1024),
                Schema.EVENT_KEY_LIMITS);
        // policy_id is the table key (2,048) and the status index's sort key (1,024): the smaller holds.
        assertEquals(Map.of("policy_id", 1024, "status", 2048), Schema.POLICY_KEY_LIMITS);
        assertEquals(Map.of("assignment_id", 1024, "contractor", 2048, "job", 2048), Schema.ASSIGNMENT_KEY_LIMITS);
    }

    @Test
    void itemSizeCountsNamesAndValues() {
        assertEquals(4 + 3, DynamoLimits.itemBytes(Map.of("name", AttributeValue.fromS("abc"))));
        assertEquals(1 + 2, DynamoLimits.itemBytes(Map.of("n", AttributeValue.fromS("é"))));
        assertEquals(1 + 4, DynamoLimits.itemBytes(Map.of("n", AttributeValue.fromN("123"))));
        assertEquals(1 + 5, DynamoLimits.itemBytes(Map.of("b", AttributeValue.fromB(SdkBytes.fromByteArray(new byte[5])))));
        assertEquals(1 + 1, DynamoLimits.itemBytes(Map.of("t", AttributeValue.fromBool(true))));
        assertEquals(1 + 1, DynamoLimits.itemBytes(Map.of("z", AttributeValue.fromNul(true))));
        // a map: 3 + per entry (1 + key + value)
        assertEquals(1 + 3 + (1 + 1 + 2) + (1 + 2 + 1),
                DynamoLimits.itemBytes(Map.of("m", AttributeValue.fromM(Map.of("k", AttributeValue.fromS("vv"),
                        "kk", AttributeValue.fromBool(false))))));
        assertEquals(1 + 3 + (1 + 1) + (1 + 3),
                DynamoLimits.itemBytes(Map.of("l", AttributeValue.fromL(List.of(AttributeValue.fromS("a"),
                        AttributeValue.fromS("abc"))))));
    }

    /** {@code levels} nested objects: the outermost is level 1. */
    static String nested(int levels) {
        return "{\"n\":".repeat(levels - 1) + "{\"leaf\":1}" + "}".repeat(levels - 1);
    }

    @Test
    void nestingOf32LevelsIsRefusedAnd31Fits() throws Exception {
        assertNotNull(Attributes.json(json(nested(31))));
        assertNull(Attributes.json(json(nested(32))));
        assertNotNull(Attributes.json(json("[".repeat(31) + "]".repeat(31))));
        assertNull(Attributes.json(json("[".repeat(33) + "]".repeat(33))));
    }

    @Test
    void anEmptyMapKeyAnywhereIsRefused() throws Exception {
        assertNull(Attributes.json(json("{\"\":1}")));
        assertNull(Attributes.json(json("{\"a\":{\"b\":[{\"\":\"x\"}]}}")));
        assertNotNull(Attributes.json(json("{\"a\":{\"b\":[{\" \":\"\"}]}}")), "a blank key and empty value fit");
    }

    @Test
    void jsonNumbersBeyondDynamoDbAreRefusedAndTheRestKept() throws Exception {
        assertNull(Attributes.json(json("{\"p\":" + "1".repeat(39) + "}")));
        assertNull(Attributes.json(json("[1e400]")));
        AttributeValue ok = Attributes.json(json("{\"p\":" + "1".repeat(38) + ",\"s\":\"x\",\"b\":true,\"z\":null}"));
        assertEquals("1".repeat(38), ok.m().get("p").n());
        assertEquals("x", ok.m().get("s").s());
        assertTrue(ok.m().get("b").bool());
        assertTrue(ok.m().get("z").nul());
    }

    @Test
    void plainValuesConvertOrAreRefused() throws Exception {
        assertEquals("x", Attributes.value("x").s());
        assertEquals(true, Attributes.value(true).bool());
        assertEquals("7", Attributes.value(7L).n());
        assertEquals("7", Attributes.value(7).n());
        assertEquals("1".repeat(38), Attributes.value(new BigInteger("1".repeat(38))).n());
        assertNull(Attributes.value(new BigInteger("1".repeat(39))));
        assertNull(Attributes.value(new BigDecimal("1E+126")));
        assertEquals("2023-11-14T22:13:20.000Z", Attributes.value(Instant.ofEpochSecond(1_700_000_000L)).s());
        assertEquals("y", Attributes.value(json("{\"x\":\"y\"}")).m().get("x").s());
    }
    @Test
    void utf8LengthCountsFromU0080AsMoreThanOneByte() {
        assertEquals(1, DynamoLimits.utf8Length("\u007f"));
        assertEquals(2, DynamoLimits.utf8Length("\u0080"));
        assertEquals(3, DynamoLimits.utf8Length("a\u0080"));
        assertEquals(4, DynamoLimits.utf8Length("\ud83d\ude00"), "a surrogate pair is one 4-byte character");
        assertTrue(DynamoLimits.keyFits("a".repeat(1022) + "\u0080", 1024));
        assertFalse(DynamoLimits.keyFits("a".repeat(1023) + "\u0080", 1024));
    }

    @Test
    void setsCountTheirElementsPlusOneByteEach() {
        // The name, then per element: its size (UTF-8 bytes; for numbers digits plus one) and one byte.
        assertEquals(2 + (1 + 1) + (1 + 3), DynamoLimits.itemBytes(Map.of("ss", AttributeValue.fromSs(
                List.of("a", "\u00e9b")))));
        assertEquals(2 + (1 + 3) + (1 + 2), DynamoLimits.itemBytes(Map.of("ns", AttributeValue.fromNs(
                List.of("10", "7")))));
        assertEquals(2 + (1 + 4), DynamoLimits.itemBytes(Map.of("bs", AttributeValue.fromBs(
                List.of(software.amazon.awssdk.core.SdkBytes.fromByteArray(new byte[4]))))));
    }

    @Test
    void decimalsConvertAsNumbersAndOtherTypesAreRefusedByName() {
        assertEquals("1.5", Attributes.value(new BigDecimal("1.5")).n());
        assertEquals("-0.001", Attributes.value(new BigDecimal("-0.001")).n());
        IllegalArgumentException none = assertThrows(IllegalArgumentException.class,
                () -> Attributes.value(null));
        assertTrue(none.getMessage().endsWith("null"), none.getMessage());
        IllegalArgumentException other = assertThrows(IllegalArgumentException.class,
                () -> Attributes.value(new StringBuilder("x")));
        assertTrue(other.getMessage().contains("StringBuilder"), other.getMessage());
    }
}
