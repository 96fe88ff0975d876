package io.policywebhooks.store;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoField;
import java.time.temporal.TemporalAccessor;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The conversions between what providers send and what is stored: provider times to {@link Instant}s, and plain
 * Java values (strings, numbers, booleans, instants, parsed JSON) to DynamoDB attribute values. Only the store
 * package builds {@link AttributeValue}s.
 */
public final class Attributes {
    private Attributes() {
    }

    /** Provider times outside [2000, 2100) are not event times: they would mis-sort or overflow a key. */
    static final Instant EARLIEST = Instant.parse("2000-01-01T00:00:00Z");
    static final Instant LATEST = Instant.parse("2100-01-01T00:00:00Z");

    /**
     * ISO-8601 UTC with fixed millisecond precision, so stored timestamps sort as strings
     * ({@code received_at} is an index sort key).
     */
    private static final DateTimeFormatter ISO_MILLIS = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'")
            .withZone(ZoneOffset.UTC);

    /** The stored form of every instant: {@code 2023-09-29T19:28:51.000Z}. */
    public static String iso(Instant instant) {
        return ISO_MILLIS.format(instant);
    }

    /**
     * A provider time, or null when absent, unreadable or outside [2000, 2100). Read as: unix seconds or unix
     * milliseconds (a number or a digit string; the two ranges do not overlap within the bounds), or ISO-8601: a
     * date-time with or without an offset (none means UTC), with or without fractional seconds, or a date; or the
     * SQL form {@code 2026-12-01 08:00:00}, a space for the {@code T}.
     */
    public static Instant instant(JsonNode node) {
        if (node == null) {
            return null;
        }
        if (node.isIntegralNumber()) {
            return node.canConvertToLong() ? epoch(node.longValue()) : null;
        }
        if (node.isNumber()) {
            return epochSecondsWithFraction(node.decimalValue());
        }
        if (!node.isTextual()) {
            return null;
        }
        String text = node.textValue().trim();
        if (!text.isEmpty() && text.length() <= 13 && text.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return epoch(Long.parseLong(text));
        }
        return iso(sqlForm(text) ? text.substring(0, 10) + 'T' + text.substring(11) : text);
    }

    /** {@code YYYY-MM-DD HH:…}: a date, one space, then a time (checked by the ISO parser after the swap). */
    private static boolean sqlForm(String text) {
        return text.length() > 11 && text.charAt(10) == ' ' && text.charAt(4) == '-' && text.charAt(7) == '-'
                && Character.isDigit(text.charAt(11));
    }

    private static Instant iso(String text) {
        try {
            // Only a date-time has the 'T' (either case): exactly one parser can succeed, so none fails needlessly.
            Instant instant;
            if (text.indexOf('T') >= 0 || text.indexOf('t') >= 0) {
                TemporalAccessor parsed = DateTimeFormatter.ISO_DATE_TIME.parse(text);
                instant = parsed.isSupported(ChronoField.OFFSET_SECONDS)
                        ? Instant.from(parsed)
                        : LocalDateTime.from(parsed).toInstant(ZoneOffset.UTC);
            } else {
                instant = LocalDate.parse(text).atStartOfDay(ZoneOffset.UTC).toInstant();
            }
            return bounded(instant);
        } catch (DateTimeException unreadable) {
            return null;
        }
    }

    private static Instant epoch(long value) {
        if (value >= EARLIEST.getEpochSecond() && value < LATEST.getEpochSecond()) {
            return Instant.ofEpochSecond(value);
        }
        if (value >= EARLIEST.toEpochMilli() && value < LATEST.toEpochMilli()) {
            return Instant.ofEpochMilli(value);
        }
        return null;
    }

    private static Instant epochSecondsWithFraction(BigDecimal seconds) {
        if (seconds.compareTo(BigDecimal.valueOf(EARLIEST.getEpochSecond())) < 0
                || seconds.compareTo(BigDecimal.valueOf(LATEST.getEpochSecond())) >= 0) {
            return null;
        }
        long whole = seconds.longValue();
        long nanos = seconds.subtract(BigDecimal.valueOf(whole)).movePointRight(9).longValue();
        return Instant.ofEpochSecond(whole, nanos);
    }

    private static Instant bounded(Instant instant) {
        return instant.isBefore(EARLIEST) || !instant.isBefore(LATEST) ? null : instant;
    }

    /**
     * The DynamoDB form of a plain value: {@link String}, {@link Boolean}, {@link Long}, {@link Integer},
     * {@link BigInteger}, {@link BigDecimal}, {@link Instant} (as {@link #iso}), {@link JsonNode}. Null when it has
     * none that DynamoDB accepts (see {@link #json}).
     */
    static AttributeValue value(Object value) {
        if (value instanceof String text) {
            return AttributeValue.fromS(text);
        }
        if (value instanceof Boolean bool) {
            return AttributeValue.fromBool(bool);
        }
        if (value instanceof Long || value instanceof Integer) {
            return AttributeValue.fromN(value.toString());
        }
        if (value instanceof BigInteger integer) {
            return number(new BigDecimal(integer));
        }
        if (value instanceof BigDecimal decimal) {
            return number(decimal);
        }
        if (value instanceof Instant instant) {
            return AttributeValue.fromS(iso(instant));
        }
        if (value instanceof JsonNode node) {
            return json(node);
        }
        throw new IllegalArgumentException("no DynamoDB form for " + (value == null ? "null" : value.getClass()));
    }

    private static AttributeValue number(BigDecimal value) {
        return DynamoLimits.numberFits(value) ? AttributeValue.fromN(value.toString()) : null;
    }

    /**
     * The DynamoDB form of a JSON value: objects as maps, arrays as lists, numbers as numbers. Null when the value
     * has no form DynamoDB accepts: nesting of {@link DynamoLimits#MAX_DEPTH} levels or more, a number beyond
     * DynamoDB's, or an empty object key anywhere.
     */
    public static AttributeValue json(JsonNode node) {
        return json(node, 0);
    }

    private static AttributeValue json(JsonNode node, int depth) {
        if (depth >= DynamoLimits.MAX_DEPTH) {
            return null;
        }
        switch (node.getNodeType()) {
            case OBJECT: {
                Map<String, AttributeValue> map = new LinkedHashMap<>();
                for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext();) {
                    Map.Entry<String, JsonNode> field = it.next();
                    AttributeValue value = field.getKey().isEmpty() ? null : json(field.getValue(), depth + 1);
                    if (value == null) {
                        return null;
                    }
                    map.put(field.getKey(), value);
                }
                return AttributeValue.fromM(map);
            }
            case ARRAY: {
                List<AttributeValue> list = new ArrayList<>(node.size());
                for (JsonNode element : node) {
                    AttributeValue value = json(element, depth + 1);
                    if (value == null) {
                        return null;
                    }
                    list.add(value);
                }
                return AttributeValue.fromL(list);
            }
            case NUMBER:
                return DynamoLimits.numberFits(node.decimalValue()) ? AttributeValue.fromN(node.asText()) : null;
            case BOOLEAN:
                return AttributeValue.fromBool(node.booleanValue());
            case NULL:
                return AttributeValue.fromNul(true);
            case STRING:
                return AttributeValue.fromS(node.textValue());
            default:
                return null;
        }
    }

    /** The string attribute {@code name} of an item (null when the item, the attribute or its string is absent). */
    static String text(Map<String, AttributeValue> item, String name) {
        AttributeValue value = item == null ? null : item.get(name);
        return value == null ? null : value.s();
    }

    /** Equal as DynamoDB values: numbers by value (DynamoDB may return {@code 1.50} as {@code 1.5}), maps by key. */
    static boolean same(AttributeValue a, AttributeValue b) {
        if (a == null || b == null) {
            return a == b;
        }
        if (a.type() != b.type()) {
            return false;
        }
        switch (a.type()) {
            case N:
                return new BigDecimal(a.n()).compareTo(new BigDecimal(b.n())) == 0;
            case M: {
                if (!a.m().keySet().equals(b.m().keySet())) {
                    return false;
                }
                for (Map.Entry<String, AttributeValue> entry : a.m().entrySet()) {
                    if (!same(entry.getValue(), b.m().get(entry.getKey()))) {
                        return false;
                    }
                }
                return true;
            }
            case L: {
                if (a.l().size() != b.l().size()) {
                    return false;
                }
                for (int i = 0; i < a.l().size(); i++) {
                    if (!same(a.l().get(i), b.l().get(i))) {
                        return false;
                    }
                }
                return true;
            }
            default:
                return a.equals(b);
        }
    }
}
