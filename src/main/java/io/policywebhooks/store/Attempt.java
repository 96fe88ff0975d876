package io.policywebhooks.store;

import java.time.Duration;
import java.util.UUID;

/**
 * One delivery's attempt to store itself.
 *
 * <p>{@code deliveryId} goes with each of its writes: when the SDK retries a call whose answer was lost after
 * DynamoDB applied it, the retried call's failed condition hands back the item (ALL_OLD), and the id in it tells
 * "this delivery's own earlier attempt" from "stored earlier by another delivery".
 *
 * <p>{@code deadlineNanos} ({@link System#nanoTime()}) is when the delivery's DynamoDB calls must have ended, so that
 * the function still answers (and logs) before Lambda ends the invocation; {@link Long#MAX_VALUE} for none.
 */
public record Attempt(String deliveryId, long deadlineNanos) {
    /** Raised before a DynamoDB call when the attempt's time is up: the delivery is answered 503 and retried. */
    public static final class DeadlineReached extends RuntimeException {
        DeadlineReached() {
            super("the invocation's deadline was reached before DynamoDB answered", null, false, false);
        }
    }

    /** An attempt with no deadline of its own (outside Lambda; the reprocess command). */
    public static Attempt unbounded(String deliveryId) {
        return new Attempt(deliveryId, Long.MAX_VALUE);
    }

    /** An attempt whose DynamoDB calls must end within {@code budget} from now. */
    public static Attempt within(String deliveryId, Duration budget) {
        return new Attempt(deliveryId, System.nanoTime() + budget.toNanos());
    }

    /** A random delivery id, for a delivery that has none from Lambda. */
    public static String randomDeliveryId() {
        return UUID.randomUUID().toString();
    }

    public boolean bounded() {
        return deadlineNanos != Long.MAX_VALUE;
    }

    /** True once the deadline has passed. */
    public boolean expired() {
        return bounded() && System.nanoTime() - deadlineNanos >= 0;
    }

    /**
     * The time the next DynamoDB call may take: the deadline's remaining time, at most {@code callTimeout} (the
     * client's own budget per call).
     *
     * @throws DeadlineReached when none remains
     */
    Duration callTimeout(Duration callTimeout) {
        if (!bounded()) {
            return callTimeout;
        }
        long remainingNanos = deadlineNanos - System.nanoTime();
        if (remainingNanos <= 0) {
            throw new DeadlineReached();
        }
        return remainingNanos < callTimeout.toNanos() ? Duration.ofNanos(remainingNanos) : callTimeout;
    }
}
