package io.policywebhooks.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;

import io.policywebhooks.store.WebhookStore;

/** A CloudFormation template read as plain YAML, for the tests that check the templates against the code. */
public final class TemplateYaml {
    public static final Path TEMPLATE = Path.of("").toAbsolutePath().resolve("template.yaml");
    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    /** The function's environment variable that names each store table. */
    static final Map<WebhookStore.Table, String> TABLE_VARIABLES = Map.of(WebhookStore.Table.EVENTS, "EVENTS_TABLE",
            WebhookStore.Table.POLICIES, "POLICIES_TABLE", WebhookStore.Table.ASSIGNMENTS, "ASSIGNMENTS_TABLE");

    private TemplateYaml() {
    }

    /** {@link #TEMPLATE}'s tree, after proving it uses no YAML tags. */
    public static JsonNode read() {
        try {
            return read(TEMPLATE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The template's tree, after proving it uses no YAML tags. */
    static JsonNode read(Path file) throws IOException {
        assertTrue(Files.isRegularFile(file), file.getFileName() + " not found at " + file);
        assertNoYamlTags(file);
        return YAML.readTree(file.toFile());
    }

    /**
     * A plain YAML parser silently drops CloudFormation short tags ({@code !Ref X} reads as {@code "X"}), which would
     * let a test compare the wrong things: the template must use the long form ({@code Ref:}, {@code Fn::Sub:}).
     */
    private static void assertNoYamlTags(Path file) throws IOException {
        try (YAMLParser parser = (YAMLParser) YAML.getFactory().createParser(file.toFile())) {
            JsonToken token;
            while ((token = parser.nextToken()) != null) {
                String tag = parser.getTypeId();
                if (tag != null) {
                    fail(file.getFileName() + " uses the YAML tag !" + tag + " at line "
                            + parser.currentLocation().getLineNr() + " (" + token + "): write intrinsic functions in "
                            + "long form (Ref:, Fn::GetAtt:, Fn::Sub:, Fn::If:) so the template can be checked");
                }
            }
        }
    }

    /** The template's resources of one type by logical id, in template order. */
    public static Map<String, JsonNode> resourcesOfType(JsonNode template, String type) {
        Map<String, JsonNode> found = new LinkedHashMap<>();
        template.path("Resources").fields().forEachRemaining(e -> {
            if (type.equals(e.getValue().path("Type").asText())) {
                found.put(e.getKey(), e.getValue());
            }
        });
        return found;
    }

    /** A node that may be one value or a list of them, as a list. */
    public static List<JsonNode> asList(JsonNode node) {
        List<JsonNode> list = new ArrayList<>();
        if (node.isArray()) {
            node.forEach(list::add);
        } else if (!node.isMissingNode()) {
            list.add(node);
        }
        return list;
    }

    /** The string an {@code Fn::Join} with literal parts (or a plain string) stands for. */
    public static String joined(JsonNode node) {
        if (node.isTextual()) {
            return node.asText();
        }
        JsonNode join = node.path("Fn::Join");
        assertTrue(join.isArray() && join.size() == 2 && join.get(1).isArray(), "a string or Fn::Join: " + node);
        List<String> parts = new ArrayList<>();
        for (JsonNode part : join.get(1)) {
            assertTrue(part.isTextual(), "literal parts only: " + part);
            parts.add(part.asText());
        }
        return String.join(join.get(0).asText(), parts);
    }

    static JsonNode properties(JsonNode resource) {
        return resource.path("Properties");
    }

    /** The Environment.Variables of the template's one function. */
    static JsonNode functionVariables(JsonNode template) {
        Map<String, JsonNode> functions = resourcesOfType(template, "AWS::Serverless::Function");
        assertEquals(1, functions.size(), "one function");
        JsonNode variables = properties(functions.values().iterator().next()).path("Environment").path("Variables");
        assertTrue(variables.isObject(), "the function has Environment.Variables");
        return variables;
    }

    /** The logical id of the resource a variable is {@code {Ref: <resource>}} to. */
    static String refOf(JsonNode variables, String variable) {
        String ref = variables.path(variable).path("Ref").asText();
        assertFalse(ref.isEmpty(), variable + " must be {Ref: <table>}");
        return ref;
    }

    /** Each store table's logical id, as the function's variable for it references it. */
    static Map<WebhookStore.Table, String> tableResources(JsonNode template) {
        JsonNode variables = functionVariables(template);
        Map<WebhookStore.Table, String> resources = new EnumMap<>(WebhookStore.Table.class);
        for (WebhookStore.Table table : WebhookStore.Table.values()) {
            resources.put(table, refOf(variables, TABLE_VARIABLES.get(table)));
        }
        return resources;
    }

    /** The {@code Fn::Sub} under the DashboardBody of the template's one dashboard. */
    static JsonNode dashboardBody(JsonNode template) {
        Map<String, JsonNode> dashboards = resourcesOfType(template, "AWS::CloudWatch::Dashboard");
        assertEquals(1, dashboards.size(), "one dashboard");
        return properties(dashboards.values().iterator().next()).path("DashboardBody").path("Fn::Sub");
    }

    /** A file of the project (a source, the template, a settings file) as text. */
    static String text(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + file, e);
        }
    }
}
