package io.policywebhooks.webhook;

import static io.policywebhooks.Webhooks.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.policywebhooks.verticalinsure.VerticalInsureSignatureVerifier;
import io.policywebhooks.verticalinsure.VerticalInsureEvents;
import io.policywebhooks.ten99policy.Ten99PolicySigner;
import io.policywebhooks.ten99policy.Ten99PolicyEvents;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.policywebhooks.FaultProxy;
import io.policywebhooks.LogCapture;
import io.policywebhooks.ten99policy.Ten99PolicyProvider;
import io.policywebhooks.verticalinsure.VerticalInsureProvider;
import io.policywebhooks.verticalinsure.VerticalInsureSigner;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Captures every log record of a full run (stored, duplicate, rejected, storage failure) and proves: one JSON line
 * per request with the agreed fields, and no secret, signature, raw body or personal data anywhere in the logs.
 */
@QuarkusTest
class LogHygieneTest {

    @Test
    void requestLogsAreStructuredAndCarryNoSecretsOrPersonalData() throws Exception {
        String email = "jane.doe+" + UUID.randomUUID().toString().substring(0, 6) + "@example.com";
        String lastName = "Quixote" + UUID.randomUUID().toString().substring(0, 6);
        byte[] vi = utf8("{\"event\":\"policy_bind_complete\",\"webhook\":\"https://www.example.com/my-webhook\","
                + "\"data\":{\"id\":\"" + UUID.randomUUID() + "\",\"policy_status\":\"ACTIVE\",\"customer\":{"
                + "\"first_name\":\"Jane\",\"last_name\":\"" + lastName + "\",\"email_address\":\"" + email + "\"}}}");
        byte[] ten = utf8("{\"id\":\"evt_" + UUID.randomUUID() + "\",\"type\":\"policy.active\",\"created\":1700000000,"
                + "\"data\":{\"id\":\"pl_" + UUID.randomUUID() + "\",\"contractor_email\":\"" + email + "\"}}");
        String viSignature = VerticalInsureSigner.sign(VerticalInsureProvider.LOCAL_SECRET, vi);
        String tenSignature = Ten99PolicySigner.signedNow(ten);

        LogCapture capture = new LogCapture();
        try (capture) {
            post(VerticalInsureEvents.PROVIDER, vi, Map.of(VerticalInsureSignatureVerifier.SIGNATURE_HEADER, viSignature)).statusCode(200);
            post(VerticalInsureEvents.PROVIDER, vi, Map.of(VerticalInsureSignatureVerifier.SIGNATURE_HEADER, viSignature)).statusCode(200); // duplicate
            post(Ten99PolicyEvents.PROVIDER, ten, Map.of("X-Convoy-Signature", tenSignature)).statusCode(200);
            post(VerticalInsureEvents.PROVIDER, vi, Map.of(VerticalInsureSignatureVerifier.SIGNATURE_HEADER, VerticalInsureSigner.sign("wrong-key", vi))).statusCode(401);
            FaultProxy.set(FaultProxy.Mode.DOWN);
            post(VerticalInsureEvents.PROVIDER, utf8(new String(vi, "UTF-8").replace("ACTIVE", "CANCELED")), Map.of(VerticalInsureSignatureVerifier.SIGNATURE_HEADER, VerticalInsureSigner.sign(VerticalInsureProvider.LOCAL_SECRET,
                            utf8(new String(vi, "UTF-8").replace("ACTIVE", "CANCELED"))))).statusCode(503);
        } finally {
            FaultProxy.set(FaultProxy.Mode.UP);
        }

        assertEquals(5, capture.requestLines().size(), "one line per request: " + capture.requestLines());
        ObjectMapper mapper = new ObjectMapper();
        List<String> outcomes = new ArrayList<>();
        for (String line : capture.requestLines()) {
            JsonNode json = mapper.readTree(line);
            for (String field : new String[] {"provider", "type", "event_id", "outcome", "status", "duration_ms"}) {
                assertTrue(json.has(field), field + " in " + line);
            }
            outcomes.add(json.get("outcome").asText() + ":" + json.get("status").asInt());
        }
        assertEquals(List.of("stored:200", "duplicate:200", "stored:200", "rejected:401", "storage_failed:503"), outcomes);

        String all = String.join("\n", capture.lines());
        for (String secret : new String[] {Ten99PolicyProvider.LOCAL_SECRET, VerticalInsureProvider.LOCAL_SECRET,
                viSignature, tenSignature.substring(tenSignature.indexOf("v1=") + 3), email, lastName,
                "email_address", "\"customer\""}) {
            assertFalse(all.contains(secret), "logs must not contain " + secret);
        }
    }
}
