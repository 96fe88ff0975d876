package io.policywebhooks.bench;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;

import io.policywebhooks.DynaliteResource;
import io.policywebhooks.bench.EndToEndLoad.Sample;
import io.policywebhooks.bench.LoadRequests.Answer;
import io.policywebhooks.bench.LoadRequests.Event;
import io.policywebhooks.store.Schema;
import io.policywebhooks.verticalinsure.VerticalInsureEvents;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;

/**
 * What the functions of {@link EndToEndLoad} stored, read back from dynalite: each accepted event once with its raw
 * body and its policy naming it ({@link EndToEndLoad#verify} for the receiver, {@link #verifyMinimal} for the minimal
 * function), and the same event stored alike by both ({@link #sameItems}).
 */
final class EndToEndChecks {
    private EndToEndChecks() {
    }

    /** Of the accepted samples: not stored (or lost otherwise), stored with another body, policy not naming them. */
    record Stored(int missing, int bodyMismatches, int policyMismatches) {
    }

    /**
     * Each of {@code accepted} looked up in the events and policies tables of {@code tables}; a sample {@code lost}
     * says is lost counts as missing without a look.
     */
    static Stored stored(DynamoDbClient client, Schema.TableNames tables, List<Sample> accepted, Predicate<Sample> lost) {
        Map<String, Map<String, AttributeValue>> events = batchGet(client, tables.events(), Schema.EVENT_ID,
                accepted.stream().map(Sample::eventId).toList());
        Map<String, Map<String, AttributeValue>> policies = batchGet(client, tables.policies(), Schema.POLICY_ID,
                accepted.stream().map(s -> s.event().policyId()).toList());
        int missing = 0;
        int bodyMismatches = 0;
        int policyMismatches = 0;
        for (Sample s : accepted) {
            Map<String, AttributeValue> item = events.get(s.eventId());
            if (item == null || lost.test(s)) {
                missing++;
                continue;
            }
            AttributeValue raw = item.get(Schema.RAW_BODY);
            if (raw == null || !raw.s().equals(new String(s.event().body(), StandardCharsets.UTF_8))) {
                bodyMismatches++;
            }
            Map<String, AttributeValue> policy = policies.get(s.event().policyId());
            if (policy == null || policy.get(Schema.LAST_EVENT_ID) == null
                    || !policy.get(Schema.LAST_EVENT_ID).s().equals(s.eventId())) {
                policyMismatches++;
            }
        }
        return new Stored(missing, bodyMismatches, policyMismatches);
    }

    /** What the minimal function stored: each event answered 200 once, with its raw body, its policy naming it. */
    record MinimalCheck(int accepted, int distinctIds, int missing, int bodyMismatches, int policyMismatches,
            int notAccepted, int eventsInTable) {
        boolean exactlyOnce() {
            return accepted == distinctIds && missing == 0 && bodyMismatches == 0 && policyMismatches == 0
                    && eventsInTable >= distinctIds && eventsInTable <= distinctIds + notAccepted;
        }
    }

    /** {@code sent}: the minimal function's requests; one it answered with another event id counts as missing. */
    static MinimalCheck verifyMinimal(LoadKit.Dynalite db, List<Sample> sent) {
        List<Sample> accepted = sent.stream().filter(s -> s.status() == 200).toList();
        Stored stored = stored(db.client, LoadKit.MINIMAL_TABLES, accepted,
                s -> !s.event().expectedEventId().equals(s.eventId()));
        int distinct = (int) accepted.stream().map(Sample::eventId).distinct().count();
        return new MinimalCheck(accepted.size(), distinct, stored.missing(), stored.bodyMismatches(),
                stored.policyMismatches(), sent.size() - accepted.size(), db.count(LoadKit.MINIMAL_TABLES.events()));
    }

    /**
     * One event of each provider, the very same bytes sent to the receiver and to the minimal function: their stored
     * event and policy items must be equal but for the receipt times ({@code received_at}, {@code last_received_at},
     * {@code updated_at}; and a Vertical Insure policy's {@code last_event_at}, which is its event's receipt time:
     * those events carry no time of their own). Returns "equal" or what differs.
     */
    static String sameItems(LoadKit.Dynalite db, Function<Event, Answer> toReceiver,
            Function<Event, Answer> toMinimal) {
        List<String> differences = new ArrayList<>();
        for (long n = 0; n < 2; n++) {
            Event event = LoadRequests.event(n);
            Answer receiverAnswer = toReceiver.apply(event);
            Answer minimalAnswer = toMinimal.apply(event);
            if (receiverAnswer.status() != 200 || minimalAnswer.status() != 200) {
                differences.add(event.provider() + ": answers " + receiverAnswer.status() + " / "
                        + minimalAnswer.status());
                continue;
            }
            compare(differences, event.provider() + " event",
                    get(db, DynaliteResource.TABLES.events(), Schema.EVENT_ID, event.expectedEventId()),
                    get(db, LoadKit.MINIMAL_TABLES.events(), Schema.EVENT_ID, event.expectedEventId()),
                    Schema.UPDATED_AT);
            boolean eventTimeIsReceipt = event.provider().equals(VerticalInsureEvents.PROVIDER);
            compare(differences, event.provider() + " policy",
                    get(db, DynaliteResource.TABLES.policies(), Schema.POLICY_ID, event.policyId()),
                    get(db, LoadKit.MINIMAL_TABLES.policies(), Schema.POLICY_ID, event.policyId()),
                    eventTimeIsReceipt ? Schema.LAST_EVENT_AT : Schema.UPDATED_AT);
        }
        return differences.isEmpty() ? "equal" : String.join("; ", differences);
    }

    private static Map<String, AttributeValue> get(LoadKit.Dynalite db, String table, String keyName, String key) {
        return db.client.getItem(b -> b.tableName(table).key(Map.of(keyName, AttributeValue.fromS(key)))
                .consistentRead(true)).item();
    }

    private static void compare(List<String> differences, String what, Map<String, AttributeValue> receiver,
            Map<String, AttributeValue> minimal, String alsoReceiptTime) {
        Set<String> times = new HashSet<>(Set.of(Schema.RECEIVED_AT, Schema.LAST_RECEIVED_AT, Schema.UPDATED_AT));
        times.add(alsoReceiptTime);
        Map<String, AttributeValue> r = new HashMap<>(receiver);
        Map<String, AttributeValue> m = new HashMap<>(minimal);
        if (r.isEmpty() || m.isEmpty()) {
            differences.add(what + ": missing (receiver " + r.size() + " attributes, minimal " + m.size() + ")");
            return;
        }
        if (!r.keySet().equals(m.keySet())) {
            differences.add(what + ": attribute names differ " + r.keySet() + " / " + m.keySet());
            return;
        }
        times.forEach(t -> {
            r.remove(t);
            m.remove(t);
        });
        r.keySet().stream().filter(name -> !r.get(name).equals(m.get(name))).sorted()
                .forEach(name -> differences.add(what + "." + name + " differs"));
    }

    /** Consistent BatchGetItem by key, 100 keys a call, unprocessed keys retried. */
    static Map<String, Map<String, AttributeValue>> batchGet(DynamoDbClient dynamo, String table, String keyName,
            List<String> keys) {
        Map<String, Map<String, AttributeValue>> found = new HashMap<>();
        List<String> distinct = new ArrayList<>(new LinkedHashSet<>(keys));
        for (int i = 0; i < distinct.size(); i += 100) {
            List<Map<String, AttributeValue>> chunk = distinct.subList(i, Math.min(distinct.size(), i + 100)).stream()
                    .map(k -> Map.of(keyName, AttributeValue.fromS(k))).toList();
            Map<String, KeysAndAttributes> request = Map.of(table,
                    KeysAndAttributes.builder().keys(chunk).consistentRead(true).build());
            for (int attempt = 0; !request.isEmpty() && attempt < 20; attempt++) {
                Map<String, KeysAndAttributes> ask = request;
                var response = dynamo.batchGetItem(b -> b.requestItems(ask));
                response.responses().getOrDefault(table, List.of())
                        .forEach(item -> found.put(item.get(keyName).s(), item));
                request = response.unprocessedKeys();
            }
        }
        return found;
    }
}
