package io.policywebhooks.store;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * An item's size as DynamoDB bills it, by the rules of "DynamoDB item sizes and formats"
 * (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/CapacityUnitCalculations.html): each attribute
 * is its name's UTF-8 bytes plus its value; a string its UTF-8 bytes, a binary its raw bytes, a number one byte per
 * two significant digits (leading and trailing zeros trimmed) plus one, a Boolean or null one byte, a list or map
 * three bytes plus one per element plus the elements (a map element: its key and its value). Unlike
 * {@link DynamoLimits#itemBytes}, which bounds numbers from above to decide what fits, this counts them as billed;
 * the cost benchmark (BENCHMARKS.md section 5) and its tests use it, production does not.
 */
public final class ItemSize {
    private ItemSize() {
    }

    /** Bytes of an item (attribute names and values). */
    public static long bytes(Map<String, AttributeValue> item) {
        long bytes = 0;
        for (Map.Entry<String, AttributeValue> attribute : item.entrySet()) {
            bytes += utf8(attribute.getKey()) + valueBytes(attribute.getValue());
        }
        return bytes;
    }

    /** Bytes of one value, without its name. */
    public static long valueBytes(AttributeValue value) {
        switch (value.type()) {
            case S:
                return utf8(value.s());
            case N:
                return numberBytes(value.n());
            case B:
                return value.b().asByteArrayUnsafe().length;
            case BOOL:
            case NUL:
                return 1;
            case M: {
                long bytes = 3;
                for (Map.Entry<String, AttributeValue> entry : value.m().entrySet()) {
                    bytes += 1 + utf8(entry.getKey()) + valueBytes(entry.getValue());
                }
                return bytes;
            }
            case L: {
                long bytes = 3;
                for (AttributeValue element : value.l()) {
                    bytes += 1 + valueBytes(element);
                }
                return bytes;
            }
            case SS:
                return value.ss().stream().mapToLong(ItemSize::utf8).sum();
            case NS:
                return value.ns().stream().mapToLong(ItemSize::numberBytes).sum();
            case BS: {
                List<SdkBytes> binaries = value.bs();
                return binaries.stream().mapToLong(b -> b.asByteArrayUnsafe().length).sum();
            }
            default:
                throw new IllegalArgumentException("unknown attribute type: " + value);
        }
    }

    /** (significant digits + 1) / 2 rounded up, plus one; zero counts as one digit. */
    static long numberBytes(String number) {
        String mantissa = number.toLowerCase(java.util.Locale.ROOT);
        int exponent = mantissa.indexOf('e');
        if (exponent >= 0) {
            mantissa = mantissa.substring(0, exponent);
        }
        String digits = mantissa.replace("-", "").replace("+", "").replace(".", "");
        int start = 0;
        while (start < digits.length() && digits.charAt(start) == '0') {
            start++;
        }
        int end = digits.length();
        while (end > start && digits.charAt(end - 1) == '0') {
            end--;
        }
        int significant = Math.max(1, end - start);
        return (significant + 1) / 2 + 1;
    }

    /** Write request units of one write of an item of {@code bytes}: 1 per KB (1,024 bytes) started, at least 1. */
    public static long writeUnits(long bytes) {
        return Math.max(1, (bytes + 1023) / 1024);
    }

    static long utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8).length;
    }
}
