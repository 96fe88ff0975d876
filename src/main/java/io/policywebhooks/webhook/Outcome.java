package io.policywebhooks.webhook;

import java.util.List;

import io.policywebhooks.store.WebhookStore;

/**
 * How a delivery ended, with the HTTP status the provider gets.
 *
 * @param eventId   set once stored (or found already stored)
 * @param duplicate true when the event was already stored (this delivery was counted on it)
 * @param states    what each state write of the event did (applied, stale: a newer event is reflected, refused)
 * @param refused   the states refused, which and why (for the log line and its metrics)
 * @param leftOut   for {@link Kind#STORED_PARTIALLY}, the attributes DynamoDB refuses that were not stored (names
 *                  only, for the log line)
 * @param error     a short fixed reason for a refusal, else null
 * @param cause     for a storage failure, the exception class (for the log line, never for the caller)
 */
public record Outcome(Kind kind, int status, String eventId, boolean duplicate, List<WebhookStore.Applied> states,
        List<RefusedState> refused, List<String> leftOut, String error, String cause) {
    /** The answer to a delivery whose DynamoDB calls ran out of the invocation's time. */
    static final String DEADLINE_REACHED = "deadline reached, retry later";

    /**
     * A state the event did not change although it is not known to be older.
     *
     * @param kind   {@code policy} or {@code assignment}
     * @param id     its key value
     * @param reason why it was refused
     */
    public record RefusedState(String kind, String id, WebhookStore.Refusal reason) {
    }

    public enum Kind {
        STORED, DUPLICATE, STORED_PARTIALLY, REJECTED, EMPTY, TOO_LARGE, STORAGE_FAILED;

        /**
         * True when the delivery's event is in the events table after the request. A storage failure counts as not
         * stored even when its event write went through before a state write failed: the provider retries it.
         */
        public boolean stored() {
            return this == STORED || this == DUPLICATE || this == STORED_PARTIALLY;
        }
    }

    static Outcome stored(String eventId, boolean duplicate, List<WebhookStore.Applied> states,
            List<RefusedState> refused, List<String> leftOut) {
        Kind kind = !leftOut.isEmpty() ? Kind.STORED_PARTIALLY : duplicate ? Kind.DUPLICATE : Kind.STORED;
        return new Outcome(kind, 200, eventId, duplicate, List.copyOf(states), List.copyOf(refused),
                List.copyOf(leftOut), null, null);
    }

    static Outcome rejected(String reason) {
        return new Outcome(Kind.REJECTED, 401, null, false, List.of(), List.of(), List.of(), reason, null);
    }

    static Outcome empty() {
        return new Outcome(Kind.EMPTY, 400, null, false, List.of(), List.of(), List.of(), "empty body", null);
    }

    static Outcome tooLarge() {
        return new Outcome(Kind.TOO_LARGE, 413, null, false, List.of(), List.of(), List.of(), "body too large", null);
    }

    /** @param deadline whether the invocation's time ran out (the reason says so), else DynamoDB failed */
    static Outcome storageFailed(String eventId, Exception cause, boolean deadline) {
        return new Outcome(Kind.STORAGE_FAILED, 503, eventId, false, List.of(), List.of(), List.of(),
                deadline ? DEADLINE_REACHED : "storage unavailable, retry later", cause.getClass().getName());
    }
}
