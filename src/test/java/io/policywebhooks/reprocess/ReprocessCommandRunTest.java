package io.policywebhooks.reprocess;

import static io.policywebhooks.reprocess.EarlierMappings.*;
import static io.policywebhooks.reprocess.ReprocessFixture.*;
import static io.policywebhooks.store.AttributeValues.s;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import io.policywebhooks.store.ReprocessStore;
import io.policywebhooks.store.Schema;

/**
 * The command against a local endpoint (exit status and summary line), and the DynamoDB operations a run calls:
 * exactly those the reprocess policy grants.
 */
@ExtendWith(ReprocessFixture.class)
class ReprocessCommandRunTest {
    @Test
    void theCommandRunsAgainstALocalEndpoint(ReprocessFixture db) {
        db.receive(IGNORES_CANCELLED, policyEvent("evt_c", "policy.cancelled", "pl_1", 100), T0);
        Map<String, String> environment = Map.of("EVENTS_TABLE", db.tables().events(), "POLICIES_TABLE",
                db.tables().policies(), "ASSIGNMENTS_TABLE", db.tables().assignments());
        String[] local = {"--endpoint", db.endpoint().toString(), "--region", "us-east-1"};
        System.setProperty("aws.accessKeyId", "local");
        System.setProperty("aws.secretAccessKey", "local");
        try {
            assertEquals(List.of("0", "dry run: selected 1, failed 0, orphans 0"),
                    command(environment, local, "--provider", TEN99, "--dry-run"));
            assertEquals(List.of("0", "selected 1, reapplied 1, already right 0, stale 0, failed 0, orphans 0, "
                    + "orphans removed 0"),
                    command(environment, local, "--provider", TEN99, "--from", "2026-11-30", "--to", "2026-12-01"));
            assertEquals("CANCELLED", db.policy("pl_1").get(Schema.STATUS).s());
            assertEquals(List.of("0", "selected 1, reapplied 0, already right 1, stale 0, failed 0, orphans 0, "
                    + "orphans removed 0"),
                    command(environment, local, "--all"));
            db.putEvent(Map.of(Schema.EVENT_ID, s(TEN99 + "#nobody"),
                    Schema.PROVIDER_ATTRIBUTE, s(TEN99), Schema.RECEIVED_AT, s("2026-11-30T09:00:00.000Z")));
            assertEquals(List.of("1", "selected 2, reapplied 0, already right 1, stale 0, failed 1, orphans 0, "
                    + "orphans removed 0"),
                    command(environment, local, "--event-id", TEN99 + "#nobody", "--event-id", TEN99 + "#evt_c"));
            String wrongKey = db.receive(WRONG_KEY, policyEvent("evt_w", "policy.active", "pl_w", 100), T0);
            assertEquals(List.of("0", "dry run: selected 1, failed 0, orphans 1"),
                    command(environment, local, "--event-id", wrongKey, "--dry-run", "--remove-orphans"));
            assertEquals(List.of("0", "selected 1, reapplied 1, already right 0, stale 0, failed 0, orphans 1, "
                    + "orphans removed 1"), command(environment, local, "--event-id", wrongKey, "--remove-orphans"));
            assertTrue(db.policy("cn_1").isEmpty());
            assertEquals("1", command(Map.of("EVENTS_TABLE", "no-such-table"), local, "--all").get(0),
                    "a selection that cannot be read");
        } finally {
            System.clearProperty("aws.accessKeyId");
            System.clearProperty("aws.secretAccessKey");
        }
    }

    @Test
    void callsExactlyTheOperationsThePolicyGrants(ReprocessFixture db) {
        db.receive(IGNORES_CANCELLED, policyEvent("evt_c", "policy.cancelled", "pl_1", 100), T0);
        db.receive(IGNORES_CANCELLED, assignmentEvent("evt_s", "assignment.cancelled", "as_1", 100), T0);
        ObservedDynamoDb observed = new ObservedDynamoDb(db.dynamo(), db.tables());
        Reprocessor reprocessor = db.reprocessorThrough(observed);
        reprocessor.run(Selection.all().withType("policy.cancelled"), true, new Recorder());
        reprocessor.run(Selection.all().withType("policy.cancelled"), false, new Recorder());
        reprocessor.run(Selection.all().withEventIds(List.of(TEN99 + "#evt_s")), false, new Recorder());
        reprocessor.run(Selection.all(), true, new Recorder());
        reprocessor.run(Selection.all().withProvider(TEN99), false, new Recorder());
        db.receive(WRONG_KEY, policyEvent("evt_w", "policy.active", "pl_2", 100), T0);
        db.receive(WRONG_KEY, assignmentEvent("evt_x", "assignment.active", "as_2", 100), T0);
        assertEquals(2, reprocessor.run(Selection.all().withType("policy.active"), false, true, new Recorder())
                .orphansRemoved() + reprocessor.run(Selection.all().withType("assignment.active"), false, true,
                        new Recorder()).orphansRemoved(), "one orphan of each table removed");
        assertEquals(ReprocessStore.OPERATIONS, observed.byTable);
        assertEquals(ReprocessStore.INDEX_OPERATIONS, observed.byIndex);
    }

    /** The exit status and the summary line. */
    private static List<String> command(Map<String, String> environment, String[] common, String... args) {
        String[] all = new String[common.length + args.length];
        System.arraycopy(common, 0, all, 0, common.length);
        System.arraycopy(args, 0, all, common.length, args.length);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = ReprocessCommand.run(all, environment, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return List.of(Integer.toString(status), out.toString(StandardCharsets.UTF_8).strip());
    }
}
