package io.policywebhooks.reprocess;

import static io.policywebhooks.store.Tables.*;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;

import com.fasterxml.jackson.databind.JsonNode;

import io.policywebhooks.store.Attributes;
import io.policywebhooks.store.EventRecord;
import io.policywebhooks.store.StateUpdate;
import io.policywebhooks.store.Tables;
import io.policywebhooks.store.WebhookStore;
import io.policywebhooks.webhook.Delivery;
import io.policywebhooks.webhook.Headers;
import io.policywebhooks.webhook.WebhookProvider;
import io.policywebhooks.webhook.WebhookService;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;
import software.amazon.awssdk.services.dynamodb.model.Select;

/**
 * Re-runs the mapping over stored events: for each selected event, its stored raw body is parsed and mapped again
 * (no signature check: it was verified when received), its parsed attributes are refreshed and its states are
 * re-applied through {@link WebhookStore#applyState}, whose ordering guard makes any number of runs, in any order,
 * end in the same state.
 *
 * <p>Reads: an index only for keys (its projection may hold nothing else), then the full item by key; a selection
 * without a type scans the table. Writes: the event item only through a conditional {@code UpdateItem}
 * ({@code attribute_exists}), so an event is never created here, and only its parsed attributes
 * ({@link #REFRESHED}); the state items through the store.
 */
public final class Reprocessor {
    /**
     * @param selected  events that matched the selection and were read (each counted once, in exactly one of the
     *                  three others unless a dry run)
     * @param reapplied events whose stored attributes were rewritten or whose state write changed a state item
     * @param unchanged events where no state write applied and the stored attributes already equalled the mapping's
     * @param failed    events that could not be reprocessed (no body, no mapping for the provider, storage error
     *                  after the SDK's retries, the item gone); some of their writes may have been done
     */
    public record Summary(long selected, long reapplied, long unchanged, long failed) {
        @Override
        public String toString() {
            return "selected " + selected + ", reapplied " + reapplied + ", unchanged " + unchanged + ", failed "
                    + failed;
        }
    }

    /** Reading the selection failed (after the SDK's retries): the run ended with these counts. */
    public static final class Aborted extends RuntimeException {
        private final transient Summary soFar;

        Aborted(Summary soFar, SdkException cause) {
            super("reading the selection failed: " + cause.getClass().getSimpleName() + ": " + cause.getMessage(),
                    cause);
            this.soFar = soFar;
        }

        public Summary soFar() {
            return soFar;
        }
    }

    /** What a run reports while it goes; every method may be left out. */
    public interface Listener {
        /** An event was selected (not called for a dry run's counted pages). */
        default void selected(String eventId) {
        }

        default void failed(String eventId, String reason) {
        }

        /** The mapping now gives the event another id; it stays stored under {@code storedId}. */
        default void idChanged(String storedId, String mappedId) {
        }

        /** Attributes DynamoDB would refuse, left out as on receipt. */
        default void leftOut(String eventId, List<String> names) {
        }

        default void progress(Summary soFar) {
        }
    }

    /**
     * Every DynamoDB operation the reprocessor calls, by table ({@code UpdateItem} on the state tables is
     * {@link WebhookStore#applyState}'s): the {@code ReprocessPolicy} managed policy in template.yaml grants exactly
     * these, and {@link #INDEX_OPERATIONS} ({@code TemplateAgreementTest}).
     */
    public static final Map<WebhookStore.Table, Set<String>> OPERATIONS = Map.of(
            WebhookStore.Table.EVENTS, Set.of("Scan", "GetItem", "BatchGetItem", "UpdateItem"),
            WebhookStore.Table.POLICIES, Set.of("UpdateItem"),
            WebhookStore.Table.ASSIGNMENTS, Set.of("UpdateItem"));
    /** The operations on the events table's indexes, by index. */
    public static final Map<String, Set<String>> INDEX_OPERATIONS = Map.of(EVENTS_BY_TYPE, Set.of("Query"));

    /**
     * The event attributes a run sets from the mapping, and removes when the mapping no longer yields them. Every
     * other attribute the mapping yields is set too (a provider's new one) but never removed, and these are never
     * touched: {@link #KEPT}.
     */
    static final Set<String> REFRESHED = Set.of(TYPE, OBJECT_TYPE, OBJECT_ID, CREATED_AT, PAYLOAD, PARSE_ERROR,
            PARSE_NOTE, IS_TEST);
    /** What the delivery itself recorded: identity, receipt, counting, the body and Convoy's (unsigned) headers. */
    static final Set<String> KEPT = Set.of(EVENT_ID, PROVIDER_ATTRIBUTE, RECEIVED_AT, LAST_RECEIVED_AT, DELIVERIES,
            RAW_BODY, RAW_BODY_BYTES, CONVOY_IDEMPOTENCY_KEY, CONVOY_EVENT_ID);

    /** BatchGetItem's most keys per request. */
    static final int BATCH_GET_MAX_KEYS = 100;
    private static final int MAX_UNPROCESSED_ROUNDS = 8;

    private final DynamoDbClient dynamo;
    private final Tables.Names tables;
    private final WebhookStore store;
    private final Map<String, WebhookProvider.Mapper> mappers;
    private final Map<String, String> storedHeaders;
    private final Clock clock;
    private final Integer pageSize;
    private final int progressEvery;
    private final long progressIntervalMillis;

    /**
     * @param mappers         each provider's mapping, by provider name (the production ones: {@link Reprocess#MAPPERS})
     * @param storedHeaders   request headers the mappings read, by the event attribute each is stored in
     * @param pageSize        items per Scan/Query page ({@code Limit}), null for DynamoDB's 1 MB pages
     * @param progressEvery   report progress after this many events, and at least every
     *                        {@code progressIntervalMillis}
     */
    public Reprocessor(DynamoDbClient dynamo, Tables.Names tables, Map<String, WebhookProvider.Mapper> mappers,
            Map<String, String> storedHeaders, Clock clock, Integer pageSize, int progressEvery,
            long progressIntervalMillis) {
        if (pageSize != null && pageSize < 1) {
            throw new IllegalArgumentException("page size must be positive");
        }
        this.dynamo = dynamo;
        this.tables = tables;
        this.store = new WebhookStore(dynamo, tables);
        this.mappers = Map.copyOf(mappers);
        this.storedHeaders = Map.copyOf(storedHeaders);
        this.clock = clock;
        this.pageSize = pageSize;
        this.progressEvery = progressEvery;
        this.progressIntervalMillis = progressIntervalMillis;
    }

    /**
     * Reprocesses (or, for a dry run, only counts) every event of the selection, paging through all of it. A failure
     * of one event is counted and reported, and the run goes on.
     *
     * @throws Aborted when reading the selection itself fails (Scan, Query, GetItem or BatchGetItem)
     */
    public Summary run(Selection selection, boolean dryRun, Listener listener) {
        Counts counts = new Counts(listener);
        Consumer<Map<String, AttributeValue>> each = item -> {
            String key = item.get(EVENT_ID).s();
            listener.selected(key);
            counts.selected++;
            if (!dryRun) {
                process(key, item, counts, listener);
            }
            counts.maybeReport();
        };
        try {
            if (!selection.eventIds().isEmpty()) {
                byIds(selection, each);
            } else if (selection.type() != null) {
                byType(selection, dryRun, each, counts);
            } else {
                scan(selection, dryRun, each, counts);
            }
        } catch (SdkException e) {
            throw new Aborted(counts.summary(), e);
        }
        return counts.summary();
    }

    // ------------------------------------------------------------------------------------------------ selection

    /** GetItem per id; the other criteria are checked on the item. */
    private void byIds(Selection selection, Consumer<Map<String, AttributeValue>> each) {
        for (String id : new java.util.LinkedHashSet<>(selection.eventIds())) {
            Map<String, AttributeValue> item = dynamo.getItem(b -> b.tableName(tables.events())
                    .key(Map.of(EVENT_ID, AttributeValue.fromS(id)))).item();
            if (item != null && !item.isEmpty() && matches(selection, item)) {
                each.accept(item);
            }
        }
    }

    private static boolean matches(Selection selection, Map<String, AttributeValue> item) {
        String receivedAt = text(item, RECEIVED_AT);
        Range range = Range.of(selection);
        return (selection.provider() == null || item.get(EVENT_ID).s().startsWith(selection.provider() + "#"))
                && (selection.type() == null || selection.type().equals(text(item, TYPE)))
                && (range.first() == null || (receivedAt != null && receivedAt.compareTo(range.first()) >= 0))
                && (range.last() == null || (receivedAt != null && receivedAt.compareTo(range.last()) <= 0));
    }

    /** The type index, for keys only (its projection may hold nothing else), then the items by BatchGetItem. */
    private void byType(Selection selection, boolean dryRun, Consumer<Map<String, AttributeValue>> each,
            Counts counts) {
        Range range = Range.of(selection);
        if (range.empty()) {
            return;
        }
        Map<String, String> names = new HashMap<>(Map.of("#type", TYPE));
        Map<String, AttributeValue> values = new HashMap<>(Map.of(":type", AttributeValue.fromS(selection.type())));
        String keyCondition = "#type = :type" + range.condition("#at", names, values);
        String filter = null;
        if (selection.provider() != null) {
            filter = "begins_with(#id, :prefix)";
            values.put(":prefix", AttributeValue.fromS(selection.provider() + "#"));
        }
        if (filter != null || !dryRun) {
            names.put("#id", EVENT_ID);
        }
        QueryRequest.Builder request = QueryRequest.builder().tableName(tables.events()).indexName(EVENTS_BY_TYPE)
                .keyConditionExpression(keyCondition).filterExpression(filter)
                .expressionAttributeNames(names).expressionAttributeValues(values).limit(pageSize);
        if (dryRun) {
            request.select(Select.COUNT);
        } else {
            request.projectionExpression("#id"); // the key only: the index's projection may hold nothing else
        }
        Map<String, AttributeValue> start = null;
        do {
            QueryResponse page = dynamo.query(request.exclusiveStartKey(start).build());
            if (dryRun) {
                counts.selected += page.count();
                counts.maybeReport();
            } else {
                List<Map<String, AttributeValue>> keys = new ArrayList<>();
                page.items().forEach(item -> keys.add(Map.of(EVENT_ID, item.get(EVENT_ID))));
                fetch(keys, each, counts);
            }
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null);
    }

    /** The full items of these keys, 100 a request, until DynamoDB has returned every one it has. */
    private void fetch(List<Map<String, AttributeValue>> keys, Consumer<Map<String, AttributeValue>> each,
            Counts counts) {
        for (int from = 0; from < keys.size(); from += BATCH_GET_MAX_KEYS) {
            List<Map<String, AttributeValue>> pending = keys.subList(from, Math.min(keys.size(),
                    from + BATCH_GET_MAX_KEYS));
            for (int round = 0; !pending.isEmpty(); round++) {
                if (round == MAX_UNPROCESSED_ROUNDS) {
                    for (Map<String, AttributeValue> key : pending) {
                        counts.selected++;
                        counts.fail(key.get(EVENT_ID).s(), "not read: BatchGetItem left it unprocessed "
                                + MAX_UNPROCESSED_ROUNDS + " times");
                    }
                    break;
                }
                if (round > 0) {
                    backOff(round);
                }
                List<Map<String, AttributeValue>> batch = pending;
                BatchGetItemResponse response = dynamo.batchGetItem(b -> b.requestItems(
                        Map.of(tables.events(), KeysAndAttributes.builder().keys(batch).build())));
                response.responses().getOrDefault(tables.events(), List.of()).forEach(each);
                KeysAndAttributes unprocessed = response.hasUnprocessedKeys()
                        ? response.unprocessedKeys().get(tables.events()) : null;
                pending = unprocessed == null || !unprocessed.hasKeys() ? List.of() : unprocessed.keys();
            }
        }
    }

    /** DynamoDB's advice for unprocessed keys: retry with exponential backoff (50 ms doubling, at most 3.2 s). */
    private static void backOff(int round) {
        try {
            Thread.sleep(Math.min(3_200L, 50L << (round - 1)));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** The whole table, filtered by provider and receipt time: reads (and pays for) every item. */
    private void scan(Selection selection, boolean dryRun, Consumer<Map<String, AttributeValue>> each,
            Counts counts) {
        Range range = Range.of(selection);
        if (range.empty()) {
            return;
        }
        Map<String, String> names = new HashMap<>();
        Map<String, AttributeValue> values = new HashMap<>();
        List<String> conditions = new ArrayList<>();
        if (selection.provider() != null) {
            conditions.add("begins_with(#id, :prefix)");
            names.put("#id", EVENT_ID);
            values.put(":prefix", AttributeValue.fromS(selection.provider() + "#"));
        }
        String rangeCondition = range.condition("#at", names, values);
        if (!rangeCondition.isEmpty()) {
            conditions.add(rangeCondition.substring(" AND ".length()));
        }
        ScanRequest.Builder request = ScanRequest.builder().tableName(tables.events()).limit(pageSize);
        if (!conditions.isEmpty()) {
            request.filterExpression(String.join(" AND ", conditions)).expressionAttributeNames(names)
                    .expressionAttributeValues(values);
        }
        if (dryRun) {
            request.select(Select.COUNT);
        }
        Map<String, AttributeValue> start = null;
        do {
            ScanResponse page = dynamo.scan(request.exclusiveStartKey(start).build());
            if (dryRun) {
                counts.selected += page.count();
                counts.maybeReport();
            } else {
                page.items().forEach(each);
            }
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null);
    }

    /**
     * The receipt range as stored strings: {@code received_at} has millisecond precision, so "at or after
     * {@code from}" is "at or after {@code from} rounded up to the millisecond" and "before {@code until}" is "at
     * or before the last millisecond before it".
     */
    private record Range(String first, String last) {
        static Range of(Selection selection) {
            String first = null;
            if (selection.receivedFrom() != null) {
                Instant from = selection.receivedFrom();
                Instant millis = from.truncatedTo(ChronoUnit.MILLIS);
                first = Attributes.iso(millis.equals(from) ? millis : millis.plusMillis(1));
            }
            String last = selection.receivedUntil() == null ? null
                    : Attributes.iso(selection.receivedUntil().minusNanos(1));
            return new Range(first, last);
        }

        /** Both bounds inside one millisecond: nothing stored can be in between. */
        boolean empty() {
            return first != null && last != null && first.compareTo(last) > 0;
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

    // ------------------------------------------------------------------------------------------------ one event

    private void process(String key, Map<String, AttributeValue> item, Counts counts, Listener listener) {
        byte[] body = rawBody(item);
        if (body == null) {
            counts.fail(key, "no raw_body stored");
            return;
        }
        String provider = text(item, PROVIDER_ATTRIBUTE);
        WebhookProvider.Mapper mapper = provider == null ? null : mappers.get(provider);
        if (mapper == null) {
            counts.fail(key, "no mapping for provider " + provider);
            return;
        }
        Instant receivedAt;
        try {
            receivedAt = Instant.parse(text(item, RECEIVED_AT));
        } catch (RuntimeException e) {
            counts.fail(key, "received_at missing or unreadable");
            return;
        }
        Delivery delivery = map(mapper, provider, body, headers(item), receivedAt);
        List<StateUpdate> states = delivery.states();
        String mappedId = delivery.event().eventId();
        if (!mappedId.equals(key)) {
            // The stored key stays the event's identity: the states name it, so they point at an item that exists.
            listener.idChanged(key, mappedId);
            states = states.stream().map(state -> renamed(state, mappedId, key)).toList();
        }
        try {
            List<String> leftOut = new ArrayList<>();
            boolean wrote = refresh(key, delivery.event(), item, leftOut);
            for (StateUpdate state : states) {
                WebhookStore.StateWrite written = store.applyState(state, clock.instant());
                wrote |= written.applied() == WebhookStore.Applied.APPLIED;
                leftOut.addAll(written.leftOut());
            }
            if (!leftOut.isEmpty()) {
                listener.leftOut(key, leftOut);
            }
            if (wrote) {
                counts.reapplied++;
            } else {
                counts.unchanged++;
            }
        } catch (ConditionalCheckFailedException gone) {
            counts.fail(key, "the event item no longer exists");
        } catch (SdkException e) {
            counts.fail(key, "storage: " + e.getClass().getSimpleName());
        }
    }

    /** The provider's mapping; like on receipt, a mapping that throws stores the event raw. */
    private static Delivery map(WebhookProvider.Mapper mapper, String provider, byte[] body, Headers headers,
            Instant receivedAt) {
        JsonNode json = WebhookService.parse(body);
        try {
            return mapper.map(body, json, headers, receivedAt);
        } catch (RuntimeException e) {
            return Delivery.raw(provider, body, json, receivedAt);
        }
    }

    /** The request headers the mappings read, back from the attributes they were stored in. */
    private Headers headers(Map<String, AttributeValue> item) {
        Map<String, String> headers = new HashMap<>();
        storedHeaders.forEach((attribute, header) -> {
            String value = text(item, attribute);
            if (value != null) {
                headers.put(header, value);
            }
        });
        return Headers.of(headers);
    }

    private static StateUpdate renamed(StateUpdate state, String mappedId, String storedId) {
        Map<String, Object> attributes = new HashMap<>(state.attributes());
        if (mappedId.equals(attributes.get(LAST_EVENT_ID))) {
            attributes.put(LAST_EVENT_ID, storedId);
        }
        return new StateUpdate(state.kind(), state.id(), state.version(), state.orderKey(), attributes);
    }

    /**
     * Rewrites the event's parsed attributes where they differ from the mapping's (as the store would write them,
     * limits applied). @return whether it wrote
     */
    private boolean refresh(String key, EventRecord event, Map<String, AttributeValue> stored, List<String> leftOut) {
        Map<String, AttributeValue> fresh = WebhookStore.eventItem(event, leftOut);
        Map<String, AttributeValue> set = new TreeMap<>();
        fresh.forEach((name, value) -> {
            if (!KEPT.contains(name) && !same(stored.get(name), value)) {
                set.put(name, value);
            }
        });
        List<String> remove = REFRESHED.stream().filter(name -> !fresh.containsKey(name) && stored.containsKey(name))
                .sorted().toList();
        if (set.isEmpty() && remove.isEmpty()) {
            return false;
        }
        Map<String, String> names = new LinkedHashMap<>();
        Map<String, AttributeValue> values = new LinkedHashMap<>();
        List<String> sets = new ArrayList<>();
        set.forEach((name, value) -> {
            int i = names.size();
            names.put("#a" + i, name);
            values.put(":v" + i, value);
            sets.add("#a" + i + " = :v" + i);
        });
        List<String> removes = new ArrayList<>();
        for (String name : remove) {
            int i = names.size();
            names.put("#a" + i, name);
            removes.add("#a" + i);
        }
        names.put("#id", EVENT_ID);
        String update = (sets.isEmpty() ? "" : "SET " + String.join(", ", sets))
                + (removes.isEmpty() ? "" : (sets.isEmpty() ? "" : " ") + "REMOVE " + String.join(", ", removes));
        dynamo.updateItem(b -> b.tableName(tables.events())
                .key(Map.of(EVENT_ID, AttributeValue.fromS(key)))
                .updateExpression(update)
                .conditionExpression("attribute_exists(#id)")
                .expressionAttributeNames(names)
                .expressionAttributeValues(values.isEmpty() ? null : values));
        return true;
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

    private static byte[] rawBody(Map<String, AttributeValue> item) {
        AttributeValue text = item.get(RAW_BODY);
        if (text != null && text.s() != null) {
            return text.s().getBytes(StandardCharsets.UTF_8);
        }
        AttributeValue bytes = item.get(RAW_BODY_BYTES);
        return bytes != null && bytes.b() != null ? bytes.b().asByteArray() : null;
    }

    private static String text(Map<String, AttributeValue> item, String name) {
        AttributeValue value = item.get(name);
        return value == null ? null : value.s();
    }

    /** The running counts, reported every {@code progressEvery} events or {@code progressIntervalMillis}. */
    private final class Counts {
        private final Listener listener;
        long selected;
        long reapplied;
        long unchanged;
        long failed;
        private long reportedAt = -1;
        private long lastReportMillis;

        Counts(Listener listener) {
            this.listener = listener;
            this.lastReportMillis = clock.millis();
        }

        void fail(String key, String reason) {
            failed++;
            listener.failed(key, reason);
        }

        void maybeReport() {
            long now = clock.millis();
            if (selected != reportedAt && (selected / progressEvery != reportedAt / progressEvery
                    || now - lastReportMillis >= progressIntervalMillis)) {
                reportedAt = selected;
                lastReportMillis = now;
                listener.progress(summary());
            }
        }

        Summary summary() {
            return new Summary(selected, reapplied, unchanged, failed);
        }
    }
}
