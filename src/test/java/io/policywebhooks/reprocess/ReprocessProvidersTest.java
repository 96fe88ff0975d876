package io.policywebhooks.reprocess;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.policywebhooks.Signers;
import io.policywebhooks.WebhookSigner;
import io.policywebhooks.store.EventRecord;
import io.policywebhooks.webhook.Delivery;
import io.policywebhooks.webhook.Headers;
import io.policywebhooks.webhook.WebhookProvider;
import io.policywebhooks.webhook.WebhookProviders;
import io.policywebhooks.webhook.WebhookService;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The command's mappings are the application's: one per production provider bean (a provider added without its
 * mapping in {@link Reprocess#MAPPERS} fails here), each giving what the bean's mapping gives for every sample.
 */
@QuarkusTest
class ReprocessProvidersTest {
    private static final Path SAMPLES = Path.of("src/test/resources/samples");
    private static final Instant RECEIVED_AT = Instant.parse("2026-11-30T08:00:00Z");

    @Inject
    WebhookProviders providers;

    @Test
    void theCommandHasTheMappingOfEveryProductionProvider() {
        TreeSet<String> production = new TreeSet<>();
        Signers.production().forEach(signer -> production.add(signer.provider()));
        TreeSet<String> served = new TreeSet<>();
        providers.all().forEach(provider -> served.add(provider.name()));
        served.retainAll(production); // the test-only providers are not in the production build
        assertFalse(served.isEmpty());
        assertEquals(served, new TreeSet<>(Reprocess.MAPPERS.keySet()));
    }

    @Test
    void eachMapsEverySampleAsTheProviderBeanDoes() throws Exception {
        Headers headers = Headers.of(Map.of("X-Convoy-Idempotency-Key", "idem-1", "X-Convoy-Event-ID", "cv-1"));
        for (WebhookSigner signer : Signers.production()) {
            WebhookProvider bean = providers.get(signer.provider());
            WebhookProvider.Mapper mapper = Reprocess.MAPPERS.get(signer.provider());
            assertNotNull(mapper, signer.provider());
            try (Stream<Path> files = Files.list(SAMPLES.resolve(signer.provider()))) {
                for (Path sample : files.filter(f -> f.toString().endsWith(".json")).sorted().toList()) {
                    byte[] body = Files.readAllBytes(sample);
                    Delivery expected = bean.map(body, WebhookService.parse(body), headers, RECEIVED_AT);
                    Delivery actual = mapper.map(body, WebhookService.parse(body), headers, RECEIVED_AT);
                    assertEquals(comparable(expected), comparable(actual), sample.toString());
                }
            }
        }
    }

    /** The delivery without the body bytes (arrays compare by identity). */
    private static List<Object> comparable(Delivery delivery) {
        EventRecord e = delivery.event();
        return List.of(e.eventId(), e.provider(), e.type(), String.valueOf(e.objectType()),
                String.valueOf(e.objectId()), String.valueOf(e.createdAt()), e.receivedAt(), String.valueOf(e.payload()),
                e.extra(), String.valueOf(e.parseNote()), delivery.states());
    }
}
