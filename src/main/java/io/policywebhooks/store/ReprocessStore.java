package io.policywebhooks.store;

import static io.policywebhooks.store.Schema.*;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;

/**
 * The reads and writes of the reprocess command (never the function's), in plain values: the stored events of a
 * selection, an event's parsed attributes refreshed, its states re-applied through {@link WebhookStore}'s guarded
 * write, and the state items that name an event (orphans found and removed).
 *
 * <p>Reads: an index only for keys (its projection may hold nothing else), then the full item by key; a selection
 * without a type scans the table; each state item by key before it is re-applied; the state tables once per run, for
 * orphans. Writes: the event item only through a conditional {@code UpdateItem} ({@code attribute_exists}), so an
 * event is never created here, and only its parsed attributes (all but {@link #RECORDED} and the kept headers); the
 * state items through {@link WebhookStore}; an orphan by a {@code DeleteItem} conditional on it still naming the
 * event. DynamoDB failures propagate (after the SDK's retries).
 */
public final class ReprocessStore {
    /**
     * On each state table: the item read before re-applying, the store's guarded write, the orphan scan and the
     * conditional removal of an orphan.
     */
    private static final Set<String> STATE_OPERATIONS = Set.of("GetItem", "UpdateItem", "Scan", "DeleteItem");

    /**
     * Every DynamoDB operation the reprocess command calls, by table ({@code UpdateItem} on the state tables is
     * {@link WebhookStore#applyState}'s): the {@code ReprocessPolicy} managed policy in template.yaml grants exactly
     * these, and {@link #INDEX_OPERATIONS} ({@code TemplateAgreementTest}).
     */
    public static final Map<WebhookStore.Table, Set<String>> OPERATIONS = Map.of(
            WebhookStore.Table.EVENTS, Set.of("Scan", "GetItem", "BatchGetItem", "UpdateItem"),
            WebhookStore.Table.POLICIES, STATE_OPERATIONS,
            WebhookStore.Table.ASSIGNMENTS, STATE_OPERATIONS);
    /** The operations on the events table's indexes, by index. */
    public static final Map<String, Set<String>> INDEX_OPERATIONS = Map.of(EVENTS_BY_TYPE, Set.of("Query"));

    /**
     * What the delivery itself recorded: identity, receipt, counting and the body, never touched by a refresh; nor
     * are the provider's kept headers. Every other event attribute is the mapping's: set from today's mapping,
     * removed when it no longer yields it.
     */
    public static final Set<String> RECORDED = Set.of(EVENT_ID, PROVIDER_ATTRIBUTE, RECEIVED_AT, LAST_RECEIVED_AT,
            DELIVERIES, DELIVERY_IDS, RAW_BODY, RAW_BODY_BYTES);

    /** BatchGetItem's most keys per request. */
    static final int BATCH_GET_MAX_KEYS = 100;
    private static final int MAX_UNPROCESSED_ROUNDS = 8;
    /** The attempt of the command's state writes: no deadline, and the delivery id that marks a state it wrote. */
    private static final Attempt REPROCESSING = Attempt.unbounded(WebhookStore.REPROCESS);

    /** What refreshing an event's parsed attributes did. */
    public enum Refresh {
        WRITTEN,
        /** they already were what the mapping gives: nothing written */
        ALREADY_RIGHT,
        /** the event item no longer exists: nothing written (an event is never created here) */
        GONE
    }

    /**
     * A state re-applied.
     *
     * @param written what the store's guarded write did
     * @param lowered the write replaced what an earlier mapping of this same event had written, and that ranked
     *                higher than what it now holds: an event the higher rank kept out may now be applied
     */
    public record Reapplied(WebhookStore.StateWrite written, boolean lowered) {
    }

    /** Where the events of a selection go, in the order they are read. */
    public interface Reader {
        void read(StoredEvent event);

        /** An event that was selected but could not be read; the reason says why. */
        void unread(String eventId, String reason);
    }

    private final DynamoDbClient dynamo;
    private final Schema.TableNames tables;
    private final WebhookStore store;
    private final Integer pageSize;

    /** @param pageSize items per Scan/Query page ({@code Limit}), null for DynamoDB's 1 MB pages */
    public ReprocessStore(DynamoDbClient dynamo, Schema.TableNames tables, Integer pageSize) {
        if (pageSize != null && pageSize < 1) {
            throw new IllegalArgumentException("page size must be positive");
        }
        this.dynamo = dynamo;
        this.tables = tables;
        this.store = new WebhookStore(dynamo, tables);
        this.pageSize = pageSize;
    }

    /** The tables it reads and writes. */
    public Schema.TableNames tables() {
        return tables;
    }

    // ------------------------------------------------------------------------------------------------ events

    /** The stored event of this key, if there is one ({@code consistent}: a strongly consistent read). */
    public Optional<StoredEvent> event(String eventId, boolean consistent) {
        Map<String, AttributeValue> item = dynamo.getItem(b -> b.tableName(tables.events())
                .key(Map.of(EVENT_ID, AttributeValue.fromS(eventId))).consistentRead(consistent)).item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(new StoredEvent(item));
    }

    /** The stored events of these keys (each once, in the order given; a missing one left out), by GetItem. */
    public void events(List<String> eventIds, Consumer<StoredEvent> each) {
        for (String id : new LinkedHashSet<>(eventIds)) {
            event(id, false).ifPresent(each);
        }
    }

    /**
     * The events of {@code type}, received in [{@code from}, {@code until}) (each bound null for none), of
     * {@code provider} when not null: their keys from the type index, then the items by BatchGetItem, 100 a
     * request, until DynamoDB has returned every one it has.
     */
    public void eventsOfType(String type, String provider, Instant from, Instant until, Reader reader) {
        ReceiptRange range = ReceiptRange.of(from, until);
        if (range.empty()) {
            return;
        }
        Map<String, String> names = new HashMap<>(Map.of("#type", TYPE));
        Map<String, AttributeValue> values = new HashMap<>(Map.of(":type", AttributeValue.fromS(type)));
        String keyCondition = "#type = :type" + range.condition("#at", names, values);
        String filter = null;
        if (provider != null) {
            filter = "begins_with(#id, :prefix)";
            values.put(":prefix", AttributeValue.fromS(provider + "#"));
        }
        names.put("#id", EVENT_ID);
        QueryRequest request = QueryRequest.builder().tableName(tables.events()).indexName(EVENTS_BY_TYPE)
                .keyConditionExpression(keyCondition).filterExpression(filter)
                .expressionAttributeNames(names).expressionAttributeValues(values).limit(pageSize)
                .projectionExpression("#id") // the key only: the index's projection may hold nothing else
                .build();
        for (QueryResponse page : dynamo.queryPaginator(request)) {
            List<Map<String, AttributeValue>> keys = new ArrayList<>();
            page.items().forEach(item -> keys.add(Map.of(EVENT_ID, item.get(EVENT_ID))));
            batchGet(keys, reader);
        }
    }

    private void batchGet(List<Map<String, AttributeValue>> keys, Reader reader) {
        for (int from = 0; from < keys.size(); from += BATCH_GET_MAX_KEYS) {
            List<Map<String, AttributeValue>> pending = keys.subList(from, Math.min(keys.size(),
                    from + BATCH_GET_MAX_KEYS));
            for (int round = 0; !pending.isEmpty(); round++) {
                if (round == MAX_UNPROCESSED_ROUNDS) {
                    for (Map<String, AttributeValue> key : pending) {
                        reader.unread(key.get(EVENT_ID).s(), "not read: BatchGetItem left it unprocessed "
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
                response.responses().getOrDefault(tables.events(), List.of())
                        .forEach(item -> reader.read(new StoredEvent(item)));
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

    /**
     * Every event received in [{@code from}, {@code until}) (each bound null for none), of {@code provider} when not
     * null: a scan of the whole table, which reads (and pays for) every item.
     */
    public void scanEvents(String provider, Instant from, Instant until, Consumer<StoredEvent> each) {
        ReceiptRange range = ReceiptRange.of(from, until);
        if (range.empty()) {
            return;
        }
        Map<String, String> names = new HashMap<>();
        Map<String, AttributeValue> values = new HashMap<>();
        List<String> conditions = new ArrayList<>();
        if (provider != null) {
            conditions.add("begins_with(#id, :prefix)");
            names.put("#id", EVENT_ID);
            values.put(":prefix", AttributeValue.fromS(provider + "#"));
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
        dynamo.scanPaginator(request.build()).items().forEach(item -> each.accept(new StoredEvent(item)));
    }

    /**
     * Rewrites the stored event's parsed attributes where they differ from {@code event}'s (as a delivery would
     * store them, limits applied, what DynamoDB refuses named in {@code leftOut}): never {@link #RECORDED} nor
     * {@code keptHeaders}, and only while the item exists.
     *
     * @param keptHeaders the attributes holding the providers' kept headers
     */
    public Refresh refresh(StoredEvent stored, EventRecord event, Set<String> keptHeaders, List<String> leftOut) {
        Map<String, AttributeValue> item = stored.item();
        Map<String, AttributeValue> fresh = WebhookStore.eventItem(event, leftOut);
        Map<String, AttributeValue> set = new TreeMap<>();
        fresh.forEach((name, value) -> {
            if (!kept(name, keptHeaders) && !Attributes.same(item.get(name), value)) {
                set.put(name, value);
            }
        });
        List<String> remove = item.keySet().stream()
                .filter(name -> !kept(name, keptHeaders) && !fresh.containsKey(name)).sorted().toList();
        if (set.isEmpty() && remove.isEmpty()) {
            return Refresh.ALREADY_RIGHT;
        }
        UpdateExpression update = new UpdateExpression(set, remove).name("#id", EVENT_ID);
        try {
            dynamo.updateItem(b -> b.tableName(tables.events())
                    .key(Map.of(EVENT_ID, AttributeValue.fromS(stored.eventId())))
                    .updateExpression(update.expression())
                    .conditionExpression("attribute_exists(#id)")
                    .expressionAttributeNames(update.names())
                    .expressionAttributeValues(update.values()));
            return Refresh.WRITTEN;
        } catch (ConditionalCheckFailedException gone) {
            return Refresh.GONE;
        }
    }

    private static boolean kept(String name, Set<String> keptHeaders) {
        return RECORDED.contains(name) || keptHeaders.contains(name);
    }

    // ------------------------------------------------------------------------------------------------ states

    /**
     * Re-applies one state of the stored event {@code eventId}: reads the item first (strongly consistent), so that
     * where it names this event (an earlier mapping of it wrote it) the store rewrites it
     * ({@link WebhookStore#applyState(StateUpdate, Instant, Map)}).
     */
    public Reapplied reapply(String eventId, StateUpdate state, Instant now) {
        Map<String, AttributeValue> stored = dynamo.getItem(b -> b.tableName(tables.of(state.kind()))
                .key(Map.of(keyName(state.kind()), AttributeValue.fromS(state.id()))).consistentRead(true)).item();
        if (stored != null && stored.isEmpty()) {
            stored = null;
        }
        WebhookStore.StateWrite written = store.applyState(state, now, stored);
        boolean lowered = written.applied() == WebhookStore.Applied.APPLIED && stored != null
                && eventId.equals(Attributes.text(stored, LAST_EVENT_ID)) && storedSortsAfter(stored, state);
        return new Reapplied(written, lowered);
    }

    /** Whether the stored state's version and order key sort after the state's, as the store's guard compares. */
    private static boolean storedSortsAfter(Map<String, AttributeValue> stored, StateUpdate state) {
        AttributeValue version = stored.get(VERSION);
        String order = Attributes.text(stored, LAST_EVENT_ORDER);
        return StateUpdate.sortsAfter(
                version == null || version.n() == null ? null : new BigDecimal(version.n()).longValue(),
                order == null ? "" : order, state.version(), state.orderKey());
    }

    /** The store's guarded write of one state, as the reprocess command's ({@link WebhookStore#REPROCESS}). */
    public WebhookStore.StateWrite apply(StateUpdate state, Instant now) {
        return store.applyState(state, now, REPROCESSING);
    }

    /**
     * Each item of the states of {@code kind}: its key value and the event it names as its last one (null for
     * none), read page by page by a Scan of those two attributes.
     */
    public void lastEvents(StateUpdate.Kind kind, BiConsumer<String, String> each) {
        String keyName = keyName(kind);
        ScanRequest request = ScanRequest.builder().tableName(tables.of(kind)).limit(pageSize)
                .projectionExpression("#key, #last")
                .expressionAttributeNames(Map.of("#key", keyName, "#last", LAST_EVENT_ID)).build();
        for (Map<String, AttributeValue> item : dynamo.scanPaginator(request).items()) {
            each.accept(item.get(keyName).s(), Attributes.text(item, LAST_EVENT_ID));
        }
    }

    /**
     * Removes the state item of {@code kind} and {@code id} if it still names {@code eventId} as its last event, so
     * a delivery written since it was read is never removed.
     *
     * @return false when it no longer names that event (or is gone): nothing removed
     */
    public boolean removeIfNames(StateUpdate.Kind kind, String id, String eventId) {
        try {
            dynamo.deleteItem(b -> b.tableName(tables.of(kind))
                    .key(Map.of(keyName(kind), AttributeValue.fromS(id)))
                    .conditionExpression("#last = :event")
                    .expressionAttributeNames(Map.of("#last", LAST_EVENT_ID))
                    .expressionAttributeValues(Map.of(":event", AttributeValue.fromS(eventId))));
            return true;
        } catch (ConditionalCheckFailedException namesAnother) {
            return false;
        }
    }
}
