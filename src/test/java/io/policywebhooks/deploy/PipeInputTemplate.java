package io.policywebhooks.deploy;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * An EventBridge Pipes {@code InputTemplate} applied to one source record, as the Pipes documentation ("Amazon
 * EventBridge Pipes input transformation", and its "Common issues") describes it:
 * <ul>
 * <li>{@code <$.a.b>} is the value at that JSON path (dot notation, names of letters, digits, {@code _} and
 * {@code -}, {@code [n]} array indices);</li>
 * <li>a path that does not exist substitutes nothing: "that variable isn't created and won't appear in the
 * output";</li>
 * <li>inside a JSON string (quoted) the value's text goes in as it is: "EventBridge doesn't escape values", and an
 * object or array loses its internal quotes;</li>
 * <li>outside a string, a string value gets quotes added (again not escaped), and a number, boolean, object or array
 * goes in as JSON.</li>
 * </ul>
 * Reserved variables ({@code <aws.pipes.*>}) are not supported: the templates use none, and one would fail here.
 * The result is text; whether it is valid JSON is the caller's question, as it is the target's.
 */
final class PipeInputTemplate {
    private static final Pattern PLACEHOLDER = Pattern.compile("<([^<>\"\\s]+)>");
    private static final Pattern SEGMENT = Pattern.compile("([A-Za-z0-9_-]+)((?:\\[[0-9]+])*)");
    private static final Pattern INDEX = Pattern.compile("\\[([0-9]+)]");

    private PipeInputTemplate() {
    }

    static String apply(String template, JsonNode record) {
        StringBuilder out = new StringBuilder();
        boolean inString = false;
        int i = 0;
        while (i < template.length()) {
            char c = template.charAt(i);
            if (c == '<') {
                Matcher placeholder = PLACEHOLDER.matcher(template).region(i, template.length());
                if (placeholder.lookingAt()) {
                    out.append(substitute(placeholder.group(1), record, inString));
                    i = placeholder.end();
                    continue;
                }
            }
            if (c == '"' && (i == 0 || template.charAt(i - 1) != '\\')) {
                inString = !inString;
            }
            out.append(c);
            i++;
        }
        return out.toString();
    }

    private static String substitute(String variable, JsonNode record, boolean inString) {
        if (!variable.startsWith("$.")) {
            throw new IllegalArgumentException("only JSON paths are supported here, not " + variable);
        }
        JsonNode value = resolve(record, variable.substring(2));
        if (value == null) {
            return "";
        }
        if (value.isContainerNode()) {
            return inString ? value.toString().replace("\"", "") : value.toString();
        }
        String text = value.asText();
        return value.isTextual() && !inString ? "\"" + text + "\"" : text;
    }

    /** The node at a dot path with optional indices, or null when any step is missing. */
    static JsonNode resolve(JsonNode root, String path) {
        JsonNode node = root;
        for (String segment : path.split("\\.")) {
            Matcher m = SEGMENT.matcher(segment);
            if (!m.matches()) {
                throw new IllegalArgumentException("JSON path syntax Pipes does not support: " + path);
            }
            node = node.get(m.group(1));
            Matcher index = INDEX.matcher(m.group(2));
            while (node != null && index.find()) {
                node = node.get(Integer.parseInt(index.group(1)));
            }
            if (node == null) {
                return null;
            }
        }
        return node;
    }
}
