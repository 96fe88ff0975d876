package io.policywebhooks.bench;

import static io.policywebhooks.bench.LoadKit.TEN99_SECRET;
import static io.policywebhooks.bench.LoadKit.VI_KEY;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.policywebhooks.Webhooks;
import io.policywebhooks.provider.Delivery;
import io.policywebhooks.ten99policy.ConvoySignatureVerifier;
import io.policywebhooks.ten99policy.Ten99PolicyEvents;
import io.policywebhooks.ten99policy.Ten99PolicySigner;
import io.policywebhooks.verticalinsure.VerticalInsureEvents;
import io.policywebhooks.verticalinsure.VerticalInsureSignatureVerifier;
import io.policywebhooks.verticalinsure.VerticalInsureSigner;

/**
 * What the benchmarks send and read back: distinct correctly signed events of both providers (signed with
 * {@link LoadKit}'s secrets), the HTTP requests that carry them, and the function's request log. Loopback only.
 */
final class LoadRequests {
    private LoadRequests() {
    }

    static final ObjectMapper JSON = new ObjectMapper();

    /** One distinct event, signed when it is sent. */
    record Event(String provider, String path, byte[] body, String expectedEventId, String policyId) {
        String signatureHeader() {
            return provider.equals(Ten99PolicyEvents.PROVIDER) ? ConvoySignatureVerifier.SIGNATURE_HEADER
                    : VerticalInsureSignatureVerifier.SIGNATURE_HEADER;
        }

        /** The header value, signed now with the function's configured secret (Convoy advanced, SHA-512, hex). */
        String sign() {
            return signWith(TEN99_SECRET, VI_KEY);
        }

        /** The header value in the same form, signed now with a secret that is not the function's: a forgery. */
        String forge() {
            return signWith("not-the-secret", "not-the-key");
        }

        private String signWith(String ten99Secret, String viKey) {
            return provider.equals(Ten99PolicyEvents.PROVIDER)
                    ? Ten99PolicySigner.signAdvanced(List.of(ten99Secret), Webhooks.now(), body,
                            ConvoySignatureVerifier.Hash.SHA512, ConvoySignatureVerifier.Encoding.HEX)
                    : VerticalInsureSigner.sign(viKey, body);
        }
    }

    private static final String TEN99_SAMPLE = new String(Webhooks.sample("1099policy/policy.active.json"),
            StandardCharsets.UTF_8);
    private static final String VI_BIND = new String(Webhooks.sample("vertical-insure/policy_bind_complete.json"),
            StandardCharsets.UTF_8);
    private static final String VI_CANCEL = new String(Webhooks.sample("vertical-insure/policy_canceled.json"),
            StandardCharsets.UTF_8);
    private static final String VI_SAMPLE_POLICY = "3fa85f64-5717-4562-b3fc-2c963f66afa6";

    /**
     * The documented samples made distinct: 1099Policy "policy.active" with its own event id and policy id
     * (596 → ~660 bytes), Vertical Insure "policy_bind_complete" or "policy_canceled" with its own policy id (its
     * event id is the body hash, so a distinct body is a distinct event). Every one carries a state write.
     */
    static Event event(long n) {
        if (n % 2 == 0) {
            String id = "evt_" + UUID.randomUUID();
            String policy = "pl_" + UUID.randomUUID();
            byte[] body = TEN99_SAMPLE.replaceFirst("\\{", "{\n\"id\": \"" + id + "\",")
                    .replace("pl_iJ5A9JKnG8", policy).getBytes(StandardCharsets.UTF_8);
            return new Event(Ten99PolicyEvents.PROVIDER, "/webhooks/1099policy", body,
                    Ten99PolicyEvents.PROVIDER + "#" + id, policy);
        }
        String policy = UUID.randomUUID().toString();
        byte[] body = ((n / 2) % 2 == 0 ? VI_BIND : VI_CANCEL).replace(VI_SAMPLE_POLICY, policy)
                .getBytes(StandardCharsets.UTF_8);
        return new Event(VerticalInsureEvents.PROVIDER, "/webhooks/vertical-insure", body,
                VerticalInsureEvents.PROVIDER + "#" + Delivery.bodyKey(body), policy);
    }

    // ---------------------------------------------------------------- HTTP

    static HttpClient http() {
        // HTTP/1.1 explicitly: the default (HTTP/2) would try an h2c upgrade on the first request of each connection
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5))
                .build();
    }

    /** One answered (or failed) request: status -1 when no HTTP answer came. */
    record Answer(int status, String body, long nanos) {
    }

    static HttpRequest request(int port, Event event) {
        return request(port, event, event.sign(), 30);
    }

    /** The event's request with this signature header value, or without the header when {@code signature} is null. */
    static HttpRequest request(int port, Event event, String signature) {
        return request(port, event, signature, 30);
    }

    /** The signed request; the client gives up on it after {@code timeoutSeconds} without an answer. */
    static HttpRequest request(int port, Event event, int timeoutSeconds) {
        return request(port, event, event.sign(), timeoutSeconds);
    }

    private static HttpRequest request(int port, Event event, String signature, int timeoutSeconds) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + event.path()))
                .timeout(Duration.ofSeconds(timeoutSeconds))
                .header("Content-Type", "application/json");
        if (signature != null) {
            request.header(event.signatureHeader(), signature);
        }
        return request.POST(HttpRequest.BodyPublishers.ofByteArray(event.body())).build();
    }

    /** Sends a prepared request and times it (the signature is computed before the clock starts). */
    static Answer send(HttpClient http, HttpRequest request) {
        long start = System.nanoTime();
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            return new Answer(response.statusCode(), response.body(), System.nanoTime() - start);
        } catch (IOException e) {
            return new Answer(-1, e.toString(), System.nanoTime() - start);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Answer(-1, e.toString(), System.nanoTime() - start);
        }
    }

    static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    // ---------------------------------------------------------------- the function's request log

    /** event_id → duration_ms from the function's JSON request log lines (in-process time of WebhookService). */
    static Map<String, Double> requestDurations(String output) {
        Map<String, Double> durations = new HashMap<>();
        output.lines().filter(l -> l.startsWith("{") && l.contains("\"duration_ms\"")).forEach(line -> {
            JsonNode node = json(line);
            if (node != null && node.hasNonNull("event_id") && node.has("duration_ms")) {
                durations.put(node.get("event_id").asText(), node.get("duration_ms").asDouble());
            }
        });
        return durations;
    }

    /** duration_ms of the request log lines with this outcome (e.g. "rejected", which carry no event id). */
    static List<Double> requestDurations(String output, String outcome) {
        List<Double> all = new ArrayList<>();
        output.lines().filter(l -> l.startsWith("{") && l.contains("\"duration_ms\"")).forEach(line -> {
            JsonNode node = json(line);
            if (node != null && node.has("duration_ms") && outcome.equals(node.path("outcome").asText())) {
                all.add(node.get("duration_ms").asDouble());
            }
        });
        return all;
    }
}
