package io.policywebhooks.store;

import static io.policywebhooks.store.Schema.RECEIVED_AT;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;

import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * A receipt range as stored strings: {@code received_at} has millisecond precision, so "at or after {@code from}" is
 * "at or after {@code from} rounded up to the millisecond" and "before {@code until}" is "at or before the last
 * millisecond before it".
 *
 * @param first the first stored {@code received_at} included, or null
 * @param last  the last one included, or null
 */
record ReceiptRange(String first, String last) {
    /** @param from included, or null; @param until excluded, or null */
    static ReceiptRange of(Instant from, Instant until) {
        String first = null;
        if (from != null) {
            Instant millis = from.truncatedTo(ChronoUnit.MILLIS);
            first = Attributes.iso(millis.equals(from) ? millis : millis.plusMillis(1));
        }
        String last = until == null ? null : Attributes.iso(until.minusNanos(1));
        return new ReceiptRange(first, last);
    }

    /** Both bounds inside one millisecond: nothing stored can be in between. */
    boolean empty() {
        return first != null && last != null && first.compareTo(last) > 0;
    }

    boolean contains(String receivedAt) {
        return (first == null || (receivedAt != null && receivedAt.compareTo(first) >= 0))
                && (last == null || (receivedAt != null && receivedAt.compareTo(last) <= 0));
    }

    /** {@code " AND <condition on name>"}, or "" when unbounded. */
    String condition(String name, Map<String, String> names, Map<String, AttributeValue> values) {
        if (first == null && last == null) {
            return "";
        }
        names.put(name, RECEIVED_AT);
        if (first != null) {
            values.put(":first", AttributeValue.fromS(first));
        }
        if (last != null) {
            values.put(":last", AttributeValue.fromS(last));
        }
        return first == null ? " AND " + name + " <= :last"
                : last == null ? " AND " + name + " >= :first"
                : " AND " + name + " BETWEEN :first AND :last";
    }
}
