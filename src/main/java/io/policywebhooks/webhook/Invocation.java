package io.policywebhooks.webhook;

import java.time.Duration;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;

import io.policywebhooks.store.Attempt;

/**
 * The Lambda invocation a delivery arrived in: the ids that join its records (the Lambda request id, in the
 * function's own log lines and Lambda's REPORT line; API Gateway's request id, in the API access log) and the time
 * left before Lambda ends it. Each is null when absent, as outside Lambda.
 */
public record Invocation(String lambdaRequestId, String apiRequestId, Duration remaining) {
    public static final Invocation NONE = new Invocation(null, null, null);

    /**
     * Kept back from the invocation's remaining time for what follows the DynamoDB calls: the log line and the
     * answer, so a delivery whose storage runs out of time is still answered 503 and logged.
     */
    static final Duration ANSWER_MARGIN = Duration.ofMillis(500);
    /** Lambda's longest timeout: a remaining time outside (0, this] did not come from a Lambda deadline. */
    private static final long MAX_REMAINING_MILLIS = 900_000;

    /** From what the Lambda HTTP integration gives the resource; never fails, whatever is missing. */
    static Invocation of(Context lambda, APIGatewayV2HTTPEvent event) {
        return new Invocation(lambdaRequestId(lambda), apiRequestId(event), remaining(lambda));
    }

    /** This delivery's storage attempt: its id is the Lambda request id, its deadline the invocation's less a margin. */
    Attempt attempt() {
        String deliveryId = lambdaRequestId != null ? lambdaRequestId : Attempt.randomDeliveryId();
        return remaining == null ? Attempt.unbounded(deliveryId)
                : Attempt.within(deliveryId, remaining.minus(ANSWER_MARGIN));
    }

    private static String lambdaRequestId(Context lambda) {
        try {
            return lambda == null ? null : lambda.getAwsRequestId();
        } catch (RuntimeException noInvocation) {
            // The request-scoped producer has no invocation to give (not called through Lambda).
            return null;
        }
    }

    /**
     * The invocation's remaining time, or null without a credible one: a Runtime API that sends no deadline (as
     * Quarkus's test server) leaves the context computing from 0, which gives a value far outside Lambda's range.
     */
    private static Duration remaining(Context lambda) {
        try {
            long millis = lambda == null ? 0 : lambda.getRemainingTimeInMillis();
            return millis > 0 && millis <= MAX_REMAINING_MILLIS ? Duration.ofMillis(millis) : null;
        } catch (RuntimeException noInvocation) {
            return null;
        }
    }

    private static String apiRequestId(APIGatewayV2HTTPEvent event) {
        try {
            return event == null || event.getRequestContext() == null ? null : event.getRequestContext().getRequestId();
        } catch (RuntimeException noInvocation) {
            return null;
        }
    }
}
