package io.policywebhooks.reprocess;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import io.policywebhooks.AppConfig;
import io.policywebhooks.provider.Providers;
import io.policywebhooks.provider.WebhookProvider;
import io.policywebhooks.store.Schema;

/** The command line, without DynamoDB, and the command kept out of the function. */
class ReprocessCommandTest {

    @Test
    void optionsBecomeTheSelection() throws Exception {
        ReprocessCommand.Options options = ReprocessCommand.parse(new String[] {"--provider", "1099policy",
                "--type", "policy.active",
                "--from", "2026-11-30T08:00:00Z", "--to", "2026-12-01", "--event-id", "a", "--event-id", "b",
                "--dry-run", "--remove-orphans", "--endpoint", "http://127.0.0.1:8000", "--region", "eu-west-1",
                "--page-size", "25"}, Map.of());
        assertEquals(new Selection("1099policy", "policy.active", Instant.parse("2026-11-30T08:00:00Z"),
                Instant.parse("2026-12-01T00:00:00Z"), List.of("a", "b")), options.selection());
        assertTrue(options.dryRun());
        assertTrue(options.removeOrphans());
        assertEquals(URI.create("http://127.0.0.1:8000"), options.endpoint());
        assertEquals("eu-west-1", options.region());
        assertEquals(25, options.pageSize());

        ReprocessCommand.Options all = ReprocessCommand.parse(new String[] {"--all"}, Map.of());
        assertEquals(Selection.all(), all.selection());
        assertFalse(all.dryRun());
        assertFalse(all.removeOrphans());
        assertNull(all.endpoint());
        assertNull(all.pageSize());
        assertEquals(Instant.parse("2026-11-30T07:00:00Z"),
                ReprocessCommand.time("--from", "2026-11-30T08:00:00+01:00"));
    }

    @Test
    void tableNamesComeFromTheFunctionsVariablesThenTheFlags() throws Exception {
        assertEquals(new Schema.TableNames("policy-webhooks-events", "policy-webhooks-policies",
                "policy-webhooks-assignments"), ReprocessCommand.parse(new String[] {"--all"}, Map.of()).tables());
        Map<String, String> stack = Map.of("EVENTS_TABLE", "s-Events", "POLICIES_TABLE", "s-Policies",
                "ASSIGNMENTS_TABLE", "s-Assignments");
        assertEquals(new Schema.TableNames("s-Events", "s-Policies", "s-Assignments"),
                ReprocessCommand.parse(new String[] {"--all"}, stack).tables());
        assertEquals(new Schema.TableNames("e", "p", "a"), ReprocessCommand.parse(new String[] {"--all",
                "--events-table", "e", "--policies-table", "p", "--assignments-table", "a"}, stack).tables());
    }

    /** The defaults and variables are application.properties' own, read from there as the function reads them. */
    @Test
    void tableDefaultsAreThoseOfApplicationProperties() throws Exception {
        Map<String, List<String>> declared = new TreeMap<>();
        Pattern table = Pattern.compile("^policy-webhooks\\.tables\\.(\\w+)=\\$\\{(\\w+):([^}]+)}$");
        for (String line : Files.readAllLines(Path.of("src/main/resources/application.properties"))) {
            Matcher m = table.matcher(line.strip());
            if (m.matches()) {
                declared.put(m.group(1), List.of(m.group(2), m.group(3)));
            }
        }
        assertEquals(Set.of("events", "policies", "assignments"), declared.keySet());
        assertEquals(new Schema.TableNames(declared.get("events").get(1), declared.get("policies").get(1),
                declared.get("assignments").get(1)), ReprocessCommand.parse(new String[] {"--all"}, Map.of()).tables());
        Map<String, String> environment = new TreeMap<>();
        declared.forEach((name, variableAndDefault) -> environment.put(variableAndDefault.get(0), "set-" + name));
        assertEquals(new Schema.TableNames("set-events", "set-policies", "set-assignments"),
                ReprocessCommand.parse(new String[] {"--all"}, environment).tables());
    }

    @Test
    void unusableCommandLinesExitWithTwoAndTheUsage() {
        List<List<String>> wrong = List.of(
                List.of(),
                List.of("--dry-run"),
                List.of("--all", "--provider", "1099policy"),
                List.of("--provider", "no-such-provider"),
                List.of("--provider"),
                List.of("--type", ""),
                List.of("--from", "yesterday"),
                List.of("--from", "2026-11-30T08:00:00"),
                List.of("--from", "2026-12-01", "--to", "2026-12-01"),
                List.of("--from", "2026-12-02", "--to", "2026-12-01"),
                List.of("--all", "--page-size", "0"),
                List.of("--all", "--page-size", "x"),
                List.of("--all", "--endpoint", "127.0.0.1:8000"),
                List.of("--all", "--bogus", "1"));
        for (List<String> args : wrong) {
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            int status = ReprocessCommand.run(args.toArray(String[]::new), Map.of(),
                    new PrintStream(new ByteArrayOutputStream()), new PrintStream(err, true, StandardCharsets.UTF_8));
            assertEquals(2, status, args.toString());
            assertTrue(err.toString(StandardCharsets.UTF_8).contains("usage: reprocess"), args.toString());
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertEquals(0, ReprocessCommand.run(new String[] {"--help"}, Map.of(), new PrintStream(out, true,
                StandardCharsets.UTF_8), new PrintStream(new ByteArrayOutputStream())));
        String names = String.join(", ", Providers.all().stream().map(WebhookProvider::name).toList());
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("--provider NAME    events of this provider ("
                + names + ")"), names);
    }

    @Test
    void aRangeMustBeNonEmpty() {
        Instant at = Instant.parse("2026-11-30T08:00:00Z");
        assertThrows(IllegalArgumentException.class, () -> Selection.all().withReceived(at, at));
        assertEquals(at, Selection.all().withReceived(at, at.plusNanos(1)).receivedFrom());
    }

    /**
     * The command never ships in the function: every class of this package is left out of the packaged artifact,
     * as Quarkus reads the list from application.properties (PackagedLambdaIT checks the artifact itself), and no
     * other source of the application names this package.
     */
    @Test
    void theCommandIsLeftOutOfTheFunction() throws IOException {
        String prefix = "io/policywebhooks/reprocess/";
        Set<String> compiled;
        try (Stream<Path> files = Files.list(Path.of("target/classes", prefix))) {
            compiled = files.map(file -> prefix + file.getFileName()).filter(name -> name.endsWith(".class"))
                    .collect(Collectors.toCollection(TreeSet::new));
        }
        assertTrue(compiled.contains(prefix + "Reprocessor.class"), compiled.toString());
        Set<String> ignored = AppConfig.read(Map.of())
                .getValues("quarkus.package.jar.user-configured-ignored-entries", String.class).stream()
                .filter(entry -> entry.startsWith(prefix)).collect(Collectors.toCollection(TreeSet::new));
        assertEquals(compiled, ignored, "quarkus.package.jar.user-configured-ignored-entries lists exactly the "
                + "package's class files");

        List<String> naming;
        try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
            naming = files.filter(file -> file.toString().endsWith(".java"))
                    .filter(file -> !file.startsWith(Path.of("src/main/java", prefix)))
                    .filter(file -> read(file).contains("io.policywebhooks.reprocess")).map(Path::toString).toList();
        }
        assertEquals(List.of(), naming, "the function's sources never name the reprocess package");
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
