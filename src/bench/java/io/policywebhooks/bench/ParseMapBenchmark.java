package io.policywebhooks.bench;

import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

import com.fasterxml.jackson.databind.JsonNode;

import io.policywebhooks.store.Schema;
import io.policywebhooks.store.WebhookStore;
import io.policywebhooks.ten99policy.Ten99PolicyEvents;
import io.policywebhooks.verticalinsure.VerticalInsureEvents;
import io.policywebhooks.webhook.BenchAccess;
import io.policywebhooks.provider.Delivery;
import io.policywebhooks.provider.JsonFields;
import io.policywebhooks.provider.Headers;

/**
 * Parse + map to the DynamoDB requests: the body parsed with WebhookService's mapper, mapped by the provider's
 * events class to a {@link Delivery}, then turned by {@link WebhookStore} into its PutItem request (event item with
 * the raw body and the payload as a DynamoDB map) and, when the event carries state, its conditional UpdateItem
 * request (a client that does no I/O receives them). The {@code parse*} benchmarks isolate the JSON parse.
 *
 * <p>The 1099Policy sample has no event id and no Convoy id header is sent, so its event key is the body's SHA-256
 * (the costlier of the two ways), as for every Vertical Insure event.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 1)
public class ParseMapBenchmark {
    @Param({Payloads.SMALL, Payloads.LARGE})
    public String size;

    private byte[] ten99Body;
    private byte[] viBody;
    private Headers noHeaders;
    private CapturingDynamoDb dynamo;
    private WebhookStore store;

    @Setup
    public void setUp() {
        ten99Body = Payloads.ten99(size);
        viBody = Payloads.verticalInsure(size);
        noHeaders = Headers.of(Map.of());
        dynamo = new CapturingDynamoDb();
        store = new WebhookStore(dynamo, new Schema.TableNames("events", "policies", "assignments"));
        // The samples must map to an event with state, or the benchmark would measure less than production does.
        Delivery t = Ten99PolicyEvents.map(ten99Body, JsonFields.parse(ten99Body), Payloads.CLOCK.instant());
        Delivery v = VerticalInsureEvents.map(viBody, JsonFields.parse(viBody), Payloads.CLOCK.instant());
        if (t.states().size() != 1 || v.states().size() != 1 || t.event().payload() == null) {
            throw new IllegalStateException("sample did not map to event + state");
        }
    }

    @Benchmark
    public JsonNode parseTen99() {
        return JsonFields.parse(ten99Body);
    }

    @Benchmark
    public JsonNode parseVerticalInsure() {
        return JsonFields.parse(viBody);
    }

    @Benchmark
    public void parseMapTen99(Blackhole bh) {
        Instant receivedAt = Payloads.CLOCK.instant();
        Delivery delivery = Ten99PolicyEvents.map(ten99Body, JsonFields.parse(ten99Body), receivedAt);
        dynamo.buildWrites(store, delivery, receivedAt, bh);
    }

    @Benchmark
    public void parseMapVerticalInsure(Blackhole bh) {
        Instant receivedAt = Payloads.CLOCK.instant();
        Delivery delivery = VerticalInsureEvents.map(viBody, JsonFields.parse(viBody), receivedAt);
        dynamo.buildWrites(store, delivery, receivedAt, bh);
    }

}
