package io.policywebhooks.reprocess;

import static io.policywebhooks.reprocess.ReprocessFixture.counts;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.policywebhooks.Signers;
import io.policywebhooks.TestProviders;
import io.policywebhooks.WebhookSigner;
import io.policywebhooks.provider.Delivery;
import io.policywebhooks.provider.Headers;
import io.policywebhooks.provider.Providers;
import io.policywebhooks.provider.WebhookProvider;
import io.policywebhooks.store.Schema;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Every provider {@link Providers} finds, the test-only one included, is reprocessed as the production ones are:
 * its samples, stored with their signed headers by a mapping that gave no state, get their states back when
 * reprocessed by provider; the kept headers stay as the delivery stored them; a second run changes nothing.
 */
@ExtendWith(ReprocessFixture.class)
class ReprocessEveryProviderTest {
    private static final Instant T0 = Instant.parse("2026-11-30T08:00:00Z");

    @ParameterizedTest
    @MethodSource("io.policywebhooks.Signers#names")
    void itsSamplesAreReprocessedByProvider(String name, ReprocessFixture db) throws IOException {
        WebhookProvider provider = Providers.named(name);
        WebhookSigner signer = Signers.of(name);
        TestProviders.Mapper noStates = (raw, json, headers, at) -> {
            Delivery today = provider.map(raw, json, headers, at);
            return new Delivery(today.event(), List.of());
        };
        List<String> eventIds = new ArrayList<>();
        boolean sendsKeptHeaders = false;
        for (Path sample : samples(name)) {
            byte[] body = Files.readAllBytes(sample);
            Headers headers = Headers.of(signer.headers(provider.localSecret(), body, T0.getEpochSecond()));
            sendsKeptHeaders |= provider.keptHeaders().stream().anyMatch(h -> headers.get(h.header()) != null);
            eventIds.add(db.receive(name, noStates, body, headers, T0));
        }
        assertTrue(db.everything().get("policies").isEmpty() && db.everything().get("assignments").isEmpty());
        Map<String, Map<String, AttributeValue>> kept = keptHeaders(db, provider, eventIds);
        assertEquals(sendsKeptHeaders, kept.values().stream().noneMatch(Map::isEmpty), "kept: " + kept);

        Reprocessor.Summary first = db.reprocessor(null).run(Selection.all().withProvider(name), false,
                new Recorder());
        assertEquals(eventIds.stream().distinct().count(), first.selected(), first.toString());
        assertEquals(0, first.failed(), first.toString());
        assertTrue(first.reapplied() > 0, "states given back: " + first);
        assertFalse(db.everything().get("policies").isEmpty() && db.everything().get("assignments").isEmpty());
        assertEquals(kept, keptHeaders(db, provider, eventIds), "the kept headers are the delivery's");

        // Where two of its events write one state with different attributes, a first run leaves what only the older
        // gave and the next removes it; from then on a run changes nothing.
        db.reprocessor(null).run(Selection.all().withProvider(name), false, new Recorder());
        Map<String, List<Map<String, AttributeValue>>> converged = db.everything();
        Reprocessor.Summary again = db.reprocessor(null).run(Selection.all().withProvider(name), false,
                new Recorder());
        assertEquals(counts(first.selected(), 0, first.selected() - again.stale(), again.stale(), 0), again);
        assertEquals(converged, db.everything(), "no byte changed");
    }

    /** Each event's kept header attributes, as stored. */
    private static Map<String, Map<String, AttributeValue>> keptHeaders(ReprocessFixture db, WebhookProvider provider,
            List<String> eventIds) {
        Map<String, Map<String, AttributeValue>> kept = new TreeMap<>();
        for (String eventId : eventIds) {
            Map<String, AttributeValue> item = db.event(eventId);
            Map<String, AttributeValue> headers = new TreeMap<>();
            provider.keptHeaders().forEach(h -> {
                if (item.containsKey(h.attribute())) {
                    headers.put(h.attribute(), item.get(h.attribute()));
                }
            });
            kept.put(item.get(Schema.EVENT_ID).s(), headers);
        }
        return kept;
    }

    private static List<Path> samples(String provider) throws IOException {
        try (Stream<Path> files = Files.list(Path.of("src/test/resources/samples", provider))) {
            return files.filter(f -> f.toString().endsWith(".json")).sorted().toList();
        }
    }
}
