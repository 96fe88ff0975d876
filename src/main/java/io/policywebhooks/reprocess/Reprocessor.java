package io.policywebhooks.reprocess;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;

import io.policywebhooks.provider.Delivery;
import io.policywebhooks.provider.Headers;
import io.policywebhooks.provider.Mapping;
import io.policywebhooks.provider.WebhookProvider;
import io.policywebhooks.store.ReprocessStore;
import io.policywebhooks.store.StateUpdate;
import io.policywebhooks.store.StoredEvent;
import io.policywebhooks.store.Schema;
import io.policywebhooks.store.WebhookStore;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * Re-runs the mapping over stored events: for each selected event, its stored raw body is parsed and mapped again
 * (no signature check: it was verified when received), its parsed attributes are refreshed and its states are
 * re-applied through the store's guarded write ({@link ReprocessStore#reapply}): the ordering guard keeps a newer
 * event's state, and a state that names the event being re-applied is rewritten to what today's mapping gives, so any
 * number of runs, in any order, end in the same state. After the events, the state items that name a selected event
 * as their last one but that its mapping no longer gives (orphans) are listed, and removed when asked. What is read
 * and written, and how, is {@link ReprocessStore}'s; this class selects, counts and reports.
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


    private final ReprocessStore store;
    private final Map<String, WebhookProvider> providers;
    /** Every provider's kept headers' attributes: the delivery's, never the mapping's. */
    private final Set<String> keptHeaders;
    private final Clock clock;
    private final int progressEvery;
    private final long progressIntervalMillis;

    /**
     * @param providers       the providers whose events can be reprocessed ({@code Providers.all()})
     * @param progressEvery   report progress after this many events, and at least every
     *                        {@code progressIntervalMillis}
     */
    public Reprocessor(ReprocessStore store, List<WebhookProvider> providers, Clock clock, int progressEvery,
            long progressIntervalMillis) {
        this.store = store;
        this.providers = providers.stream().collect(Collectors.toUnmodifiableMap(WebhookProvider::name, p -> p));
        Set<String> kept = new HashSet<>();
        providers.forEach(p -> p.keptHeaders().forEach(header -> kept.add(header.attribute())));
        this.keptHeaders = Set.copyOf(kept);
        this.clock = clock;
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
        Consumer<StoredEvent> each = event -> {
            listener.selected(event.eventId());
            run.selected++;
            process(event, run, dryRun);
            run.maybeReport();
        };
        try {
            select(selection, each, run);
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

    /**
     * By id when ids are given (the other criteria checked on each item), else through the type index when a type
     * is, else by a scan.
     */
    private void select(Selection selection, Consumer<StoredEvent> each, Run run) {
        String provider = selection.provider();
        Instant from = selection.receivedFrom();
        Instant until = selection.receivedUntil();
        if (!selection.eventIds().isEmpty()) {
            store.events(selection.eventIds(), event -> {
                if (event.matches(provider, selection.type(), from, until)) {
                    each.accept(event);
                }
            });
        } else if (selection.type() != null) {
            store.eventsOfType(selection.type(), provider, from, until, new ReprocessStore.Reader() {
                @Override
                public void read(StoredEvent event) {
                    each.accept(event);
                }

                @Override
                public void unread(String eventId, String reason) {
                    run.selected++;
                    run.fail(eventId, reason);
                }
            });
        } else {
            store.scanEvents(provider, from, until, each);
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
    private void process(StoredEvent stored, Run run, boolean dryRun) {
        String key = stored.eventId();
        Delivery delivery;
        try {
            delivery = map(stored, run.listener);
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
            switch (store.refresh(stored, delivery.event(), keptHeaders, leftOut)) {
                case WRITTEN -> wrote = true;
                case GONE -> failures.add("the event item no longer exists");
                case ALREADY_RIGHT -> {
                }
            }
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
    private Delivery map(StoredEvent stored, Listener listener) throws Unmappable {
        String key = stored.eventId();
        byte[] body = stored.rawBody();
        if (body == null) {
            throw new Unmappable("no raw_body stored");
        }
        String provider = stored.provider();
        WebhookProvider mapper = provider == null ? null : providers.get(provider);
        if (mapper == null) {
            throw new Unmappable("no mapping for provider " + provider);
        }
        Instant receivedAt = stored.receivedAt();
        if (receivedAt == null) {
            throw new Unmappable("received_at missing or unreadable");
        }
        Mapping mapping = Mapping.of(mapper, body, headers(stored, mapper), receivedAt);
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
    private static Headers headers(StoredEvent stored, WebhookProvider provider) {
        Map<String, String> headers = new HashMap<>();
        for (WebhookProvider.KeptHeader kept : provider.keptHeaders()) {
            String value = stored.text(kept.attribute());
            if (value != null) {
                headers.put(kept.header(), value);
            }
        }
        return Headers.of(headers);
    }

    private static StateUpdate renamed(StateUpdate state, String mappedId, String storedId) {
        Map<String, Object> attributes = new HashMap<>(state.attributes());
        if (mappedId.equals(attributes.get(Schema.LAST_EVENT_ID))) {
            attributes.put(Schema.LAST_EVENT_ID, storedId);
        }
        return new StateUpdate(state.kind(), state.id(), state.version(), state.orderKey(), attributes);
    }

    /**
     * Re-applies one state; where the rewrite of what an earlier mapping of this event wrote lowers the item's order
     * (the fix ranks this event lower), an event of this run that the higher order held back is applied after all.
     */
    private WebhookStore.Applied reapply(String key, StateUpdate state, List<String> leftOut, List<HeldBack> heldBack,
            Run run) {
        ReprocessStore.Reapplied reapplied = store.reapply(key, state, clock.instant());
        leftOut.addAll(reapplied.written().leftOut());
        WebhookStore.Applied applied = reapplied.written().applied();
        if (reapplied.lowered()) {
            applyHeldBack(Target.of(state), run);
        } else if (applied == WebhookStore.Applied.STALE) {
            HeldBack held = new HeldBack(key, state);
            heldBack.add(held);
            run.heldBack.merge(Target.of(state), held,
                    (kept, other) -> other.state.sortsAfter(kept.state) ? other : kept);
        }
        return applied;
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
            StoredEvent stored = store.event(held.eventId, true).orElse(null);
            if (stored == null) {
                return;
            }
            for (StateUpdate state : map(stored, new Listener() {
            }).states()) {
                if (Target.of(state).equals(target)
                        && store.apply(state, clock.instant()).applied() == WebhookStore.Applied.APPLIED
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

    // ------------------------------------------------------------------------------------------------ orphans

    /**
     * Goes through both state tables for items naming an event of this run as their last event that its mapping no
     * longer gives; removes each, when asked, only while it still names that event, so a delivery written meanwhile
     * is never removed.
     */
    private void orphans(Run run, boolean remove) {
        if (run.produced.isEmpty()) {
            return;
        }
        for (StateUpdate.Kind kind : StateUpdate.Kind.values()) {
            String table = store.tables().of(kind);
            store.lastEvents(kind, (id, eventId) -> {
                Set<Target> given = eventId == null ? null : run.produced.get(eventId);
                Target target = new Target(kind, id);
                if (given != null && !given.contains(target)) {
                    run.orphans++;
                    Orphan what = !remove ? Orphan.FOUND
                            : store.removeIfNames(kind, id, eventId) ? Orphan.REMOVED
                            : Orphan.NAMES_ANOTHER_EVENT;
                    if (what == Orphan.REMOVED) {
                        run.orphansRemoved++;
                    }
                    run.listener.orphan(table, id, eventId, what);
                }
            });
        }
    }

    /** A state item: its table and key value. */
    private record Target(StateUpdate.Kind kind, String id) {
        static Target of(StateUpdate state) {
            return new Target(state.kind(), state.id());
        }

        @Override
        public String toString() {
            return Schema.keyName(kind) + " " + id;
        }
    }

    /** An event whose state a newer-ordered one kept out, and how the event was counted. */
    private static final class HeldBack {
        final String eventId;
        final StateUpdate state;
        Category category;

        HeldBack(String eventId, StateUpdate state) {
            this.eventId = eventId;
            this.state = state;
        }
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
