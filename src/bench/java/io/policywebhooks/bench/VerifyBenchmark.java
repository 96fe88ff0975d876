package io.policywebhooks.bench;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

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

import io.policywebhooks.ten99policy.ConvoySignatureVerifier.Encoding;
import io.policywebhooks.ten99policy.ConvoySignatureVerifier.Hash;
import io.policywebhooks.ten99policy.ConvoySignatureVerifier;
import io.policywebhooks.ten99policy.Ten99PolicySigner;
import io.policywebhooks.verticalinsure.VerticalInsureSignatureVerifier;
import io.policywebhooks.verticalinsure.VerticalInsureSigner;
import io.policywebhooks.provider.Delivery;
import io.policywebhooks.provider.Headers;
import io.policywebhooks.provider.InvalidSignatureException;

/**
 * Signature verification, side by side with the limit and the peers, all over the same 1099Policy body:
 * <ul>
 * <li>ours: {@link ConvoySignatureVerifier} (advanced form {@code t=…,v1=…}, hex; HMAC-SHA256 and the default
 * HMAC-SHA512) and {@link VerticalInsureSignatureVerifier} (HMAC-SHA256 hex of the Vertical Insure body);</li>
 * <li>the limit: a bare pre-initialized {@link Mac} over exactly the bytes our verifier signs ({@code t}, {@code ","},
 * body), and {@link MessageDigest} SHA-256 of the body (the event key when there is no event id);</li>
 * <li>peers: Stripe's {@code Webhook.Signature.verifyHeader} (HMAC-SHA256 over {@code t.body}) and Svix's
 * {@code Webhook.verify} (HMAC-SHA256 over {@code id.t.body}), each given the body as the String their API takes.</li>
 * </ul>
 * Every verifier is given a valid signature, so each op is one successful verification.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class VerifyBenchmark {
    private static final byte[] COMMA = {','};

    @Param({Payloads.SMALL, Payloads.LARGE})
    public String size;

    private byte[] body;
    private byte[] viBody;
    private byte[] timestamp;

    private ConvoySignatureVerifier convoySha256;
    private ConvoySignatureVerifier convoySha512;
    private Headers convoySha256Headers;
    private Headers convoySha512Headers;
    private VerticalInsureSignatureVerifier verticalInsure;
    private Headers viHeaders;

    private Mac bareSha256;
    private Mac bareSha512;
    private MessageDigest bareDigest;

    private String bodyString;
    private String stripeHeader;
    private com.svix.Webhook svix;
    private Map<String, List<String>> svixHeaders;

    @Setup
    public void setUp() throws Exception {
        body = Payloads.ten99(size);
        viBody = Payloads.verticalInsure(size);
        timestamp = Long.toString(Payloads.SIGNED_AT).getBytes(StandardCharsets.US_ASCII);
        List<String> secrets = List.of(Payloads.TEN99_SECRET);

        convoySha256 = new ConvoySignatureVerifier(secrets, Hash.SHA256, Encoding.HEX, 300, Payloads.CLOCK);
        convoySha512 = new ConvoySignatureVerifier(secrets, Hash.SHA512, Encoding.HEX, 300, Payloads.CLOCK);
        convoySha256Headers = Headers.of(Map.of(ConvoySignatureVerifier.SIGNATURE_HEADER,
                Ten99PolicySigner.signAdvanced(secrets, Payloads.SIGNED_AT, body, Hash.SHA256, Encoding.HEX)));
        convoySha512Headers = Headers.of(Map.of(ConvoySignatureVerifier.SIGNATURE_HEADER,
                Ten99PolicySigner.signAdvanced(secrets, Payloads.SIGNED_AT, body, Hash.SHA512, Encoding.HEX)));
        verticalInsure = new VerticalInsureSignatureVerifier(List.of(Payloads.VI_KEY));
        viHeaders = Headers.of(Map.of(VerticalInsureSignatureVerifier.SIGNATURE_HEADER,
                VerticalInsureSigner.sign(Payloads.VI_KEY, viBody)));

        bareSha256 = Mac.getInstance("HmacSHA256");
        bareSha256.init(new SecretKeySpec(Payloads.TEN99_SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        bareSha512 = Mac.getInstance("HmacSHA512");
        bareSha512.init(new SecretKeySpec(Payloads.TEN99_SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA512"));
        bareDigest = MessageDigest.getInstance("SHA-256");

        // Stripe: "t=<t>,v1=<hex HMAC-SHA256 of t.body>", checked against the same fixed clock.
        bodyString = new String(body, StandardCharsets.UTF_8);
        stripeHeader = "t=" + Payloads.SIGNED_AT + ",v1=" + com.stripe.net.Webhook.Util
                .computeHmacSha256(Payloads.TEN99_SECRET, Payloads.SIGNED_AT + "." + bodyString);
        com.stripe.net.Webhook.Signature.verifyHeader(bodyString, stripeHeader, Payloads.TEN99_SECRET, 300,
                Payloads.CLOCK);

        // Svix: its verify reads the system clock (no Clock parameter), so sign with the time the trial starts.
        String svixSecret = "whsec_" + Base64.getEncoder()
                .encodeToString(Payloads.TEN99_SECRET.getBytes(StandardCharsets.UTF_8));
        svix = new com.svix.Webhook(svixSecret);
        long now = System.currentTimeMillis() / 1000;
        String msgId = "msg_2V3gqzYQ7mX3bKx1oN9ePz1Q2aB";
        svixHeaders = Map.of(
                "svix-id", List.of(msgId),
                "svix-timestamp", List.of(Long.toString(now)),
                "svix-signature", List.of(svix.sign(msgId, now, bodyString)));
        svix.verify(bodyString, svixHeaders);

        // Fail the run, not the figures, if any of ours were handed an invalid signature.
        convoySha256.verify(body, convoySha256Headers);
        convoySha512.verify(body, convoySha512Headers);
        verticalInsure.verify(viBody, viHeaders);
    }

    // ---- ours ----

    /** 1099Policy via Convoy, advanced form, HMAC-SHA256 hex: the one compared with the limit and the peers. */
    @Benchmark
    public Headers oursConvoySha256() throws InvalidSignatureException {
        convoySha256.verify(body, convoySha256Headers);
        return convoySha256Headers;
    }

    /** The same with HMAC-SHA512, the configured default (TEN99POLICY_SIGNATURE_HASH). */
    @Benchmark
    public Headers oursConvoySha512() throws InvalidSignatureException {
        convoySha512.verify(body, convoySha512Headers);
        return convoySha512Headers;
    }

    /** Vertical Insure: hex HMAC-SHA256 of its own (slightly smaller) body; its limit is limitHmacSha256ViBody. */
    @Benchmark
    public Headers oursVerticalInsure() throws InvalidSignatureException {
        verticalInsure.verify(viBody, viHeaders);
        return viHeaders;
    }

    /** The event key Vertical Insure events (and 1099Policy events without an id) get: sha256:hex of the body. */
    @Benchmark
    public String oursBodyKey() {
        return Delivery.bodyKey(body);
    }

    // ---- the limit ----

    /** A bare, already-initialized Mac over the bytes oursConvoySha256 signs: t, ",", body. */
    @Benchmark
    public byte[] limitHmacSha256() {
        bareSha256.update(timestamp);
        bareSha256.update(COMMA);
        bareSha256.update(body);
        return bareSha256.doFinal();
    }

    /** The same with HMAC-SHA512 (the limit for oursConvoySha512). */
    @Benchmark
    public byte[] limitHmacSha512() {
        bareSha512.update(timestamp);
        bareSha512.update(COMMA);
        bareSha512.update(body);
        return bareSha512.doFinal();
    }

    /** A bare Mac over the Vertical Insure body (the limit for oursVerticalInsure). */
    @Benchmark
    public byte[] limitHmacSha256ViBody() {
        return bareSha256.doFinal(viBody);
    }

    /** A bare MessageDigest SHA-256 of the body (the limit for oursBodyKey). */
    @Benchmark
    public byte[] limitSha256Digest() {
        return bareDigest.digest(body);
    }

    // ---- peers ----

    /** Stripe's verifier: parses t=…,v1=…, checks the timestamp, HMAC-SHA256 of "t.body", hex compare. */
    @Benchmark
    public boolean peerStripe() throws Exception {
        return com.stripe.net.Webhook.Signature.verifyHeader(bodyString, stripeHeader, Payloads.TEN99_SECRET, 300,
                Payloads.CLOCK);
    }

    /** Svix's verifier: checks the timestamp, HMAC-SHA256 of "id.t.body", base64 compare. */
    @Benchmark
    public Map<String, List<String>> peerSvix() throws Exception {
        svix.verify(bodyString, svixHeaders);
        return svixHeaders;
    }
}
