package io.policywebhooks.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The template's dashboard body is the one {@link Dashboard} generates from the code's metric names, and
 * {@code -Ddashboard.regenerate=true} rewrites it ({@link Dashboard#REGENERATE}) and nothing else of the template.
 * The other checks that {@code template.yaml} and the code agree: {@link TemplateTablesTest},
 * {@link TemplateRoutesTest}, {@link TemplateEnvironmentTest}, {@link TemplateIamTest} and
 * {@link TemplateMetricsAndAlarmsTest}.
 */
class TemplateAgreementTest {
    private static JsonNode template;

    @BeforeAll
    static void readTemplate() {
        template = TemplateYaml.read();
    }

    @Test
    void dashboardBodyIsTheGeneratedOne() throws IOException {
        String generated = Dashboard.body();
        JsonNode body = TemplateYaml.dashboardBody(template);
        assertTrue(body.isTextual(), "Dashboard.DashboardBody is an Fn::Sub string");
        if (generated.equals(body.asText())) {
            return;
        }
        if (Boolean.getBoolean("dashboard.regenerate")) {
            Dashboard.rewrite(TemplateYaml.TEMPLATE);
            template = TemplateYaml.read();
            assertEquals(generated, TemplateYaml.dashboardBody(template).asText(),
                    "the rewritten template carries the generated body");
            return;
        }
        fail("template.yaml's dashboard body is not the one Dashboard.java generates from the code's metric names; "
                + "regenerate with " + Dashboard.REGENERATE);
    }

    @Test
    void regeneratingReplacesOnlyTheDashboardBody() {
        String text = TemplateYaml.text(TemplateYaml.TEMPLATE);
        String replaced = Dashboard.replaceBody(text, "{\"widgets\": [\n]}");
        assertTrue(replaced.contains(Dashboard.SUB_LINE + "\n" + Dashboard.INDENT + "{\"widgets\": [\n"
                + Dashboard.INDENT + "]}\n"), "the new body under Fn::Sub");
        // Everything but the body's lines is unchanged.
        String body = TemplateYaml.dashboardBody(template).asText();
        String original = Dashboard.replaceBody(replaced, body);
        assertEquals(text, original, "replacing the body back restores the template exactly");
    }

    /** Kept for the tests that import it from here; {@link TemplateYaml#asList} is the one to use. */
    static List<JsonNode> asList(JsonNode node) {
        return TemplateYaml.asList(node);
    }
}
