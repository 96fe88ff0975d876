package io.policywebhooks.reprocess;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import io.policywebhooks.store.Attributes;
import io.policywebhooks.provider.Providers;
import io.policywebhooks.provider.WebhookProvider;
import io.policywebhooks.store.Tables;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** The command line and the reprocessor's value comparison, without DynamoDB. */
class ReprocessUnitTest {

    @Test
    void optionsBecomeTheSelection() throws Exception {
        Reprocess.Options options = Reprocess.parse(new String[] {"--provider", "1099policy", "--type", "policy.active",
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

        Reprocess.Options all = Reprocess.parse(new String[] {"--all"}, Map.of());
        assertEquals(Selection.all(), all.selection());
        assertFalse(all.dryRun());
        assertFalse(all.removeOrphans());
        assertNull(all.endpoint());
        assertNull(all.pageSize());
        assertEquals(Instant.parse("2026-11-30T07:00:00Z"),
                Reprocess.time("--from", "2026-11-30T08:00:00+01:00"));
    }

    @Test
    void tableNamesComeFromTheFunctionsVariablesThenTheFlags() throws Exception {
        assertEquals(new Tables.Names("policy-webhooks-events", "policy-webhooks-policies",
                "policy-webhooks-assignments"), Reprocess.parse(new String[] {"--all"}, Map.of()).tables());
        Map<String, String> stack = Map.of("EVENTS_TABLE", "s-Events", "POLICIES_TABLE", "s-Policies",
                "ASSIGNMENTS_TABLE", "s-Assignments");
        assertEquals(new Tables.Names("s-Events", "s-Policies", "s-Assignments"),
                Reprocess.parse(new String[] {"--all"}, stack).tables());
        assertEquals(new Tables.Names("e", "p", "a"), Reprocess.parse(new String[] {"--all", "--events-table", "e",
                "--policies-table", "p", "--assignments-table", "a"}, stack).tables());
    }

    @Test
    void tableDefaultsAreThoseOfApplicationProperties() throws IOException {
        Map<String, String> defaults = new TreeMap<>();
        Pattern table = Pattern.compile("^policy-webhooks\\.tables\\.\\w+=\\$\\{(\\w+):([^}]+)}$");
        for (String line : Files.readAllLines(Path.of("src/main/resources/application.properties"))) {
            Matcher m = table.matcher(line.strip());
            if (m.matches()) {
                defaults.put(m.group(1), m.group(2));
            }
        }
        assertEquals(defaults, new TreeMap<>(Reprocess.TABLE_DEFAULTS));
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
            int status = Reprocess.run(args.toArray(String[]::new), Map.of(), new PrintStream(new ByteArrayOutputStream()),
                    new PrintStream(err, true, StandardCharsets.UTF_8));
            assertEquals(2, status, args.toString());
            assertTrue(err.toString(StandardCharsets.UTF_8).contains("usage: reprocess"), args.toString());
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertEquals(0, Reprocess.run(new String[] {"--help"}, Map.of(), new PrintStream(out, true,
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

    /** Real DynamoDB trims numbers' leading and trailing zeroes ("12.50" comes back "12.5"); dynalite does not. */
    @Test
    void storedValuesAreComparedAsDynamoDbValues() {
        assertTrue(Attributes.same(n("12.50"), n("12.5")));
        assertTrue(Attributes.same(n("0012"), n("1.2E1")));
        assertFalse(Attributes.same(n("12.51"), n("12.5")));
        AttributeValue payload = AttributeValue.fromM(Map.of("amount", n("1.10"), "items", AttributeValue.fromL(
                List.of(n("2.0"), AttributeValue.fromS("x"), AttributeValue.fromNul(true)))));
        AttributeValue trimmed = AttributeValue.fromM(Map.of("amount", n("1.1"), "items", AttributeValue.fromL(
                List.of(n("2"), AttributeValue.fromS("x"), AttributeValue.fromNul(true)))));
        assertTrue(Attributes.same(payload, trimmed));
        assertFalse(Attributes.same(payload, AttributeValue.fromM(Map.of("amount", n("1.1")))), "a key missing");
        assertFalse(Attributes.same(payload, AttributeValue.fromM(Map.of("amount", n("1.1"), "other", n("1")))),
                "another key");
        assertFalse(Attributes.same(AttributeValue.fromL(List.of(n("1"))), AttributeValue.fromL(List.of(n("1"),
                n("1")))), "a longer list");
        assertFalse(Attributes.same(AttributeValue.fromL(List.of(n("1"), n("2"))),
                AttributeValue.fromL(List.of(n("2"), n("1")))), "list order counts");
        assertFalse(Attributes.same(AttributeValue.fromS("1"), n("1")), "a string is not a number");
        assertTrue(Attributes.same(AttributeValue.fromS("a"), AttributeValue.fromS("a")));
        assertFalse(Attributes.same(AttributeValue.fromS("a"), AttributeValue.fromS("b")));
        assertFalse(Attributes.same(null, AttributeValue.fromS("a")), "absent vs. present");
        assertFalse(Attributes.same(AttributeValue.fromS("a"), null));
    }

    private static AttributeValue n(String number) {
        return AttributeValue.fromN(number);
    }
}
