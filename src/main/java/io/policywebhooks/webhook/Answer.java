package io.policywebhooks.webhook;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * Every JSON answer: {@code {"event_id": …, "duplicate": …}} once stored, {@code {"error": "<short fixed reason>"}}
 * otherwise. Registered for reflection because Jackson writes it from a {@code Response} entity, whose type the
 * native build cannot see.
 */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Answer(@JsonProperty("event_id") String eventId, Boolean duplicate, String error) {
    static Answer of(Outcome outcome) {
        return outcome.error() == null
                ? new Answer(outcome.eventId(), outcome.duplicate(), null)
                : error(outcome.error());
    }

    static Answer error(String reason) {
        return new Answer(null, null, reason);
    }
}
