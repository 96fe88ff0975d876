package io.policywebhooks.webhook;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;

/**
 * The ids that join one delivery's records: the Lambda invocation's request id (in the function's own log lines and
 * Lambda's REPORT line) and API Gateway's request id (in the API access log). Either is null when absent, as outside
 * Lambda.
 */
public record RequestIds(String lambdaRequestId, String apiRequestId) {
    public static final RequestIds NONE = new RequestIds(null, null);

    /** From what the Lambda HTTP integration gives the resource; never fails, whatever is missing. */
    static RequestIds of(Context lambda, APIGatewayV2HTTPEvent event) {
        return new RequestIds(lambdaRequestId(lambda), apiRequestId(event));
    }

    private static String lambdaRequestId(Context lambda) {
        try {
            return lambda == null ? null : lambda.getAwsRequestId();
        } catch (RuntimeException noInvocation) {
            // The request-scoped producer has no invocation to give (not called through Lambda).
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
