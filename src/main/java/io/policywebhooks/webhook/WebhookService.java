package io.policywebhooks.webhook;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.policywebhooks.provider.Delivery;
import io.policywebhooks.provider.Headers;
import io.policywebhooks.provider.InvalidSignatureException;
import io.policywebhooks.provider.Mapping;
import io.policywebhooks.provider.WebhookProvider;
import io.policywebhooks.store.Attempt;
import io.policywebhooks.store.StateUpdate;
import io.policywebhooks.store.WebhookStore;
import io.quarkus.runtime.Startup;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * The one flow every provider goes through: size check → verify → parse → map → store the event (deduplicated) →
 * guarded state update → outcome. One JSON log line per request, which is also the request's CloudWatch metrics
 * ({@link RequestMetrics}, Embedded Metric Format).
 */
@Startup // a bad WEBHOOK_MAX_BODY_BYTES stops startup, not the first delivery
@Singleton
public class WebhookService {
    /** Request log lines are pure JSON (see application.properties) so CloudWatch can filter on their fields. */
    private static final Logger REQUESTS = Logger.getLogger("io.policywebhooks.requests");
    private static final Logger LOG = Logger.getLogger(WebhookService.class);

    private final WebhookStore store;
    private final Clock clock;
    private final int maxBodyBytes;
    /** The EMF directives of every line (namespace, dimension sets, metric names and units). */
    private final ArrayNode metricDirectives;
    /** Set until the first request of this instance (the function's execution environment) is logged. */
    private final AtomicBoolean coldStart = new AtomicBoolean(true);

    @Inject
    public WebhookService(WebhookStore store, Clock clock, WebhookConfig config) {
        this(store, clock, config.maxBodyBytes(), config.metricsNamespace());
    }

    /**
     * The most {@code WEBHOOK_MAX_BODY_BYTES} may be: a body this large, stored raw with the event's few other
     * attributes (ids, times, type: at most ~7 KB), still fits DynamoDB's 400 KB item, so an authentic event is
     * never refused for its size once accepted.
     */
    public static final int MAX_BODY_BYTES_LIMIT = 384 * 1024;

    public WebhookService(WebhookStore store, Clock clock, int maxBodyBytes, String metricsNamespace) {
        if (maxBodyBytes < 1 || maxBodyBytes > MAX_BODY_BYTES_LIMIT) {
            throw new IllegalStateException("WEBHOOK_MAX_BODY_BYTES must be between 1 and " + MAX_BODY_BYTES_LIMIT
                    + " (DynamoDB's item limit)");
        }
        this.store = store;
        this.clock = clock;
        this.maxBodyBytes = maxBodyBytes;
        this.metricDirectives = RequestMetrics.directives(RequestMetrics.checkNamespace(metricsNamespace));
    }

    /**
     * Handles one delivery: every expected case (too large, empty, not authentic, stored, storage failing) is an
     * {@link Outcome}. Only a bug escapes as an exception, answered 500 by {@link ErrorAnswers}.
     */
    public Outcome receive(Endpoint endpoint, byte[] rawBody, Headers headers) {
        return receive(endpoint, rawBody, headers, Invocation.NONE);
    }

    /**
     * As {@link #receive(Endpoint, byte[], Headers)}, in a Lambda invocation: its ids go into the log line,
     * its remaining time bounds the DynamoDB calls.
     */
    public Outcome receive(Endpoint endpoint, byte[] rawBody, Headers headers, Invocation invocation) {
        WebhookProvider provider = endpoint.provider();
        long startNanos = System.nanoTime();
        long startMillis = clock.millis(); // the metrics' timestamp
        String type = null;
        Map<String, Object> extra = Map.of();
        Outcome outcome;
        try {
            if (rawBody.length > maxBodyBytes) {
                outcome = Outcome.tooLarge();
            } else if (rawBody.length == 0) {
                outcome = Outcome.empty(); // no provider sends an empty event; nothing to store
            } else {
                endpoint.verifier().verify(rawBody, headers);
                Delivery delivery = map(provider, rawBody, headers);
                type = delivery.event().type();
                extra = delivery.event().extra() == null ? Map.of() : delivery.event().extra();
                outcome = store(delivery, invocation.attempt());
            }
        } catch (InvalidSignatureException e) {
            outcome = Outcome.rejected(e.getMessage());
        }
        log(provider, type, extra, outcome, invocation, startMillis, startNanos);
        return outcome;
    }

    private Delivery map(WebhookProvider provider, byte[] rawBody, Headers headers) {
        Mapping mapping = Mapping.of(provider, rawBody, headers, clock.instant());
        if (mapping.failed()) {
            LOG.warnf("could not map a %s event (%s); storing it raw", provider.name(), mapping.failure());
        }
        return mapping.delivery();
    }

    private Outcome store(Delivery delivery, Attempt attempt) {
        try {
            WebhookStore.EventWrite event = store.putEvent(delivery.event(), attempt);
            List<String> leftOut = new ArrayList<>(event.leftOut());
            List<WebhookStore.Applied> states = new ArrayList<>(delivery.states().size());
            List<Outcome.RefusedState> refused = new ArrayList<>();
            for (StateUpdate state : delivery.states()) {
                // Also on a duplicate: the earlier attempt may have died between the writes.
                WebhookStore.StateWrite written = store.applyState(state, clock.instant(), attempt);
                states.add(written.applied());
                leftOut.addAll(written.leftOut());
                if (written.refusal() != null) {
                    refused.add(new Outcome.RefusedState(state.kind().name().toLowerCase(Locale.ROOT), state.id(),
                            written.refusal()));
                }
            }
            return Outcome.stored(delivery.event().eventId(), event.duplicate(), states, refused, leftOut);
        } catch (SdkException | Attempt.DeadlineReached e) {
            return Outcome.storageFailed(delivery.event().eventId(), e, attempt.expired());
        }
    }

    /**
     * The request's one log line: pure JSON on one line (Logs Insights and metric filters read its fields) and an EMF
     * document. {@code cold_start} is present, true, on the first request of the instance only.
     */
    private void log(WebhookProvider provider, String type, Map<String, Object> extra, Outcome outcome, Invocation ids,
            long startMillis, long startNanos) {
        double durationMs = (System.nanoTime() - startNanos) / 1_000_000.0;
        ObjectNode line = JsonNodeFactory.instance.objectNode()
                .put("provider", provider.name())
                .put("type", type)
                .put("event_id", outcome.eventId())
                .put("outcome", outcome.kind().name().toLowerCase(Locale.ROOT))
                .put("status", outcome.status())
                .put("duration_ms", durationMs);
        if (outcome.error() != null) {
            line.put("reason", outcome.error());
        }
        if (!outcome.states().isEmpty()) {
            ArrayNode states = line.putArray("states");
            outcome.states().forEach(applied -> states.add(applied.name().toLowerCase(Locale.ROOT)));
        }
        if (!outcome.refused().isEmpty()) {
            ArrayNode refused = line.putArray("refused_states");
            outcome.refused().forEach(state -> refused.addObject().put("kind", state.kind()).put("id", state.id())
                    .put("reason", state.reason().name().toLowerCase(Locale.ROOT)));
        }
        if (!outcome.leftOut().isEmpty()) {
            ArrayNode names = line.putArray("left_out");
            outcome.leftOut().forEach(names::add);
        }
        if (outcome.cause() != null) {
            line.put("cause", outcome.cause());
        }
        // The provider's own delivery ids (authentic deliveries only), to find a line from the provider's delivery log.
        for (WebhookProvider.KeptHeader kept : provider.keptHeaders()) {
            if (extra.get(kept.attribute()) instanceof String value) {
                line.put(kept.attribute(), value);
            }
        }
        if (ids.lambdaRequestId() != null) {
            line.put("lambda_request_id", ids.lambdaRequestId());
        }
        if (ids.apiRequestId() != null) {
            line.put("api_request_id", ids.apiRequestId());
        }
        if (coldStart.compareAndSet(true, false)) {
            line.put("cold_start", true);
        }
        RequestMetrics.addTo(line, metricDirectives, startMillis, outcome, durationMs);
        REQUESTS.log(outcome.status() >= 500 ? Logger.Level.ERROR : Logger.Level.INFO, line.toString());
    }
}
