package io.policywebhooks.reprocess;

import java.util.List;
import java.util.function.UnaryOperator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.policywebhooks.TestProviders;
import io.policywebhooks.provider.Delivery;
import io.policywebhooks.provider.Providers;
import io.policywebhooks.store.EventRecord;
import io.policywebhooks.store.StateUpdate;
import io.policywebhooks.store.Schema;
import io.policywebhooks.ten99policy.Ten99PolicyEvents;

/** The earlier mappings events are stored with before the reprocess tests reprocess them with today's. */
final class EarlierMappings {
    private EarlierMappings() {
    }

    /**
     * No state for policy.cancelled, and its event stored without object id and type, with a parse note today's
     * mapping does not give.
     */
    static final TestProviders.Mapper IGNORES_CANCELLED = (raw, json, headers, at) -> {
        Delivery delivery = Ten99PolicyEvents.map(raw, json, at);
        if (!"policy.cancelled".equals(delivery.event().type())) {
            return delivery;
        }
        EventRecord e = delivery.event();
        return new Delivery(new EventRecord(e.eventId(), e.provider(), e.type(), null, null, e.createdAt(),
                e.receivedAt(), e.rawBody(), e.payload(), e.extra(), "an old note"), List.of());
    };

    /** No state for policy.cancelled; the event as today. */
    static final TestProviders.Mapper IGNORES_CANCELLED_STATE = (raw, json, headers, at) -> {
        Delivery delivery = Ten99PolicyEvents.map(raw, json, at);
        return "policy.cancelled".equals(delivery.event().type()) ? new Delivery(delivery.event(), List.of())
                : delivery;
    };

    /** The policy's {@code quote} written wrong, and a {@code job} a policy never has. */
    static final TestProviders.Mapper WRONG_QUOTE = changedStates(state -> {
        state.attributes().put(Ten99PolicyEvents.QUOTE, "qt_wrong");
        state.attributes().put(Schema.JOB, "jb_wrong");
        return state;
    });

    /** The policy's state keyed by its contractor instead of its id. */
    static final TestProviders.Mapper WRONG_KEY = changedStates(state -> new StateUpdate(state.kind(),
            (String) state.attributes().get(Schema.CONTRACTOR), state.version(), state.orderKey(),
            state.attributes()));

    /** policy.active ranked as high as policy.reactivated (3 instead of 1). */
    static final TestProviders.Mapper ACTIVE_TOO_HIGH = (raw, json, headers, at) -> {
        Delivery today = Ten99PolicyEvents.map(raw, json, at);
        if (!"policy.active".equals(today.event().type())) {
            return today;
        }
        JsonNode reactivated = ((ObjectNode) json.deepCopy()).put("type", "policy.reactivated");
        return new Delivery(today.event(), Ten99PolicyEvents.map(raw, reactivated, at).states());
    };

    /** Today's 1099Policy mapping with each state changed as an earlier mapping made it. */
    static TestProviders.Mapper changedStates(UnaryOperator<StateUpdate> change) {
        return changedStates(Providers.named(Ten99PolicyEvents.PROVIDER)::map, change);
    }

    static TestProviders.Mapper changedStates(TestProviders.Mapper mapper, UnaryOperator<StateUpdate> change) {
        return (raw, json, headers, at) -> {
            Delivery today = mapper.map(raw, json, headers, at);
            return new Delivery(today.event(), today.states().stream().map(change).toList());
        };
    }
}
