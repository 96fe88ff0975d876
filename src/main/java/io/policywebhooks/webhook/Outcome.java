package io.policywebhooks.webhook;

/**
 * How a delivery ended, with the HTTP status the provider gets.
 *
 * @param eventId   set once stored (or found already stored)
 * @param duplicate true when the event was already stored
 * @param error     a short fixed reason for a refusal, else null
 * @param cause     for a storage failure, the exception class (for the log line, never for the caller)
 */
public record Outcome(Kind kind, int status, String eventId, boolean duplicate, String error, String cause) {
    public enum Kind {
        STORED, DUPLICATE, REJECTED, EMPTY, TOO_LARGE, STORAGE_FAILED
    }

    static Outcome stored(String eventId, boolean duplicate) {
        return new Outcome(duplicate ? Kind.DUPLICATE : Kind.STORED, 200, eventId, duplicate, null, null);
    }

    static Outcome rejected(String reason) {
        return new Outcome(Kind.REJECTED, 401, null, false, reason, null);
    }

    static Outcome empty() {
        return new Outcome(Kind.EMPTY, 400, null, false, "empty body", null);
    }

    static Outcome tooLarge() {
        return new Outcome(Kind.TOO_LARGE, 413, null, false, "body too large", null);
    }

    static Outcome storageFailed(String eventId, Exception cause) {
        return new Outcome(Kind.STORAGE_FAILED, 503, eventId, false, "storage unavailable, retry later",
                cause.getClass().getName());
    }
}
