package io.policywebhooks.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.policywebhooks.DynaliteResource;

/**
 * {@code docs/queries.md} as the analysts' query tests read it: every {@code aws dynamodb query|get-item|
 * batch-get-item} command with {@code --endpoint-url} sits in a block marked {@code <!-- check: NAME -->}, beside its
 * deployed twin; a command is cut into shell words and its options.
 */
final class QueriesDoc {
    static final Path DOC = Path.of("docs", "queries.md");
    static final String LOCAL_ENDPOINT = "http://127.0.0.1:8000";

    private QueriesDoc() {
    }

    /** A check block's local commands and their deployed twins, in order (a two-step block has two of each). */
    record Block(List<String> local, List<String> deployed) {
    }

    static String read() throws IOException {
        assertTrue(Files.isRegularFile(DOC), "docs/queries.md not found from " + Path.of("").toAbsolutePath());
        return Files.readString(DOC, StandardCharsets.UTF_8);
    }

    /** The fenced block after each {@code <!-- check: NAME -->}: its local and its deployed aws command. */
    static Map<String, Block> checkedBlocks(String doc) {
        Map<String, Block> blocks = new LinkedHashMap<>();
        Matcher m = Pattern.compile("<!-- check: ([\\w-]+) -->\\s*```bash\\n(.*?)```", Pattern.DOTALL).matcher(doc);
        while (m.find()) {
            List<String> local = new ArrayList<>();
            List<String> deployed = new ArrayList<>();
            for (String command : commands(m.group(2))) {
                (command.contains("--endpoint-url") ? local : deployed).add(command);
            }
            assertFalse(local.isEmpty(), "no local command in check " + m.group(1));
            assertTrue(local.size() <= 2, "one command, or a query and its batch-get-item, in check " + m.group(1));
            assertEquals(null, blocks.put(m.group(1), new Block(local, deployed)), "check " + m.group(1) + " twice");
        }
        return blocks;
    }

    /** Every {@code aws dynamodb ...} command in the text, continuation lines joined. */
    static List<String> commands(String text) {
        List<String> commands = new ArrayList<>();
        StringBuilder current = null;
        for (String line : text.split("\n")) {
            String trimmed = line.strip();
            if (current == null && trimmed.startsWith("aws dynamodb ")) {
                current = new StringBuilder();
            }
            if (current != null) {
                boolean continued = trimmed.endsWith("\\");
                current.append(continued ? trimmed.substring(0, trimmed.length() - 1) : trimmed).append(' ');
                if (!continued) {
                    commands.add(current.toString().strip());
                    current = null;
                }
            }
        }
        return commands;
    }

    /** Shell words: single quotes literal, double quotes with backslash escapes; variables are kept as text. */
    static List<String> words(String command) {
        List<String> words = new ArrayList<>();
        StringBuilder word = null;
        for (int i = 0; i < command.length(); i++) {
            char c = command.charAt(i);
            if (Character.isWhitespace(c)) {
                if (word != null) {
                    words.add(word.toString());
                    word = null;
                }
                continue;
            }
            if (word == null) {
                word = new StringBuilder();
            }
            if (c == '\'') {
                int end = command.indexOf('\'', i + 1);
                assertTrue(end > 0, "unclosed ' in " + command);
                word.append(command, i + 1, end);
                i = end;
            } else if (c == '"') {
                for (i++; i < command.length() && command.charAt(i) != '"'; i++) {
                    if (command.charAt(i) == '\\' && i + 1 < command.length()) {
                        i++;
                    }
                    word.append(command.charAt(i));
                }
                assertTrue(i < command.length(), "unclosed \" in " + command);
            } else if (c == '\\' && i + 1 < command.length()) {
                word.append(command.charAt(++i));
            } else {
                word.append(c);
            }
        }
        if (word != null) {
            words.add(word.toString());
        }
        return words;
    }

    /** The command's options after {@code aws dynamodb <operation>}, with placeholders replaced. */
    static Map<String, String> options(String command, String operation, Map<String, String> values) {
        List<String> words = words(command);
        assertEquals(List.of("aws", "dynamodb", operation), words.subList(0, 3), command);
        Map<String, String> options = new LinkedHashMap<>();
        for (int i = 3; i < words.size(); i++) {
            String name = words.get(i);
            if (name.equals(">")) { // the first step writes its answer to a file: nothing after is an option
                assertEquals(i + 2, words.size(), "one file after > in " + command);
                break;
            }
            assertTrue(name.startsWith("--"), "not an option: " + name + " in " + command);
            if (name.equals("--scan-index-forward") || name.equals("--no-scan-index-forward")) {
                options.put(name, "");
                continue;
            }
            assertTrue(i + 1 < words.size(), name + " has no value in " + command);
            String value = words.get(++i);
            for (Map.Entry<String, String> placeholder : values.entrySet()) {
                value = value.replace(placeholder.getKey(), placeholder.getValue());
            }
            assertEquals(null, options.put(name, value), name + " twice in " + command);
        }
        assertEquals(LOCAL_ENDPOINT, options.remove("--endpoint-url"), "local endpoint of " + command);
        if (!operation.equals("batch-get-item")) {
            String table = options.get("--table-name");
            assertTrue(Set.of(DynaliteResource.TABLES.events(), DynaliteResource.TABLES.policies(),
                    DynaliteResource.TABLES.assignments()).contains(table), "local table name " + table);
        }
        return options;
    }
}
