package io.policywebhooks.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.policywebhooks.Signers;
import io.policywebhooks.provider.Providers;
import io.policywebhooks.provider.WebhookProvider;

/**
 * What the deployment holds for each provider {@link Providers} finds: its route with a throttle, its secret as a
 * NoEcho parameter in the function's environment, its settings variables, its webhook URL, its alarms, its dashboard
 * rows and its rows in the README's configuration table. Every production provider has all of it; for the test-only
 * provider the check names each piece, which is what a new provider's missing block looks like.
 */
class TemplateProvidersTest {
    private static final JsonNode TEMPLATE = TemplateYaml.read();
    private static final String README = TemplateYaml.text(Path.of("").toAbsolutePath().resolve("README.md"));

    @Test
    void everyProductionProviderHasItsWholeBlock() {
        List<WebhookProvider> production = Providers.all().stream().filter(Signers::inProduction).toList();
        assertFalse(production.isEmpty());
        for (WebhookProvider provider : production) {
            assertEquals(List.of(), missing(provider), provider.name());
        }
    }

    @Test
    void theCheckNamesEveryPieceTheTemplateLacksForTheTestOnlyProvider() {
        WebhookProvider testOnly = Providers.all().stream().filter(p -> !Signers.inProduction(p)).findFirst()
                .orElseThrow();
        String route = "POST /webhooks/" + testOnly.name();
        List<String> expected = new ArrayList<>(List.of("the function's route " + route, "a throttle on " + route,
                "the function's variable " + testOnly.secretsVariable(),
                "a NoEcho parameter for " + testOnly.secretsVariable(),
                "an output with the URL of /webhooks/" + testOnly.name()));
        alarmKinds(reference()).forEach(kind -> expected.add("an alarm on " + kind));
        expected.add("its dashboard rows (regenerate the dashboard)");
        expected.add("a README configuration row for " + testOnly.secretsVariable());
        assertEquals(expected, missing(testOnly));
    }

    /** What the template and the README lack for {@code provider}, one line per piece. */
    static List<String> missing(WebhookProvider provider) {
        List<String> missing = new ArrayList<>();
        String route = "POST /webhooks/" + provider.name();
        JsonNode event = routeEvent(provider.name());
        if (event == null) {
            missing.add("the function's route " + route);
        }
        if (event == null || event.path("RouteSettings").path("ThrottlingRateLimit").isMissingNode()) {
            missing.add("a throttle on " + route);
        }
        List<String> variables = new ArrayList<>(List.of(provider.secretsVariable()));
        variables.addAll(new TreeSet<>(provider.settingsVariables().keySet()));
        JsonNode environment = TemplateYaml.functionVariables(TEMPLATE);
        variables.stream().filter(v -> environment.path(v).isMissingNode())
                .forEach(v -> missing.add("the function's variable " + v));
        String secretParameter = environment.path(provider.secretsVariable()).path("Ref").asText();
        if (!TEMPLATE.path("Parameters").path(secretParameter).path("NoEcho").asBoolean(false)) {
            missing.add("a NoEcho parameter for " + provider.secretsVariable());
        }
        if (!outputs().contains("/webhooks/" + provider.name())) {
            missing.add("an output with the URL of /webhooks/" + provider.name());
        }
        Set<String> alarms = alarmKinds(provider.name());
        alarmKinds(reference()).stream().filter(kind -> !alarms.contains(kind))
                .forEach(kind -> missing.add("an alarm on " + kind));
        if (!TemplateYaml.dashboardBody(TEMPLATE).asText().contains("\"provider\",\"" + provider.name() + "\"")) {
            missing.add("its dashboard rows (regenerate the dashboard)");
        }
        variables.stream().filter(v -> !README.contains("| `" + v + "` |"))
                .forEach(v -> missing.add("a README configuration row for " + v));
        return missing;
    }

    /** A production provider: what every provider's alarms are compared with. */
    private static String reference() {
        return Signers.production().get(0).provider();
    }

    /** The function's HttpApi event serving {@code POST /webhooks/<name>}, or null. */
    private static JsonNode routeEvent(String name) {
        for (JsonNode function : TemplateYaml.resourcesOfType(TEMPLATE, "AWS::Serverless::Function").values()) {
            for (JsonNode event : function.path("Properties").path("Events")) {
                JsonNode properties = event.path("Properties");
                if (event.path("Type").asText().equals("HttpApi") && properties.path("Method").asText().equals("POST")
                        && properties.path("Path").asText().equals("/webhooks/" + name)) {
                    return properties;
                }
            }
        }
        return null;
    }

    private static String outputs() {
        return TEMPLATE.path("Outputs").toString();
    }

    /**
     * The kinds of alarm on one provider's metrics: for each alarm with a {@code provider} dimension of that name,
     * its metric names and other dimension values.
     */
    static Set<String> alarmKinds(String provider) {
        Set<String> kinds = new TreeSet<>();
        for (JsonNode alarm : TemplateYaml.resourcesOfType(TEMPLATE, "AWS::CloudWatch::Alarm").values()) {
            Set<String> metrics = new TreeSet<>();
            if (collect(alarm.path("Properties"), provider, metrics)) {
                kinds.add(String.join(" + ", metrics));
            }
        }
        return kinds;
    }

    /** Adds the metric names (with their non-provider dimensions) under {@code node}; whether one is the provider's. */
    private static boolean collect(JsonNode node, String provider, Set<String> metrics) {
        boolean ofProvider = false;
        if (node.isObject()) {
            if (node.has("MetricName")) {
                StringBuilder metric = new StringBuilder(node.path("MetricName").asText());
                for (JsonNode dimension : node.path("Dimensions")) {
                    String dimensionName = dimension.path("Name").asText();
                    if (dimensionName.equals("provider")) {
                        ofProvider |= dimension.path("Value").asText().equals(provider);
                    } else {
                        metric.append(' ').append(dimensionName).append('=').append(dimension.path("Value").asText());
                    }
                }
                metrics.add(metric.toString());
            }
            for (Iterator<Map.Entry<String, JsonNode>> fields = node.fields(); fields.hasNext();) {
                ofProvider |= collect(fields.next().getValue(), provider, metrics);
            }
        } else if (node.isArray()) {
            for (JsonNode element : node) {
                ofProvider |= collect(element, provider, metrics);
            }
        }
        return ofProvider;
    }
}
