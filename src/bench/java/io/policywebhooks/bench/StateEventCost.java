package io.policywebhooks.bench;

import java.util.List;
import java.util.Locale;

import io.policywebhooks.bench.CostPerEvent.Role;
import io.policywebhooks.bench.CostPerEvent.Scenario;
import io.policywebhooks.bench.CostPerEvent.Write;
import io.policywebhooks.bench.CostUnits.Totals;
import io.policywebhooks.deploy.StreamRecords;
import io.policywebhooks.store.RecordingDynamoDb;
import io.policywebhooks.store.Schema;

/**
 * BENCHMARKS.md section 5a, printed after {@link CostReport}'s section 5: the state changes of {@link CostPerEvent}'s
 * writes and what publishing them costs.
 */
final class StateEventCost {
    /** EventBridge Pipes, us-east-1: $ per million requests (after filtering; each 64 KB chunk one request). */
    static final double PIPES_DOLLARS_PER_MILLION = 0.40;
    /** EventBridge custom events put on a bus, us-east-1: $ per million (each 64 KB chunk one event). */
    static final double EVENTS_DOLLARS_PER_MILLION = 1.00;
    /** DynamoDB Streams read request units (GetRecords by a non-Lambda reader), us-east-1: $ per million. */
    static final double STREAM_READ_DOLLARS_PER_MILLION = 0.20;
    /** SQS standard queue, us-east-1: $ per million requests (the dead-letter queue: failures only). */
    static final double SQS_DOLLARS_PER_MILLION = 0.40;

    private StateEventCost() {
    }

    /**
     * Section 5a: the state changes each delivery makes (applied policy and assignment writes), the size of the
     * stream record each leaves (its JSON, as the pipe reads it: {@link StreamRecords}), and what the pipe, the bus
     * and the stream reads cost per million of them. Pipes bills a request per 64 KB chunk of what it reads; the bus
     * an event per 64 KB chunk of the event (the detail is a few hundred bytes: one).
     */
    static void print(List<Scenario> scenarios) {
        StreamRecords stream = new StreamRecords();
        System.out.printf(Locale.ROOT, "%nState-change events: Pipes $%.2f per million requests (64 KB chunks), "
                + "EventBridge custom events $%.2f per million, DynamoDB Streams reads $%.2f per million "
                + "(at most one per change), SQS $%.2f per million (failures only).%n%n", PIPES_DOLLARS_PER_MILLION,
                EVENTS_DOLLARS_PER_MILLION, STREAM_READ_DOLLARS_PER_MILLION, SQS_DOLLARS_PER_MILLION);
        System.out.println("| body | delivery | state changes | stream record bytes | Pipes requests |"
                + " $ per million deliveries | $ per million state changes |");
        System.out.println("|---|---|---|---|---|---|---|");
        Totals documented = new Totals();
        for (Scenario scenario : scenarios) {
            int changes = 0;
            long chunks = 0;
            StringBuilder bytes = new StringBuilder();
            for (Write write : scenario.writes()) {
                if (write.role() == Role.EVENTS) {
                    continue;
                }
                String key = write.role() == Role.POLICIES ? Schema.POLICY_ID : Schema.ASSIGNMENT_ID;
                var record = stream.of(new RecordingDynamoDb.Write(write.role().name().toLowerCase(Locale.ROOT),
                        key, write.operation(), write.before(), write.after(), write.applied(), null), 0);
                if (record != null) {
                    int size = record.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
                    changes++;
                    chunks += (size + 65_535) / 65_536;
                    bytes.append(bytes.length() == 0 ? "" : ", ").append(size);
                }
            }
            double perDelivery = chunks * PIPES_DOLLARS_PER_MILLION
                    + changes * (EVENTS_DOLLARS_PER_MILLION + STREAM_READ_DOLLARS_PER_MILLION);
            System.out.printf(Locale.ROOT, "| %s | %s | %d | %s | %d | %.2f | %s |%n", scenario.source().name(),
                    scenario.name(), changes, bytes.length() == 0 ? "–" : bytes, chunks, perDelivery,
                    changes == 0 ? "–" : String.format(Locale.ROOT, "%.2f", perDelivery / changes));
            documented.add(scenario, changes);
        }
        System.out.printf(Locale.ROOT, "%nThe %d documented samples, one first delivery each: %d state changes; their "
                + "redeliveries: %d.%n", documented.firstDeliveries, documented.first, documented.redelivery);
    }
}
