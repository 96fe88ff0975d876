package io.policywebhooks.store;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * DynamoDB's documented limits, checked before a write so that data DynamoDB would refuse is left out instead of
 * turning into a {@code ValidationException} that no retry can fix. dynalite enforces only some of these (it
 * accepts empty map keys and over-long index keys), so the checks are tested here directly
 * ({@code DynamoLimitsTest}), not through dynalite.
 */
public final class DynamoLimits {
    private DynamoLimits() {
    }

    /** An item's size: attribute names plus values, as DynamoDB counts it. */
    public static final int MAX_ITEM_BYTES = 400 * 1024;
    /** A table's or an index's partition key value. */
    public static final int MAX_PARTITION_KEY_BYTES = 2048;
    /** A table's or an index's sort key value. */
    public static final int MAX_SORT_KEY_BYTES = 1024;
    /**
     * Levels of nesting: a value at depth {@value} or deeper (the attribute itself at depth 0) is refused, so a
     * document of exactly 32 nested levels does not fit.
     */
    public static final int MAX_DEPTH = 32;
    /** Significant digits of a number. */
    public static final int MAX_NUMBER_DIGITS = 38;

    /** A number DynamoDB can hold: up to 38 significant digits, magnitude between 1E-130 and 9.99…E+125. */
    public static boolean numberFits(BigDecimal value) {
        if (value.signum() == 0) {
            return true;
        }
        BigDecimal stripped = value.stripTrailingZeros();
        int exponent = stripped.precision() - stripped.scale() - 1;
        return stripped.precision() <= MAX_NUMBER_DIGITS && exponent >= -130 && exponent <= 125;
    }

    /** A key (table or index) value: a non-empty string of at most {@code maxBytes} UTF-8 bytes. */
    public static boolean keyFits(String value, int maxBytes) {
        return value != null && !value.isEmpty() && utf8Length(value) <= maxBytes;
    }

    /** The item's size as DynamoDB bills and limits it (an upper bound for numbers). */
    public static long itemBytes(Map<String, AttributeValue> item) {
        long bytes = 0;
        for (Map.Entry<String, AttributeValue> attribute : item.entrySet()) {
            bytes += utf8Length(attribute.getKey()) + valueBytes(attribute.getValue());
        }
        return bytes;
    }

    /**
     * One value's size: strings and binaries their length; numbers about one byte per two significant digits plus
     * one (counted here as one per digit plus one, an upper bound); booleans and null one byte; maps and lists
     * three bytes plus one per element plus their elements (and, for maps, the keys); sets their elements, plus one
     * byte each (an upper bound, as for lists).
     */
    static long valueBytes(AttributeValue value) {
        switch (value.type()) {
            case S:
                return utf8Length(value.s());
            case N:
                return value.n().length() + 1L;
            case B:
                return value.b().asByteArrayUnsafe().length;
            case BOOL:
            case NUL:
                return 1;
            case M: {
                long bytes = 3;
                for (Map.Entry<String, AttributeValue> entry : value.m().entrySet()) {
                    bytes += 1 + utf8Length(entry.getKey()) + valueBytes(entry.getValue());
                }
                return bytes;
            }
            case L: {
                long bytes = 3;
                List<AttributeValue> list = value.l();
                for (AttributeValue element : list) {
                    bytes += 1 + valueBytes(element);
                }
                return bytes;
            }
            case SS:
                return value.ss().stream().mapToLong(element -> 1L + utf8Length(element)).sum();
            case NS:
                return value.ns().stream().mapToLong(element -> 2L + element.length()).sum();
            case BS:
                return value.bs().stream().mapToLong(element -> 1L + element.asByteArrayUnsafe().length).sum();
            default:
                return MAX_ITEM_BYTES; // a type DynamoDB added later: too large to be safe
        }
    }

    static int utf8Length(String text) {
        int ascii = 0;
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) >= 0x80) {
                return text.getBytes(StandardCharsets.UTF_8).length;
            }
            ascii++;
        }
        return ascii;
    }
}
