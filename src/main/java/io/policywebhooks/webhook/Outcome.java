package io.policywebhooks.webhook;

/**
 * How a delivery ended, with the HTTP status the provider gets.
 *
 * @param eventId   set once stored (or found already stored)
 * @param duplicate true when the event was already stored
 * @param error     a short fixed reason for a refusal, else null
 */
public record Outcome(Kind kind, int status, String eventId, boolean duplicate, String error) {
    public enum Kind {
        STORED, DUPLICATE, REJECTED, TOO_LARGE, STORAGE_FAILED
    }

    static Outcome stored(String eventId, boolean duplicate) {
        return new Outcome(duplicate ? Kind.DUPLICATE : Kind.STORED, 200, eventId, duplicate, null);
    }

    static Outcome rejected(String reason) {
        return new Outcome(Kind.REJECTED, 401, null, false, reason);
    }

    static Outcome tooLarge() {
        return new Outcome(Kind.TOO_LARGE, 413, null, false, "body too large");
    }

    static Outcome storageFailed() {
        return new Outcome(Kind.STORAGE_FAILED, 503, null, false, "storage unavailable, retry later");
    }
}
