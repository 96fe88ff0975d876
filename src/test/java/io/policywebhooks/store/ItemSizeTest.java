package io.policywebhooks.store;

import static io.policywebhooks.store.AttributeValues.s;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Known answers for {@link ItemSize}: the examples the AWS documentation prints, and values worked out by hand from
 * the rules of "DynamoDB item sizes and formats" (each comment shows the sum).
 */
class ItemSizeTest {

    // ---------------------------------------------------------------- examples printed in the AWS docs

    /**
     * The DynamoDB developer guide's item-size example (service quotas, "Item size"): an item with "shirt-color" =
     * "R" and "shirt-size" = "M" is 23 bytes. (Quoted from the guide as known; the search tool did not return that
     * page. The string rule alone gives the same: 11 + 1 + 10 + 1.)
     */
    @Test
    void theDocsShirtItemIs23Bytes() {
        assertEquals(23, ItemSize.bytes(Map.of("shirt-color", s("R"), "shirt-size", s("M"))));
    }

    /**
     * DynamoDB pricing ("write request unit"): one unit writes up to 1 KB; a standard write of a 3 KB item takes
     * three. "Read and write operations": item sizes for writes are rounded up to the next 1 KB.
     */
    @Test
    void writeUnitsRoundUpToWholeKilobytes() {
        assertEquals(1, ItemSize.writeUnits(1));
        assertEquals(1, ItemSize.writeUnits(1024));
        assertEquals(2, ItemSize.writeUnits(1025));
        assertEquals(3, ItemSize.writeUnits(3 * 1024));
        assertEquals(1, ItemSize.writeUnits(0), "a write consumes at least one unit");
    }

    // ---------------------------------------------------------------- the rules, worked by hand

    @Test
    void stringsAndNamesCountUtf8Bytes() {
        assertEquals(4 + 2, ItemSize.bytes(Map.of("name", s("ñ"))), "ñ is 2 bytes in UTF-8");
        assertEquals(4 + 1, ItemSize.bytes(Map.of("año", s("x"))), "name año: 4 bytes; value 1");
        assertEquals(1 + 4, ItemSize.bytes(Map.of("e", s("😀"))), "a supplementary character: 4 bytes");
    }

    @Test
    void numbersOneBytePerTwoSignificantDigitsPlusOne() {
        assertEquals(6, ItemSize.valueBytes(n("1695793026")), "10 digits: 5 + 1");
        assertEquals(5, ItemSize.valueBytes(n("1698796800")), "trailing zeros trimmed: 16987968, 8 digits: 4 + 1");
        assertEquals(3, ItemSize.valueBytes(n("0.00123")), "leading zeros trimmed: 123, 3 digits: 2 + 1");
        assertEquals(3, ItemSize.valueBytes(n("-12.5")), "sign and point are not digits: 125, 2 + 1");
        assertEquals(2, ItemSize.valueBytes(n("7")), "1 digit: 1 + 1");
        assertEquals(2, ItemSize.valueBytes(n("0")), "zero: one digit");
        assertEquals(2, ItemSize.valueBytes(n("1E+125")), "the exponent is not stored as digits");
        assertEquals(20, ItemSize.valueBytes(n("12345678901234567890123456789012345678")), "38 digits: 19 + 1");
    }

    @Test
    void binariesCountRawBytesNotBase64() {
        assertEquals(1 + 3, ItemSize.bytes(Map.of("b", AttributeValue.fromB(SdkBytes.fromByteArray(new byte[] {1, 2,
            3})))));
    }

    @Test
    void booleanAndNullAreOneByte() {
        assertEquals(4 + 1, ItemSize.bytes(Map.of("flag", AttributeValue.fromBool(true))));
        assertEquals(4 + 1, ItemSize.bytes(Map.of("none", AttributeValue.fromNul(true))));
    }

    @Test
    void mapsAndListsThreeBytesPlusOnePerElement() {
        assertEquals(1 + 3, ItemSize.bytes(Map.of("m", AttributeValue.fromM(Map.of()))), "empty map: name + 3");
        assertEquals(1 + 3, ItemSize.bytes(Map.of("l", AttributeValue.fromL(List.of()))), "empty list: name + 3");
        // {"a": "b"}: 3 + (1 + key 1 + value 1)
        assertEquals(1 + 3 + 1 + 1 + 1, ItemSize.bytes(Map.of("m", AttributeValue.fromM(Map.of("a", s("b"))))));
        // ["x", "yy"]: 3 + (1 + 1) + (1 + 2)
        assertEquals(1 + 3 + 2 + 3, ItemSize.bytes(Map.of("l", AttributeValue.fromL(List.of(s("x"), s("yy"))))));
        // nested: {"c": {"d": 12}}: outer 3 + (1 + 1 + inner), inner 3 + (1 + 1 + 2)
        Map<String, AttributeValue> inner = Map.of("d", n("12"));
        assertEquals(1 + 3 + 1 + 1 + (3 + 1 + 1 + 2),
                ItemSize.bytes(Map.of("c", AttributeValue.fromM(Map.of("c", AttributeValue.fromM(inner))))));
    }

    @Test
    void anItemIsTheSumOfItsAttributes() {
        Map<String, AttributeValue> item = new LinkedHashMap<>();
        item.put("event_id", s("1099policy#evt_1")); // 8 + 16
        item.put("deliveries", n("1")); // 10 + 2
        item.put("is_test", AttributeValue.fromBool(false)); // 7 + 1
        assertEquals(24 + 12 + 8, ItemSize.bytes(item));
    }

    private static AttributeValue n(String value) {
        return AttributeValue.fromN(value);
    }
}
