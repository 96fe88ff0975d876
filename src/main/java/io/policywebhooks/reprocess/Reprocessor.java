package io.policywebhooks.reprocess;

import static io.policywebhooks.store.Tables.*;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.stream.Collectors;

import io.policywebhooks.store.Attempt;
import io.policywebhooks.store.Attributes;
import io.policywebhooks.store.EventRecord;
import io.policywebhooks.store.StateUpdate;
import io.policywebhooks.store.Tables;
import io.policywebhooks.store.WebhookStore;
import io.policywebhooks.provider.Delivery;
import io.policywebhooks.provider.Headers;
import io.policywebhooks.provider.Mapping;
import io.policywebhooks.provider.WebhookProvider;
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

/**
 * Re-runs the mapping over stored events: for each selected event, its stored raw body is parsed and mapped again
 * (no signature check: it was verified when received), its parsed attributes are refreshed and its states are
 * re-applied through {@link WebhookStore#applyState(StateUpdate, Instant, Map)}: the ordering guard keeps a newer
 * event's state, and a state that names the event being re-applied is rewritten to what today's mapping gives, so any
 * number of runs, in any order, end in the same state. After the events, the state items that name a selected event
 * as their last one but that its mapping no longer gives (orphans) are listed, and removed when asked.
 *
 * <p>Reads: an index only for keys (its projection may hold nothing else), then the full item by key; a selection
 * without a type scans the table; each state item by key before it is re-applied; the state tables once per run, for
 * orphans. Writes: the event item only through a conditional {@code UpdateItem} ({@code attribute_exists}), so an
 * event is never created here, and only its parsed attributes (all but {@link #RECORDED}); the state items through the
 * store; an orphan by a {@code DeleteItem} conditional on it still naming the event.
 */
public final class Reprocessor {
    /**
     * Each selected event is counted once in {@code selected} and, unless a dry run, in exactly one of the next four,
     * the first that holds: failed, reapplied, stale, already right.
     *
     * @param selected       events that matched the selection and were read
     * @param reapplied      events for which this run changed something: the event item's parsed attributes, or a
     *                       state item (re-applied over an older event's, or repaired where it names this event)
     * @param alreadyRight   events whose items already were what today's mapping gives: nothing written
     * @param stale          events for which nothing was written because a newer event keeps a state they give
     * @param failed         events that could not be reprocessed (no body, no mapping for the provider, a mapping
     *                       that throws, a storage error after the SDK's retries, the item gone), or one of whose
     *                       writes failed; each of their other writes was still made
     * @param orphans        state items that name a selected event as their last event but that its mapping no
     *                       longer gives
     * @param orphansRemoved of those, the ones removed ({@code removeOrphans})
     */
    public record Summary(long selected, long reapplied, long alreadyRight, long stale, long failed, long orphans,
            long orphansRemoved) {
        @Override
        public String toString() {
            return "selected " + selected + ", reapplied " + reapplied + ", already right " + alreadyRight
                    + ", stale " + stale + ", failed " + failed + ", orphans " + orphans + ", orphans removed "
                    + orphansRemoved;
        }

        /** What a dry run finds: nothing is written, so only these counts mean anything. */
        public String dryRun() {
            return "selected " + selected + ", failed " + failed + ", orphans " + orphans;
        }
    }

    /** Reading the selection, or the orphan pass, failed (after the SDK's retries): the run ended with these counts. */
    public static final class Aborted extends RuntimeException {
        private final transient Summary soFar;

        Aborted(String what, Summary soFar, SdkException cause) {
            super(what + " failed: " + cause.getClass().getSimpleName() + ": " + cause.getMessage(), cause);
            this.soFar = soFar;
        }

        public Summary soFar() {
            return soFar;
        }
    }

    /** What happened to an orphan. */
    public enum Orphan {
        /** listed only: removing needs {@code removeOrphans} (and no dry run) */
        FOUND,
        REMOVED,
        /** not removed: a delivery made it name another event between the scan and the removal */
        NAMES_ANOTHER_EVENT
    }

    /** What a run reports while it goes; every method may be left out. */
    public interface Listener {
        /** An event was selected and read. */
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

        /** A state item names {@code eventId} as its last event, but that event's mapping no longer gives it. */
        default void orphan(String table, String key, String eventId, Orphan what) {
        }

        default void progress(Summary soFar) {
        }
    }

    /**
     * On each state table: the item read before re-applying, the store's guarded write, the orphan scan and the
     * conditional removal of an orphan.
     */
    /** The attempt of the command's writes: no deadline, and the delivery id that marks a state it wrote. */
    private static final Attempt REPROCESSING = Attempt.unbounded(WebhookStore.REPROCESS);
    private static final Set<String> STATE_OPERATIONS = Set.of("GetItem", "UpdateItem", "Scan", "DeleteItem");

    /**
     * Every DynamoDB operation the reprocessor calls, by table ({@code UpdateItem} on the state tables is
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
     * What the delivery itself recorded: identity, receipt, counting and the body, never touched by a run; nor are
     * the provider's kept headers ({@link WebhookProvider#keptHeaders}). Every other event attribute is the
     * mapping's: set from today's mapping, removed when it no longer yields it.
     */
    static final Set<String> RECORDED = Set.of(EVENT_ID, PROVIDER_ATTRIBUTE, RECEIVED_AT, LAST_RECEIVED_AT,
            DELIVERIES, DELIVERY_IDS, RAW_BODY, RAW_BODY_BYTES);

    /** BatchGetItem's most keys per request. */
    static final int BATCH_GET_MAX_KEYS = 100;
    private static final int MAX_UNPROCESSED_ROUNDS = 8;

    private final DynamoDbClient dynamo;
    private final Tables.Names tables;
    private final WebhookStore store;
    private final Map<String, WebhookProvider> providers;
    /** {@link #RECORDED} and every provider's kept headers. */
    private final Set<String> kept;
    private final Clock clock;
    private final Integer pageSize;
    private final int progressEvery;
    private final long progressIntervalMillis;

    /**
     * @param providers       the providers whose events can be reprocessed ({@code Providers.all()})
     * @param pageSize        items per Scan/Query page ({@code Limit}), null for DynamoDB's 1 MB pages
     * @param progressEvery   report progress after this many events, and at least every
     *                        {@code progressIntervalMillis}
     */
    public Reprocessor(DynamoDbClient dynamo, Tables.Names tables, List<WebhookProvider> providers, Clock clock, Integer pageSize, int progressEvery,
            long progressIntervalMillis) {
        if (pageSize != null && pageSize < 1) {
            throw new IllegalArgumentException("page size must be positive");
        }
        this.dynamo = dynamo;
        this.tables = tables;
        this.store = new WebhookStore(dynamo, tables);
        this.providers = providers.stream().collect(Collectors.toUnmodifiableMap(WebhookProvider::name, p -> p));
        Set<String> kept = new HashSet<>(RECORDED);
        providers.forEach(p -> p.keptHeaders().forEach(header -> kept.add(header.attribute())));
        this.kept = Set.copyOf(kept);
        this.clock = clock;
        this.pageSize = pageSize;
        this.progressEvery = progressEvery;
        this.progressIntervalMillis = progressIntervalMillis;
    }

    /** As {@link #run(Selection, boolean, boolean, Listener)}, listing orphans without removing them. */
    public Summary run(Selection selection, boolean dryRun, Listener listener) {
        return run(selection, dryRun, false, listener);
    }

    /**
     * Reprocesses every event of the selection, paging through all of it, then looks for orphans. A failure of one
     * event is counted and reported, and the run goes on. A dry run reads and maps the same events and lists the
     * orphans, and writes nothing.
     *
     * @param removeOrphans remove each orphan found (not in a dry run), only while it still names the event
     * @throws Aborted when reading the selection itself fails (Scan, Query, GetItem or BatchGetItem), or the orphan
     *                 pass does (Scan, DeleteItem)
     */
    public Summary run(Selection selection, boolean dryRun, boolean removeOrphans, Listener listener) {
        Run run = new Run(listener);
        Consumer<Map<String, AttributeValue>> each = item -> {
            String key = item.get(EVENT_ID).s();
            listener.selected(key);
            run.selected++;
            process(key, item, run, dryRun);
            run.maybeReport();
        };
        try {
            if (!selection.eventIds().isEmpty()) {
                byIds(selection, each);
            } else if (selection.type() != null) {
                byType(selection, each, run);
            } else {
                scan(selection, each);
            }
        } catch (SdkException e) {
            throw new Aborted("reading the selection", run.summary(), e);
        }
        try {
            orphans(run, removeOrphans && !dryRun);
        } catch (SdkException e) {
            throw new Aborted("looking for orphans", run.summary(), e);
        }
        return run.summary();
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
    private void byType(Selection selection, Consumer<Map<String, AttributeValue>> each, Run run) {
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
        names.put("#id", EVENT_ID);
        QueryRequest.Builder request = QueryRequest.builder().tableName(tables.events()).indexName(EVENTS_BY_TYPE)
                .keyConditionExpression(keyCondition).filterExpression(filter)
                .expressionAttributeNames(names).expressionAttributeValues(values).limit(pageSize)
                .projectionExpression("#id"); // the key only: the index's projection may hold nothing else
        Map<String, AttributeValue> start = null;
        do {
            QueryResponse page = dynamo.query(request.exclusiveStartKey(start).build());
            List<Map<String, AttributeValue>> keys = new ArrayList<>();
            page.items().forEach(item -> keys.add(Map.of(EVENT_ID, item.get(EVENT_ID))));
            fetch(keys, each, run);
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null);
    }

    /** The full items of these keys, 100 a request, until DynamoDB has returned every one it has. */
    private void fetch(List<Map<String, AttributeValue>> keys, Consumer<Map<String, AttributeValue>> each,
            Run run) {
        for (int from = 0; from < keys.size(); from += BATCH_GET_MAX_KEYS) {
            List<Map<String, AttributeValue>> pending = keys.subList(from, Math.min(keys.size(),
                    from + BATCH_GET_MAX_KEYS));
            for (int round = 0; !pending.isEmpty(); round++) {
                if (round == MAX_UNPROCESSED_ROUNDS) {
                    for (Map<String, AttributeValue> key : pending) {
                        run.selected++;
                        run.fail(key.get(EVENT_ID).s(), "not read: BatchGetItem left it unprocessed "
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
    private void scan(Selection selection, Consumer<Map<String, AttributeValue>> each) {
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
        Map<String, AttributeValue> start = null;
        do {
            ScanResponse page = dynamo.scan(request.exclusiveStartKey(start).build());
            page.items().forEach(each);
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

    /** How a selected event is counted. */
    private enum Category {
        REAPPLIED, ALREADY_RIGHT, STALE, FAILED
    }

    /** An event can not be mapped: the reason. */
    private static final class Unmappable extends Exception {
        Unmappable(String reason) {
            super(reason, null, false, false);
        }
    }

    /**
     * Maps the event and writes what differs. The event item's refresh and each state write are independent: one
     * failing neither stops nor undoes the others.
     */
    private void process(String key, Map<String, AttributeValue> item, Run run, boolean dryRun) {
        Delivery delivery;
        try {
            delivery = map(key, item, run.listener);
        } catch (Unmappable e) {
            run.fail(key, e.getMessage());
            return;
        }
        run.produced.put(key, delivery.states().stream().map(Target::of).collect(Collectors.toSet()));
        if (dryRun) {
            return;
        }
        List<String> failures = new ArrayList<>();
        List<String> leftOut = new ArrayList<>();
        boolean wrote = false;
        boolean stale = false;
        try {
            wrote = refresh(key, delivery.event(), item, leftOut);
        } catch (ConditionalCheckFailedException gone) {
            failures.add("the event item no longer exists");
        } catch (SdkException e) {
            failures.add("event item: storage: " + e.getClass().getSimpleName());
        }
        List<HeldBack> heldBack = new ArrayList<>();
        for (StateUpdate state : delivery.states()) {
            try {
                WebhookStore.Applied applied = reapply(key, state, leftOut, heldBack, run);
                wrote |= applied == WebhookStore.Applied.APPLIED;
                // refused (an unreadable time, a key DynamoDB refuses): the stored state is kept, as for stale
                stale |= applied == WebhookStore.Applied.STALE || applied == WebhookStore.Applied.REFUSED;
            } catch (SdkException e) {
                failures.add(Target.of(state) + ": storage: " + e.getClass().getSimpleName());
            }
        }
        if (!leftOut.isEmpty()) {
            run.listener.leftOut(key, leftOut);
        }
        Category category = !failures.isEmpty() ? Category.FAILED
                : wrote ? Category.REAPPLIED
                : stale ? Category.STALE
                : Category.ALREADY_RIGHT;
        heldBack.forEach(held -> held.category = category);
        if (category == Category.FAILED) {
            run.fail(key, String.join("; ", failures));
        } else {
            run.count(category, 1);
        }
    }

    /**
     * Today's mapping of a stored event, its states naming the stored key.
     *
     * @throws Unmappable when it has no body, no mapping, no readable receipt time, or the mapping throws (then
     *                    nothing of the event is written: keeping what an earlier mapping stored is better than
     *                    replacing it with a raw fallback)
     */
    private Delivery map(String key, Map<String, AttributeValue> item, Listener listener) throws Unmappable {
        byte[] body = rawBody(item);
        if (body == null) {
            throw new Unmappable("no raw_body stored");
        }
        String provider = text(item, PROVIDER_ATTRIBUTE);
        WebhookProvider mapper = provider == null ? null : providers.get(provider);
        if (mapper == null) {
            throw new Unmappable("no mapping for provider " + provider);
        }
        Instant receivedAt;
        try {
            receivedAt = Instant.parse(text(item, RECEIVED_AT));
        } catch (RuntimeException e) {
            throw new Unmappable("received_at missing or unreadable");
        }
        Mapping mapping = Mapping.of(mapper, body, headers(item, mapper), receivedAt);
        if (mapping.failed()) {
            throw new Unmappable("the mapping threw " + mapping.failure() + "; the event is left as stored");
        }
        Delivery delivery = mapping.delivery();
        String mappedId = delivery.event().eventId();
        if (mappedId.equals(key)) {
            return delivery;
        }
        // The stored key stays the event's identity: the states name it, so they point at an item that exists.
        listener.idChanged(key, mappedId);
        return new Delivery(delivery.event(),
                delivery.states().stream().map(state -> renamed(state, mappedId, key)).toList());
    }

    /** The provider's kept headers, back from the attributes they were stored in. */
    private static Headers headers(Map<String, AttributeValue> item, WebhookProvider provider) {
        Map<String, String> headers = new HashMap<>();
        for (WebhookProvider.KeptHeader kept : provider.keptHeaders()) {
            String value = text(item, kept.attribute());
            if (value != null) {
                headers.put(kept.header(), value);
            }
        }
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
     * Re-applies one state: reads the item first, so that where it names this event (an earlier mapping of it wrote
     * it) the store rewrites it, and where the rewrite lowers the item's order (the fix ranks this event lower), an
     * event of this run that the higher order held back is applied after all.
     */
    private WebhookStore.Applied reapply(String key, StateUpdate state, List<String> leftOut, List<HeldBack> heldBack,
            Run run) {
        Target target = Target.of(state);
        Map<String, AttributeValue> stored = dynamo.getItem(b -> b.tableName(tables(target.kind()))
                .key(target.key()).consistentRead(true)).item();
        if (stored != null && stored.isEmpty()) {
            stored = null;
        }
        WebhookStore.StateWrite written = store.applyState(state, clock.instant(), stored);
        leftOut.addAll(written.leftOut());
        if (written.applied() == WebhookStore.Applied.APPLIED && stored != null
                && key.equals(text(stored, LAST_EVENT_ID)) && Guard.of(stored).beats(Guard.of(state))) {
            applyHeldBack(target, run);
        } else if (written.applied() == WebhookStore.Applied.STALE) {
            HeldBack held = new HeldBack(key, Guard.of(state));
            heldBack.add(held);
            run.heldBack.merge(target, held, (kept, other) -> other.guard.beats(kept.guard) ? other : kept);
        }
        return written.applied();
    }

    /**
     * The strongest event of this run whose state for {@code target} a newer-ordered state kept out, applied again
     * now that the item's order is lower. Weaker ones need no second try: the strongest beats them.
     */
    private void applyHeldBack(Target target, Run run) {
        HeldBack held = run.heldBack.remove(target);
        if (held == null) {
            return;
        }
        try {
            Map<String, AttributeValue> item = dynamo.getItem(b -> b.tableName(tables.events())
                    .key(Map.of(EVENT_ID, AttributeValue.fromS(held.eventId))).consistentRead(true)).item();
            if (item == null || item.isEmpty()) {
                return;
            }
            for (StateUpdate state : map(held.eventId, item, new Listener() {
            }).states()) {
                if (Target.of(state).equals(target)
                        && store.applyState(state, clock.instant(), REPROCESSING).applied()
                                == WebhookStore.Applied.APPLIED
                        && held.category == Category.STALE) {
                    run.count(Category.STALE, -1);
                    run.count(Category.REAPPLIED, 1);
                }
            }
        } catch (Unmappable | SdkException e) {
            run.listener.failed(held.eventId, "re-applying " + target + " after its order was lowered: "
                    + (e instanceof Unmappable ? e.getMessage() : "storage: " + e.getClass().getSimpleName()));
            if (held.category != null && held.category != Category.FAILED) {
                run.count(held.category, -1);
                run.count(Category.FAILED, 1);
            }
        }
    }

    /**
     * Rewrites the event's parsed attributes where they differ from the mapping's (as the store would write them,
     * limits applied). @return whether it wrote
     */
    private boolean refresh(String key, EventRecord event, Map<String, AttributeValue> stored, List<String> leftOut) {
        Map<String, AttributeValue> fresh = WebhookStore.eventItem(event, leftOut);
        Map<String, AttributeValue> set = new TreeMap<>();
        fresh.forEach((name, value) -> {
            if (!kept.contains(name) && !Attributes.same(stored.get(name), value)) {
                set.put(name, value);
            }
        });
        List<String> remove = stored.keySet().stream().filter(name -> !kept.contains(name) && !fresh.containsKey(name))
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

    // ------------------------------------------------------------------------------------------------ orphans

    /**
     * Scans both state tables for items naming an event of this run as their last event that its mapping no longer
     * gives; removes each, when asked, with a {@code DeleteItem} conditional on it still naming that event, so a
     * delivery written meanwhile is never removed.
     */
    private void orphans(Run run, boolean remove) {
        if (run.produced.isEmpty()) {
            return;
        }
        for (StateUpdate.Kind kind : StateUpdate.Kind.values()) {
            String table = tables(kind);
            String keyName = Target.keyName(kind);
            ScanRequest request = ScanRequest.builder().tableName(table).limit(pageSize)
                    .projectionExpression("#key, #last")
                    .expressionAttributeNames(Map.of("#key", keyName, "#last", LAST_EVENT_ID)).build();
            for (Map<String, AttributeValue> item : dynamo.scanPaginator(request).items()) {
                String eventId = text(item, LAST_EVENT_ID);
                Set<Target> given = eventId == null ? null : run.produced.get(eventId);
                Target target = new Target(kind, item.get(keyName).s());
                if (given != null && !given.contains(target)) {
                    run.orphans++;
                    Orphan what = remove ? removeOrphan(table, target, eventId) : Orphan.FOUND;
                    if (what == Orphan.REMOVED) {
                        run.orphansRemoved++;
                    }
                    run.listener.orphan(table, target.id(), eventId, what);
                }
            }
        }
    }

    private Orphan removeOrphan(String table, Target target, String eventId) {
        try {
            dynamo.deleteItem(b -> b.tableName(table).key(target.key())
                    .conditionExpression("#last = :event")
                    .expressionAttributeNames(Map.of("#last", LAST_EVENT_ID))
                    .expressionAttributeValues(Map.of(":event", AttributeValue.fromS(eventId))));
            return Orphan.REMOVED;
        } catch (ConditionalCheckFailedException newer) {
            return Orphan.NAMES_ANOTHER_EVENT;
        }
    }

    private String tables(StateUpdate.Kind kind) {
        return kind == StateUpdate.Kind.POLICY ? tables.policies() : tables.assignments();
    }

    /** A state item: its table and key value. */
    private record Target(StateUpdate.Kind kind, String id) {
        static Target of(StateUpdate state) {
            return new Target(state.kind(), state.id());
        }

        static String keyName(StateUpdate.Kind kind) {
            return kind == StateUpdate.Kind.POLICY ? POLICY_ID : ASSIGNMENT_ID;
        }

        Map<String, AttributeValue> key() {
            return Map.of(keyName(kind), AttributeValue.fromS(id));
        }

        @Override
        public String toString() {
            return keyName(kind) + " " + id;
        }
    }

    /**
     * What the ordering guard compares, as {@link WebhookStore}'s condition does: the versions when both carry one
     * and they differ, else the order keys.
     */
    private record Guard(Long version, String order) {
        static Guard of(StateUpdate state) {
            return new Guard(state.version(), state.orderKey());
        }

        static Guard of(Map<String, AttributeValue> stored) {
            AttributeValue version = stored.get(VERSION);
            String order = text(stored, LAST_EVENT_ORDER);
            return new Guard(version == null || version.n() == null ? null : new BigDecimal(version.n()).longValue(),
                    order == null ? "" : order);
        }

        boolean beats(Guard other) {
            if (version != null && other.version != null && !version.equals(other.version)) {
                return version > other.version;
            }
            return order.compareTo(other.order) > 0;
        }
    }

    /** An event whose state a newer-ordered one kept out, and how the event was counted. */
    private static final class HeldBack {
        final String eventId;
        final Guard guard;
        Category category;

        HeldBack(String eventId, Guard guard) {
            this.eventId = eventId;
            this.guard = guard;
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

    /** One run: its counts (reported every {@code progressEvery} events or {@code progressIntervalMillis}). */
    private final class Run {
        private final Listener listener;
        /** The state items each processed event's mapping gives, by stored event key: what is not an orphan. */
        final Map<String, Set<Target>> produced = new HashMap<>();
        /** By state item, the strongest event of this run whose state for it was kept out by a newer order. */
        final Map<Target, HeldBack> heldBack = new HashMap<>();
        long selected;
        long reapplied;
        long alreadyRight;
        long stale;
        long failed;
        long orphans;
        long orphansRemoved;
        private long reportedAt = -1;
        private long lastReportMillis;

        Run(Listener listener) {
            this.listener = listener;
            this.lastReportMillis = clock.millis();
        }

        void fail(String key, String reason) {
            failed++;
            listener.failed(key, reason);
        }

        void count(Category category, int delta) {
            switch (category) {
                case REAPPLIED -> reapplied += delta;
                case ALREADY_RIGHT -> alreadyRight += delta;
                case STALE -> stale += delta;
                case FAILED -> failed += delta;
            }
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
            return new Summary(selected, reapplied, alreadyRight, stale, failed, orphans, orphansRemoved);
        }
    }
}
