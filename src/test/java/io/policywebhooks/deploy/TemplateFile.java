package io.policywebhooks.deploy;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;

/** template.yaml as a tree, for the tests that check it against the code. */
public final class TemplateFile {
    public static final Path PATH = Path.of("").toAbsolutePath().resolve("template.yaml");
    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private TemplateFile() {
    }

    /** The template, after checking it has no YAML short tags (a plain parser would silently drop them). */
    public static JsonNode read() {
        assertTrue(Files.isRegularFile(PATH), "template.yaml not found at " + PATH);
        try {
            assertNoYamlTags();
            return YAML.readTree(PATH.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A plain YAML parser silently drops CloudFormation short tags ({@code !Ref X} reads as {@code "X"}), which would
     * let the tests compare the wrong things: the template must use the long form ({@code Ref:}, {@code Fn::Sub:}).
     */
    private static void assertNoYamlTags() throws IOException {
        try (YAMLParser parser = (YAMLParser) YAML.getFactory().createParser(PATH.toFile())) {
            JsonToken token;
            while ((token = parser.nextToken()) != null) {
                String tag = parser.getTypeId();
                if (tag != null) {
                    fail("template.yaml uses the YAML tag !" + tag + " at line " + parser.currentLocation().getLineNr()
                            + " (" + token + "): write intrinsic functions in long form (Ref:, Fn::GetAtt:, Fn::Sub:, "
                            + "Fn::If:) so the template can be checked");
                }
            }
        }
    }

    /** The template's resources of one type, by logical id, in template order. */
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
}
