package io.policywebhooks.store;

import static io.policywebhooks.Webhooks.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.policywebhooks.verticalinsure.VerticalInsureSignatureVerifier;
import io.policywebhooks.verticalinsure.VerticalInsureEvents;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.policywebhooks.LogCapture;
import io.policywebhooks.store.AnalystQueryFixture.Placeholder;
import io.policywebhooks.verticalinsure.VerticalInsureSigner;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The doc's question 5, "How many signature rejections this week?": a rejected delivery writes the log line its
 * Logs Insights query and its get-metric-statistics read, and stores nothing.
 */
@QuarkusTest
class SignatureRejectionsQueryTest {
    @Inject
    AnalystQueryFixture fixture;

    @Test
    void signatureRejectionsAreLoggedForTheInsightsQueryAndTheMetricAndNotStored() throws Exception {
        String objectId = UUID.randomUUID().toString();
        byte[] body = utf8("{\"event\":\"policy_bind_complete\",\"data\":{\"id\":\"" + objectId + "\"}}");
        List<String> lines;
        try (LogCapture capture = new LogCapture()) {
            post(VerticalInsureEvents.PROVIDER, body, Map.of(VerticalInsureSignatureVerifier.SIGNATURE_HEADER, VerticalInsureSigner.sign("not-the-key", body))).statusCode(401);
            lines = capture.requestLines();
        }
        assertEquals(1, lines.size(), lines.toString());
        JsonNode line = CliRequests.JSON.readTree(lines.get(0));
        // What the doc's Logs Insights query filters and groups on, and the template's metric filter pattern.
        assertTrue(fixture.doc().contains("filter outcome = \"rejected\""), "Insights filter in the doc");
        assertTrue(fixture.doc().contains("stats count(*) as rejections by provider, reason"),
                "Insights stats in the doc");
        assertEquals("rejected", line.get("outcome").asText(), line.toString());
        assertEquals(401, line.get("status").asInt());
        assertEquals("vertical-insure", line.get("provider").asText());
        assertEquals("signature mismatch", line.get("reason").asText());
        // The line is also the metric (EMF): the doc's get-metric-statistics reads Deliveries by provider and outcome
        // in the line's (default) namespace.
        JsonNode directive = line.path("_aws").path("CloudWatchMetrics").path(0);
        assertEquals("[[\"provider\",\"outcome\"],[\"provider\"]]", directive.path("Dimensions").toString());
        assertEquals(1, line.get("Deliveries").asInt());
        assertTrue(fixture.doc().contains("--namespace " + directive.path("Namespace").asText()
                + " --metric-name Deliveries"),
                "doc's get-metric-statistics uses the line's namespace and metric");
        assertTrue(fixture.doc().contains("--dimensions Name=provider,Value=\"$provider\" Name=outcome,Value=rejected"),
                "doc's get-metric-statistics selects the rejections by their dimensions");
        // Nothing stored: the object's history is empty.
        Map<String, String> values = fixture.placeholders();
        values.put(Placeholder.POLICY.text, objectId);
        assertEquals(0, fixture.query(fixture.blocks().get("policy-history").local().get(0), values).items().size());
    }
}
