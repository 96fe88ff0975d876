package io.policywebhooks.it;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import io.quarkus.amazon.lambda.runtime.MockHttpEventServer;
import io.vertx.ext.web.RoutingContext;

/**
 * Quarkus's mock Runtime API plus what Lambda's sends and it does not: each invocation's deadline
 * ({@code Lambda-Runtime-Deadline-Ms}, epoch milliseconds), the function's timeout after the moment the invocation
 * is handed to the function, which is when Lambda's clock starts. An answer posted after its deadline, which Lambda
 * would never have received (it ends the invocation), is recorded.
 */
final class DeadlineRuntimeApi extends MockHttpEventServer {
    static final String DEADLINE_HEADER = "Lambda-Runtime-Deadline-Ms";
    private static final String REQUEST_ID_HEADER = "Lambda-Runtime-Aws-Request-Id";

    private final Duration timeout;
    private final Map<String, Long> deadlines = new ConcurrentHashMap<>();
    private final List<String> late = new CopyOnWriteArrayList<>();

    DeadlineRuntimeApi(Duration timeout) {
        this.timeout = timeout;
    }

    @Override
    public void nextEvent(RoutingContext ctx) {
        // The next-invocation call waits for an event; its headers are written when one is handed out.
        ctx.addHeadersEndHandler(handedOut -> {
            long deadline = System.currentTimeMillis() + timeout.toMillis();
            ctx.response().putHeader(DEADLINE_HEADER, Long.toString(deadline));
            String requestId = ctx.response().headers().get(REQUEST_ID_HEADER);
            if (requestId != null) {
                deadlines.put(requestId, deadline);
            }
        });
        super.nextEvent(ctx);
    }

    @Override
    public void handleResponse(RoutingContext ctx) {
        recordIfLate(ctx);
        super.handleResponse(ctx);
    }

    @Override
    public void handleError(RoutingContext ctx) {
        recordIfLate(ctx);
        super.handleError(ctx);
    }

    private void recordIfLate(RoutingContext ctx) {
        String requestId = ctx.pathParam("requestId");
        Long deadline = requestId == null ? null : deadlines.remove(requestId);
        long now = System.currentTimeMillis();
        if (deadline != null && now > deadline) {
            late.add(requestId + " answered " + (now - deadline) + " ms after its deadline");
        }
    }

    /** The invocations answered after their deadline, each with how late. */
    List<String> lateAnswers() {
        return List.copyOf(late);
    }
}
