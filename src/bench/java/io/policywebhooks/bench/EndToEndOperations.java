package io.policywebhooks.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongFunction;


import io.policywebhooks.bench.EndToEndLoad.Sample;
import io.policywebhooks.bench.LoadRequests.Answer;
import io.policywebhooks.bench.LoadRequests.Event;
import io.policywebhooks.store.WebhookStore;
import io.policywebhooks.provider.Delivery;
import io.policywebhooks.provider.Headers;
import io.policywebhooks.provider.Mapping;
import io.policywebhooks.provider.Providers;
import io.quarkus.amazon.lambda.runtime.MockEventServer;
import io.quarkus.amazon.lambda.runtime.MockHttpEventServer;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

/**
 * What {@link EndToEndLoad} times, one operation per call: a distinct signed event to the receiver or to the minimal
 * function through their Runtime APIs, the same writes sent bare to dynalite, and the probes. One sequence numbers
 * the events of all of them, so no two operations send the same event.
 */
final class EndToEndOperations implements AutoCloseable {
    private final AtomicLong sequence = new AtomicLong();
    private final HttpClient http = LoadRequests.http();
    /** The receiver's and the minimal function's Runtime API ports. */
    private final int port;
    private final int minimalPort;
    /** A client built like the function's, for the bare writes. */
    private final DynamoDbClient bare;
    /** The in-process times the minimal function answered with, by event id. */
    final Map<String, Double> minimalInProcess = new ConcurrentHashMap<>();

    /** Runs a probe's phases with its operation. */
    interface Probe {
        void run(LongFunction<Sample> operation) throws InterruptedException;
    }

    EndToEndOperations(int port, int minimalPort, DynamoDbClient bare) {
        this.port = port;
        this.minimalPort = minimalPort;
        this.bare = bare;
    }

    LongFunction<Sample> operation(String kind) {
        return switch (kind) {
            case "receiver" -> this::receiver;
            case "minimal" -> this::minimal;
            case "bare" -> this::bareWrites;
            default -> throw new IllegalArgumentException(kind);
        };
    }

    /** A distinct event of the next provider, signed now, sent through the Runtime API to the function. */
    Sample receiver(long n) {
        Event event = LoadRequests.event(sequence.getAndIncrement());
        return EndToEndLoad.receiverSample(event, LoadRequests.send(http, LoadRequests.request(port, event)));
    }

    /**
     * The same kind of event, signed the same way, sent through a mock Runtime API of its own to the minimal
     * function; its answer carries the event id and the in-process time.
     */
    Sample minimal(long n) {
        Event event = LoadRequests.event(sequence.getAndIncrement());
        Answer answer = LoadRequests.send(http, LoadRequests.request(minimalPort, event));
        return EndToEndLoad.sample(event, answer, (id, body) -> {
            if (id != null && body.has("duration_ms")) {
                minimalInProcess.put(id, body.get("duration_ms").asDouble());
            }
        });
    }

    /** The same two writes the receiver makes for such an event, built before the clock starts, sent bare. */
    Sample bareWrites(long n) {
        Event event = LoadRequests.event(sequence.getAndIncrement());
        Instant now = Instant.now();
        Delivery delivery = Mapping.of(Providers.named(event.provider()), event.body(), Headers.of(Map.of()), now)
                .delivery();
        CapturingDynamoDb capture = new CapturingDynamoDb();
        WebhookStore store = new WebhookStore(capture, LoadKit.BARE_TABLES);
        store.putEvent(delivery.event());
        store.applyState(delivery.states().get(0), now); // the load's events each carry one state
        PutItemRequest put = capture.lastPut;
        UpdateItemRequest update = capture.lastUpdate;

        long start = System.nanoTime();
        try {
            bare.putItem(put);
            bare.updateItem(update);
            return new Sample(System.nanoTime() - start, true, 200, event, delivery.event().eventId(), false, null);
        } catch (SdkException e) {
            return new Sample(System.nanoTime() - start, false, -1, event, delivery.event().eventId(), false,
                    e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    /** {@link #bareWrites} after an untimed 2 ms pause (about the receiver's time outside the writes). */
    Sample pacedBareWrites(long n) {
        try {
            Thread.sleep(2);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return bareWrites(n);
    }

    /** POST to a path nothing serves: Runtime API hop + Lambda HTTP adapter + routing, none of our code. */
    Sample unknownPath(long n) {
        return unknownPath(port);
    }

    /** The same to the minimal function: the hop, the runtime client and its event deserialisation. */
    Sample minimalUnknownPath(long n) {
        return unknownPath(minimalPort);
    }

    /** The same to the function behind the Runtime API at {@code functionPort}. */
    private Sample unknownPath(int functionPort) {
        Event event = LoadRequests.event(sequence.getAndIncrement());
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + functionPort + "/none"))
                .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(event.body())).build();
        return expecting(404, event, LoadRequests.send(http, request));
    }

    /** A 1099Policy event signed with the wrong secret: our verification answers 401, no DynamoDB call. */
    Sample badSignature(long n) {
        Event event = LoadRequests.event(2 * sequence.getAndIncrement()); // even: 1099Policy
        return expecting(401, event, LoadRequests.send(http, LoadRequests.request(port, event, event.forge())));
    }

    /** A probe's sample: ok when the answer is the expected {@code status}. */
    private static Sample expecting(int status, Event event, Answer answer) {
        return new Sample(answer.nanos(), answer.status() == status, answer.status(), event, null, false,
                answer.status() == status ? null : answer.status() + " " + answer.body());
    }

    /**
     * The mock Runtime API alone: a second instance of it, polled by a trivial poller thread in this JVM that answers
     * every event at once with a fixed API Gateway response (no deserialisation, no function). Client → HTTP →
     * event JSON → queue → poll → response JSON → HTTP answer. {@code probe} runs the phases of its operation.
     */
    void runtimeApiProbe(Probe probe) throws Exception {
        MockHttpEventServer server = new MockHttpEventServer();
        server.start(0);
        AtomicBoolean stop = new AtomicBoolean();
        Thread poller = new Thread(() -> answerEveryEvent("http://127.0.0.1:" + server.getPort(), stop),
                "runtime-api-poller");
        poller.setDaemon(true);
        poller.start();
        try {
            probe.run(n -> {
                Event event = LoadRequests.event(sequence.getAndIncrement());
                return expecting(200, event, LoadRequests.send(http, LoadRequests.request(server.getPort(), event)));
            });
        } finally {
            stop.set(true);
            server.close();
            poller.join(5000);
        }
    }

    /** The trivial poller: takes each next invocation of the Runtime API at {@code base} and answers 200 at once. */
    private static void answerEveryEvent(String base, AtomicBoolean stop) {
        HttpClient pollHttp = LoadRequests.http();
        byte[] response = "{\"statusCode\":200,\"headers\":{\"Content-Type\":\"application/json\"},\"body\":\"{}\",\"isBase64Encoded\":false}"
                .getBytes(StandardCharsets.UTF_8);
        while (!stop.get()) {
            try {
                HttpResponse<byte[]> next = pollHttp.send(HttpRequest.newBuilder(
                        URI.create(base + MockEventServer.NEXT_INVOCATION)).GET().build(),
                        HttpResponse.BodyHandlers.ofByteArray());
                String id = next.headers().firstValue("Lambda-Runtime-Aws-Request-Id").orElse(null);
                if (id != null && next.statusCode() == 200) {
                    pollHttp.send(HttpRequest.newBuilder(URI.create(base + MockEventServer.INVOCATION + id
                            + "/response")).POST(HttpRequest.BodyPublishers.ofByteArray(response)).build(),
                            HttpResponse.BodyHandlers.discarding());
                }
            } catch (IOException e) {
                // the server closed at the end of the probe
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** One event of each provider, the very same bytes to both functions (see {@link EndToEndChecks#sameItems}). */
    String sameItems(LoadKit.Dynalite db) {
        return EndToEndChecks.sameItems(db, event -> LoadRequests.send(http, LoadRequests.request(port, event)),
                event -> LoadRequests.send(http, LoadRequests.request(minimalPort, event)));
    }

    @Override
    public void close() {
        bare.close();
    }
}
