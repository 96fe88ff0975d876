package io.policywebhooks.ten99policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.policywebhooks.provider.WebhookProvider;
import io.policywebhooks.provider.Mapping;
import io.policywebhooks.store.EventRecord;
import io.policywebhooks.store.StateUpdate;
import io.policywebhooks.provider.Delivery;
import io.policywebhooks.provider.Headers;

/** The 1099Policy mapping in plain JUnit: identity from signed content, ordering keys, states per event type. */
class Ten99PolicyEventsTest {
    static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
    static final Instant RECEIVED = Instant.parse("2026-01-02T03:04:05Z");

    static Delivery map(String body, Map<String, String> headers) throws Exception {
        byte[] raw = body.getBytes(StandardCharsets.UTF_8);
        return Mapping.of(new Ten99PolicyProvider(), raw, Headers.of(headers), RECEIVED).delivery();
    }

    static Delivery map(String body) throws Exception {
        return map(body, Map.of());
    }

    @Test
    void theKeyIsTheBodysIdElseItsHashAndNeverAHeader() throws Exception {
        Map<String, String> convoy = Map.of("X-Convoy-Idempotency-Key", "idem", "X-Convoy-Event-ID", "ev");
        assertEquals("1099policy#evt_1", map("{\"id\":\"evt_1\",\"type\":\"x\"}", convoy).event().eventId());
        String noId = "{\"type\":\"x\"}";
        EventRecord event = map(noId, convoy).event();
        assertEquals("1099policy#" + Delivery.bodyKey(noId.getBytes(StandardCharsets.UTF_8)), event.eventId());
        assertEquals(Map.of("convoy_idempotency_key", "idem", "convoy_event_id", "ev"), event.extra());
        assertEquals(Map.of(), map(noId, Map.of("X-Convoy-Event-ID", " ")).event().extra());
        String longId = "{\"id\":\"" + "i".repeat(257) + "\"}";
        assertTrue(map(longId).event().eventId().startsWith("1099policy#sha256:"), "an id over 256 chars");
        assertEquals("1099policy#" + "i".repeat(256), map("{\"id\":\"" + "i".repeat(256) + "\"}").event().eventId());
        assertTrue(map("{\"id\":\"  \"}").event().eventId().startsWith("1099policy#sha256:"), "a blank id");
        assertTrue(map("{\"id\":7}").event().eventId().startsWith("1099policy#sha256:"), "a non-string id");
    }

    /** The Convoy id headers are unsigned hints: one longer than any Convoy id is dropped, not cut. */
    @Test
    void convoyIdHeadersOverTheBoundAreDroppedWhole() throws Exception {
        int max = WebhookProvider.MAX_KEPT_HEADER_CHARS;
        String atBound = "e".repeat(max);
        String overBound = "k".repeat(max + 1);
        EventRecord event = map("{\"type\":\"x\"}", Map.of(Ten99PolicyProvider.EVENT_ID_HEADER, atBound,
                Ten99PolicyProvider.IDEMPOTENCY_KEY_HEADER, overBound)).event();
        assertEquals(Map.of("convoy_event_id", atBound), event.extra(), "kept at the bound, dropped one over it");
        event = map("{\"type\":\"x\"}", Map.of(Ten99PolicyProvider.EVENT_ID_HEADER, "e".repeat(100_000),
                Ten99PolicyProvider.IDEMPOTENCY_KEY_HEADER, "idem")).event();
        assertEquals(Map.of("convoy_idempotency_key", "idem"), event.extra(), "one long header drops only itself");
    }

    @ParameterizedTest
    @CsvSource({
            "policy.active, POLICY, ACTIVE, 1", "policy.active.media, POLICY, ACTIVE, 1",
            "policy.cancelled, POLICY, CANCELLED, 2", "policy.reactivated, POLICY, ACTIVE, 3",
            "assignment.active, ASSIGNMENT, ACTIVE, 1", "assignment.cancelled, ASSIGNMENT, CANCELLED, 2"})
    void stateEventsMapToTheirStatusAndRank(String type, StateUpdate.Kind kind, String status, int rank)
            throws Exception {
        Delivery delivery = map("{\"id\":\"e\",\"type\":\"" + type + "\",\"created\":1700000000,"
                + "\"data\":{\"id\":\"ob_1\",\"contractor\":\"cn_1\",\"job\":\"jb_1\"}}");
        StateUpdate state = delivery.states().get(0);
        assertEquals(kind, state.kind());
        assertEquals("ob_1", state.id());
        assertEquals(status, state.attributes().get("status"));
        assertEquals("001700000000000#" + rank + "#1099policy#e", state.orderKey());
        assertNull(state.version());
        assertEquals(Instant.ofEpochSecond(1700000000L), state.attributes().get("last_event_at"));
        assertEquals("cn_1", state.attributes().get("contractor"));
        assertEquals(kind == StateUpdate.Kind.ASSIGNMENT ? "jb_1" : null, state.attributes().get("job"));
    }

    @Test
    void otherEventsAndEventsWithoutAnObjectIdHaveNoState() throws Exception {
        assertEquals(List.of(), map("{\"type\":\"certificate.flagged\",\"data\":{\"id\":\"ce_1\"}}").states());
        assertEquals(List.of(), map("{\"type\":\"policy.active\",\"data\":{}}").states());
        assertEquals(List.of(), map("{\"type\":\"policy.active\"}").states());
    }

    @Test
    void orderKeysSortByTimeThenRankThenId() {
        Instant t = Instant.ofEpochSecond(1700000000L);
        assertTrue(Ten99PolicyEvents.orderKey(t, 3, "a").compareTo(Ten99PolicyEvents.orderKey(t.plusMillis(1), 1, "a")) < 0);
        assertTrue(Ten99PolicyEvents.orderKey(t, 2, "z").compareTo(Ten99PolicyEvents.orderKey(t, 3, "a")) < 0);
        assertTrue(Ten99PolicyEvents.orderKey(t, 2, "a").compareTo(Ten99PolicyEvents.orderKey(t, 2, "b")) < 0);
        Instant earliest = Instant.parse("2000-01-01T00:00:00Z");
        assertEquals("000946684800000#1#e", Ten99PolicyEvents.orderKey(earliest, 1, "e"));
        assertTrue(StateUpdate.LOWEST.compareTo(Ten99PolicyEvents.orderKey(earliest, 0, "")) < 0);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "1700000000123 | 001700000000123", "'\"2023-11-14T22:13:20\"' | 001700000000000",
            "'\"2023-11-14T22:13:20.5Z\"' | 001700000000500"})
    void createdInEveryFormOrdersByItsInstant(String created, String millis) throws Exception {
        Delivery delivery = map("{\"id\":\"e\",\"type\":\"policy.active\",\"created\":" + created
                + ",\"data\":{\"id\":\"pl_1\"}}");
        assertEquals(millis + "#1#1099policy#e", delivery.states().get(0).orderKey());
        assertNull(delivery.event().parseNote());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "'\"soon\"' | created unreadable: state ordered lowest",
            "-5 | created unreadable: state ordered lowest",
            "'\"+10000-01-01T00:00:00Z\"' | created unreadable: state ordered lowest",
            "null | created missing: state ordered lowest"})
    void aMissingOrUnreadableCreatedOrdersLowestAndIsNoted(String created, String note) throws Exception {
        Delivery delivery = map("{\"type\":\"policy.active\",\"created\":" + created + ",\"data\":{\"id\":\"pl_1\"}}");
        assertEquals(StateUpdate.LOWEST, delivery.states().get(0).orderKey());
        assertEquals(note, delivery.event().parseNote());
        assertNull(delivery.event().createdAt());
        assertEquals(RECEIVED, delivery.states().get(0).attributes().get("last_event_at"));
        Delivery absent = map("{\"type\":\"policy.active\",\"data\":{\"id\":\"pl_1\"}}");
        assertEquals("created missing: state ordered lowest", absent.event().parseNote());
    }

    @Test
    void theObjectIsReadDirectlyInDataOrUnderDataObject() throws Exception {
        Delivery nested = map("{\"type\":\"policy.cancelled\",\"created\":1700000000,"
                + "\"data\":{\"object\":{\"id\":\"pl_2\",\"object\":\"policy\",\"is_active\":false}}}");
        assertEquals("pl_2", nested.states().get(0).id());
        assertEquals(false, nested.states().get(0).attributes().get("is_active"));
        assertEquals("policy", nested.event().objectType());
        assertEquals("session", map("{\"type\":\"application.started\",\"data\":{\"id\":\"s\"}}").event().objectType());
        assertEquals("unknown", map("{\"data\":{\"id\":\"s\"}}").event().type());
    }
    @Test
    void aPolicyStateKeepsThePolicysFields() throws Exception {
        StateUpdate state = map("{\"id\":\"e\",\"type\":\"policy.active\",\"created\":1700000000,\"data\":{"
                + "\"id\":\"pl_1\",\"contractor\":\"cn_1\",\"certificates\":[{\"id\":\"ce_1\"}],"
                + "\"effective_date\":\"2024-01-01\",\"is_active\":true,\"quote\":\"qt_1\","
                + "\"pdf_url\":\"https://x/p.pdf\",\"expiration_date\":1735689600,"
                + "\"job\":\"jb_1\",\"policy\":\"pl_0\",\"end_date\":1735689600}}").states().get(0);
        Map<String, Object> expected = new java.util.HashMap<>();
        expected.put("provider", "1099policy");
        expected.put("status", "ACTIVE");
        expected.put("last_event_type", "policy.active");
        expected.put("last_event_id", "1099policy#e");
        expected.put("last_event_at", Instant.ofEpochSecond(1_700_000_000L));
        expected.put("contractor", "cn_1");
        expected.put("certificates", JSON.readTree("[{\"id\":\"ce_1\"}]"));
        expected.put("effective_date", Instant.parse("2024-01-01T00:00:00Z"));
        expected.put("is_active", true);
        expected.put("quote", "qt_1");
        expected.put("pdf_url", "https://x/p.pdf");
        expected.put("expiration_date", Instant.parse("2025-01-01T00:00:00Z"));
        assertEquals(expected, state.attributes(), "an assignment's job, policy and end_date are not a policy's");
    }

    @Test
    void anAssignmentStateKeepsTheAssignmentsFields() throws Exception {
        StateUpdate state = map("{\"id\":\"e\",\"type\":\"assignment.active\",\"created\":1700000000,\"data\":{"
                + "\"id\":\"an_1\",\"contractor\":\"cn_1\",\"effective_date\":\"2024-01-01\","
                + "\"job\":\"jb_1\",\"policy\":\"pl_1\",\"end_date\":1735689600,"
                + "\"is_active\":true,\"quote\":\"qt_1\",\"pdf_url\":\"u\",\"expiration_date\":1735689600}}")
                .states().get(0);
        Map<String, Object> expected = new java.util.HashMap<>();
        expected.put("provider", "1099policy");
        expected.put("status", "ACTIVE");
        expected.put("last_event_type", "assignment.active");
        expected.put("last_event_id", "1099policy#e");
        expected.put("last_event_at", Instant.ofEpochSecond(1_700_000_000L));
        expected.put("contractor", "cn_1");
        expected.put("effective_date", Instant.parse("2024-01-01T00:00:00Z"));
        expected.put("job", "jb_1");
        expected.put("policy", "pl_1");
        expected.put("end_date", Instant.parse("2025-01-01T00:00:00Z"));
        assertEquals(expected, state.attributes(), "a policy's is_active, quote, pdf_url and expiration are not an assignment's");
    }

    @Test
    void theObjectTypeIsTheTypesPrefixWhenTheObjectDeclaresNone() throws Exception {
        assertEquals("policy", map("{\"type\":\"policy.active\",\"data\":{\"id\":\"p\"}}").event().objectType());
        assertNull(map("{\"type\":\"ping\",\"data\":{\"id\":\"p\"}}").event().objectType(), "no dot");
        assertNull(map("{\"type\":\".active\",\"data\":{\"id\":\"p\"}}").event().objectType(), "an empty prefix");
    }
}
