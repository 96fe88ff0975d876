package io.policywebhooks.verticalinsure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.policywebhooks.store.StateUpdate;
import io.policywebhooks.provider.Delivery;

/** The Vertical Insure mapping in plain JUnit: statuses, ranks, order keys, endorsements. */
class VerticalInsureEventsTest {
    static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
    static final Instant RECEIVED = Instant.parse("2026-01-02T03:04:05Z");

    static Delivery map(String body) throws Exception {
        byte[] raw = body.getBytes(StandardCharsets.UTF_8);
        return VerticalInsureEvents.map(raw, JSON.readTree(raw), RECEIVED);
    }

    @ParameterizedTest
    @CsvSource({
            "policy_bind_complete, PENDING, ACTIVE", "policy_bind_failed, ACTIVE, BIND_FAILED",
            "policy_purchase_invalid, ACTIVE, INVALID", "policy_payment_failed, ACTIVE, PAYMENT_FAILED",
            "policy_canceled, ACTIVE, CANCELLED", "policy_purchase_complete, PENDING, PENDING",
            "policy_purchase_complete, active, ACTIVE", "policy_endorsed, ACTIVE, ACTIVE",
            "policy_new_thing, CANCELED, CANCELLED", "policy_new_thing, cancelled, CANCELLED",
            "policy_new_thing, BIND_FAILED, BIND_FAILED", "policy_new_thing, REQUIRES_PAYMENT, PAYMENT_FAILED",
            "policy_new_thing, PAYMENT_FAILED, PAYMENT_FAILED", "policy_new_thing, INVALID, INVALID",
            "policy_new_thing, SOMETHING, UNKNOWN"})
    void statusComesFromTheTypeWhereItIsUnambiguousElseFromPolicyStatus(String type, String sent, String status)
            throws Exception {
        String data = "{\"id\":\"p1\",\"policy_status\":\"" + sent + "\"}";
        String body = type.equals("policy_endorsed")
                ? "{\"event\":\"" + type + "\",\"data\":{\"current_policy\":" + data + "}}"
                : "{\"event\":\"" + type + "\",\"data\":" + data + "}";
        assertEquals(status, map(body).states().get(0).attributes().get("status"));
    }

    @ParameterizedTest
    @CsvSource({"UNKNOWN, 0", "WHATEVER, 0", "PENDING, 1", "BIND_FAILED, 2", "PAYMENT_FAILED, 2", "INVALID, 2",
            "ACTIVE, 3", "SUPERSEDED, 4", "CANCELLED, 5"})
    void ranksAreTheReadmesTable(String status, int rank) {
        assertEquals(rank, VerticalInsureEvents.rank(status));
    }

    @Test
    void orderKeysSortByRankThenVersionPresenceThenVersionThenId() {
        assertEquals("3##e", VerticalInsureEvents.orderKey(3, null, "e"));
        assertEquals("3#0000000000000000002#e", VerticalInsureEvents.orderKey(3, 2L, "e"));
        assertTrue(VerticalInsureEvents.orderKey(3, null, "z").compareTo(VerticalInsureEvents.orderKey(3, 0L, "a")) < 0);
        assertTrue(VerticalInsureEvents.orderKey(3, 9L, "z").compareTo(VerticalInsureEvents.orderKey(3, 10L, "a")) < 0);
        assertTrue(VerticalInsureEvents.orderKey(2, Long.MAX_VALUE, "z")
                .compareTo(VerticalInsureEvents.orderKey(3, null, "a")) < 0);
        assertTrue(VerticalInsureEvents.orderKey(3, 1L, "a").compareTo(VerticalInsureEvents.orderKey(3, 1L, "b")) < 0);
        assertTrue(StateUpdate.LOWEST.compareTo(VerticalInsureEvents.orderKey(0, null, "")) < 0);
    }

    @Test
    void theVersionIsANonNegativeIntegerOrAbsent() throws Exception {
        assertEquals(2L, map("{\"event\":\"policy_canceled\",\"data\":{\"id\":\"p\",\"version\":2}}").states().get(0).version());
        for (String version : new String[] {"\"2\"", "-1", "1.5", "null", "99999999999999999999"}) {
            assertNull(map("{\"event\":\"policy_canceled\",\"data\":{\"id\":\"p\",\"version\":" + version + "}}")
                    .states().get(0).version(), version);
        }
        assertNull(map("{\"event\":\"policy_canceled\",\"data\":{\"id\":\"p\"}}").states().get(0).version());
    }

    @Test
    void anEndorsementSupersedesThePreviousPolicy() throws Exception {
        Delivery delivery = map("{\"event\":\"policy_endorsed\",\"data\":{"
                + "\"previous_policy\":{\"id\":\"old\",\"policy_status\":\"ACTIVE\",\"version\":1,\"premium_amount\":5000},"
                + "\"current_policy\":{\"id\":\"new\",\"policy_status\":\"ACTIVE\",\"version\":2,\"premium_amount\":6500}}}");
        assertEquals("new", delivery.event().objectId());
        assertEquals(2, delivery.states().size());
        StateUpdate current = delivery.states().get(0);
        assertEquals("new", current.id());
        assertEquals("ACTIVE", current.attributes().get("status"));
        assertEquals(2L, current.version());
        assertEquals(BigInteger.valueOf(6500), current.attributes().get("premium_amount"));
        StateUpdate previous = delivery.states().get(1);
        assertEquals("old", previous.id());
        assertEquals("SUPERSEDED", previous.attributes().get("status"));
        assertEquals("new", previous.attributes().get("superseded_by"));
        assertEquals(1L, previous.version());
        assertTrue(previous.orderKey().startsWith("4#0000000000000000001#vertical-insure#sha256:"));

        Delivery sameId = map("{\"event\":\"policy_endorsed\",\"data\":{\"previous_policy\":{\"id\":\"p\"},"
                + "\"current_policy\":{\"id\":\"p\",\"policy_status\":\"ACTIVE\",\"version\":2}}}");
        assertEquals(1, sameId.states().size(), "an endorsement keeping its id supersedes nothing");
        Delivery noPrevious = map("{\"event\":\"policy_endorsed\",\"data\":{\"current_policy\":{\"id\":\"p\"}}}");
        assertEquals(1, noPrevious.states().size());
        Delivery notEndorsed = map("{\"event\":\"policy_canceled\",\"data\":{\"id\":\"p\",\"previous_policy\":{\"id\":\"q\"}}}");
        assertEquals(1, notEndorsed.states().size(), "only an endorsement supersedes");
    }

    @Test
    void payoutsAndUnknownShapesHaveNoState() throws Exception {
        Delivery payout = map("{\"event\":\"payout_report_published\",\"webhook\":\"w\",\"data\":null}");
        assertEquals(List.of(), payout.states());
        assertEquals("payout", payout.event().objectType());
        assertEquals(List.of(), map("{\"event\":\"policy_canceled\",\"data\":{}}").states());
        assertEquals(List.of(), map("{\"event\":\"policy_canceled\",\"data\":[1]}").states());
        assertEquals(List.of(), map("{\"event\":\"other_thing\",\"data\":{\"id\":\"p\"}}").states());
        assertEquals("unknown", map("[1]").event().type());
    }

    @Test
    void integralPremiumsAndIsoDatesAreKeptAsSent() throws Exception {
        StateUpdate state = map("{\"event\":\"policy_bind_complete\",\"data\":{\"id\":\"p\",\"premium_amount\":12.5,"
                + "\"issued_date\":\"2022-09-05\",\"quote_date\":\"not a date\",\"is_test\":true}}").states().get(0);
        assertNull(state.attributes().get("premium_amount"), "not integral minor units");
        assertEquals("2022-09-05", state.attributes().get("issued_date"));
        assertNull(state.attributes().get("quote_date"));
        assertEquals(true, state.attributes().get("is_test"));
    }
    @Test
    void aPolicyEventKeepsThePolicysFieldsAndMarksTestEvents() throws Exception {
        Delivery delivery = map("{\"event\":\"policy_purchase_complete\",\"data\":{\"id\":\"p\","
                + "\"policy_status\":\"ACTIVE\",\"policy_number\":\"PN-1\",\"master_policy_id\":\"mp\","
                + "\"quote_id\":\"q\",\"currency\":\"USD\",\"customer\":{\"first_name\":\"A\"},"
                + "\"effective_date\":\"2024-01-01T00:00:00Z\",\"is_test\":true}}");
        assertEquals("policy", delivery.event().objectType());
        assertEquals(java.util.Map.of("is_test", true), delivery.event().extra());
        java.util.Map<String, Object> attributes = delivery.states().get(0).attributes();
        assertEquals("ACTIVE", attributes.get("policy_status"));
        assertEquals("PN-1", attributes.get("policy_number"));
        assertEquals("mp", attributes.get("master_policy_id"));
        assertEquals("q", attributes.get("quote_id"));
        assertEquals("USD", attributes.get("currency"));
        assertEquals(JSON.readTree("{\"first_name\":\"A\"}"), attributes.get("customer"));
        assertEquals("2024-01-01T00:00:00Z", attributes.get("effective_date"));
        assertEquals("policy_purchase_complete", attributes.get("last_event_type"));
        assertEquals(delivery.event().eventId(), attributes.get("last_event_id"));
        assertEquals(RECEIVED, attributes.get("last_event_at"));
        assertEquals(java.util.Map.of(), map("{\"event\":\"policy_canceled\",\"data\":{\"id\":\"p\"}}")
                .event().extra(), "no is_test sent: none stored");
    }

    @Test
    void withoutAPolicyStatusAnAmbiguousEventIsUnknown() throws Exception {
        assertEquals("UNKNOWN", map("{\"event\":\"policy_purchase_complete\",\"data\":{\"id\":\"p\"}}")
                .states().get(0).attributes().get("status"));
    }

    @Test
    void versionZeroIsAVersion() throws Exception {
        StateUpdate state = map("{\"event\":\"policy_canceled\",\"data\":{\"id\":\"p\",\"version\":0}}")
                .states().get(0);
        assertEquals(0L, state.version());
        assertTrue(state.orderKey().startsWith("5#0000000000000000000#"), state.orderKey());
    }

    @Test
    void aCurrentPolicyObjectIsThePolicyInAnyEventAndAnEndorsementNeedsOne() throws Exception {
        Delivery canceled = map("{\"event\":\"policy_canceled\",\"data\":{\"id\":\"wrapper\","
                + "\"current_policy\":{\"id\":\"p2\"}}}");
        assertEquals("p2", canceled.states().get(0).id());
        assertEquals("p2", canceled.event().objectId());
        Delivery notAnObject = map("{\"event\":\"policy_canceled\",\"data\":{\"id\":\"p\",\"current_policy\":\"p2\"}}");
        assertEquals("p", notAnObject.states().get(0).id());
        Delivery endorsedWithout = map("{\"event\":\"policy_endorsed\",\"data\":{\"id\":\"p\",\"current_policy\":[]}}");
        assertEquals(List.of(), endorsedWithout.states());
        assertNull(endorsedWithout.event().objectId());
    }
}
