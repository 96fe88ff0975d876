package io.policywebhooks.bench;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;


import io.policywebhooks.local.LocalDynamoDb;
import io.policywebhooks.deploy.StreamRecords;
import io.policywebhooks.store.ItemSize;
import io.policywebhooks.store.RecordingDynamoDb;
import io.policywebhooks.store.Schema;
import io.policywebhooks.store.WebhookStore;
import io.policywebhooks.store.WriteCost;
import io.policywebhooks.ten99policy.ConvoySignatureVerifier;
import io.policywebhooks.ten99policy.ConvoySignatureVerifier.Encoding;
import io.policywebhooks.ten99policy.ConvoySignatureVerifier.Hash;
import io.policywebhooks.ten99policy.Ten99PolicySigner;
import io.policywebhooks.verticalinsure.VerticalInsureSignatureVerifier;
import io.policywebhooks.verticalinsure.VerticalInsureSigner;
import io.policywebhooks.provider.Headers;
import io.policywebhooks.webhook.Outcome;
import io.policywebhooks.AppConfig;
import io.policywebhooks.Signers;
import io.policywebhooks.WebhookSigner;
import io.policywebhooks.webhook.Endpoint;
import io.policywebhooks.webhook.WebhookService;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;

/**
 * BENCHMARKS.md section 5: the write request units (WRU) each accepted event consumes, per table and per index, and
 * what that costs per million events next to API Gateway and Lambda.
 *
 * <p>Every documented sample of every production provider ({@code src/test/resources/samples/<provider>}) and a
 * 10 KB and a 100 KB body of the {@code policy.active} / {@code policy_bind_complete} shape ({@link Payloads}) goes
 * through the real path ({@link WebhookService#receive} with the production providers, signed as the providers
 * sign) into dynalite, on fresh tables created from {@link Schema#all}. {@link RecordingDynamoDb} in front of dynalite
 * records every PutItem and UpdateItem the store sends, with the item before and after it and whether its condition
 * held, and the units dynalite reports. Scenarios: the first delivery; the
 * same delivery again (redelivery: the failed PutItem, the {@code deliveries} counter, the state write re-attempted
 * and refused by its guard); and for a policy and an assignment of each provider, a later event that changes
 * {@code status} (an index key of the policies table, a projected attribute of the contractor index).
 *
 * <p>{@link WriteCost} turns each recorded write into units by DynamoDB's documented rules, once with the projections
 * of {@link Schema} ("after") and once with every index projecting ALL ("before", the baseline): the same
 * writes, so the difference is the projections alone. The table part is compared with the units dynalite
 * reports (dynalite counts the table only, and reports nothing for a write whose condition failed).
 *
 * <p>Then section 5a ({@link #printStateEvents}): the state changes of the same writes and what publishing them costs.
 *
 * <p>Run: {@code ./mvnw -B -Pbench -DskipTests test-compile exec:exec@cost}.
 */
public final class CostPerEvent {
    /** DynamoDB on-demand, standard table class, us-east-1: $ per million write request units. */
    static final double WRU_DOLLARS_PER_MILLION = 0.625;
    /** API Gateway HTTP API, us-east-1, first 300 million requests a month: $ per million (each up to 512 KB). */
    static final double HTTP_API_DOLLARS_PER_MILLION = 1.00;
    /** Lambda, us-east-1, x86_64: $ per million requests and per GB-second. */
    static final double LAMBDA_REQUEST_DOLLARS_PER_MILLION = 0.20;
    static final double LAMBDA_DOLLARS_PER_GB_SECOND = 0.0000166667;
    static final double LAMBDA_MEMORY_GB = 0.25;
    /** Billed duration of a warm request, ms: BENCHMARKS.md section 4, native in-process p50 5.65 ms, rounded up. */
    static final int LAMBDA_BILLED_MS = 6;
    /** The same at a quarter of that CPU (256 MB gets about a quarter of a vCPU), for the upper end. */
    static final int LAMBDA_BILLED_MS_SLOW = 23;
    /** EventBridge Pipes, us-east-1: $ per million requests (after filtering; each 64 KB chunk one request). */
    static final double PIPES_DOLLARS_PER_MILLION = 0.40;
    /** EventBridge custom events put on a bus, us-east-1: $ per million (each 64 KB chunk one event). */
    static final double EVENTS_DOLLARS_PER_MILLION = 1.00;
    /** DynamoDB Streams read request units (GetRecords by a non-Lambda reader), us-east-1: $ per million. */
    static final double STREAM_READ_DOLLARS_PER_MILLION = 0.20;
    /** SQS standard queue, us-east-1: $ per million requests (the dead-letter queue: failures only). */
    static final double SQS_DOLLARS_PER_MILLION = 0.40;

    enum Role {
        EVENTS, POLICIES, ASSIGNMENTS
    }

    /** One write the store sent, as dynalite saw it. */
    record Write(Role role, String operation, Map<String, AttributeValue> before, Map<String, AttributeValue> after,
            boolean applied, Double dynaliteUnits) {
    }

    /** A body, how to deliver it, and an optional later event about the same object. */
    record Case(String name, String provider, byte[] body, byte[] followUp, String followUpName) {
    }

    record Scenario(Case source, String name, int bytes, List<Write> writes) {
    }

    public static void main(String[] args) throws Exception {
        List<Case> cases = cases();
        List<Scenario> scenarios = new ArrayList<>();
        try (LoadKit.Dynalite db = LoadKit.Dynalite.start()) {
            Recorder recorder = new Recorder(db.client);
            Map<String, Endpoint> providers = PipelineBenchmark.providers();
            int n = 0;
            for (Case c : cases) {
                Schema.TableNames names = new Schema.TableNames("cost" + n + "-events", "cost" + n + "-policies",
                        "cost" + n + "-assignments");
                n++;
                LocalDynamoDb.createTables(db.client, names);
                recorder.tables(names);
                WebhookService service = new WebhookService(new WebhookStore(recorder.client, names), Payloads.CLOCK,
                        AppConfig.webhooks(Map.of()));
                Endpoint provider = providers.get(c.provider());
                scenarios.add(new Scenario(c, "first delivery", c.body().length,
                        recorder.record(() -> deliver(service, provider, c.body(), false))));
                scenarios.add(new Scenario(c, "redelivery", c.body().length,
                        recorder.record(() -> deliver(service, provider, c.body(), true))));
                if (c.followUp() != null) {
                    scenarios.add(new Scenario(c, "then " + c.followUpName(), c.followUp().length,
                            recorder.record(() -> deliver(service, provider, c.followUp(), false))));
                }
            }
        }
        print(scenarios);
    }

    // ---------------------------------------------------------------- the bodies

    static List<Case> cases() throws Exception {
        List<Case> cases = new ArrayList<>();
        Path samples = Path.of("src", "test", "resources", "samples");
        Map<String, String> followUps = Map.of(
                "1099policy/policy.active.json", "1099policy/policy.cancelled.json",
                "1099policy/assignment.active.json", "1099policy/assignment.cancelled.json",
                "vertical-insure/policy_bind_complete.json", "vertical-insure/policy_canceled.json");
        for (String provider : Signers.production().stream().map(WebhookSigner::provider).toList()) {
            List<Path> files;
            try (Stream<Path> list = Files.list(samples.resolve(provider))) {
                files = list.filter(p -> p.toString().endsWith(".json")).sorted().toList();
            }
            for (Path file : files) {
                String key = provider + "/" + file.getFileName();
                String followUp = followUps.get(key);
                cases.add(new Case(key, provider, Files.readAllBytes(file),
                        followUp == null ? null : Files.readAllBytes(samples.resolve(followUp)),
                        followUp == null ? null : followUp.substring(followUp.indexOf('/') + 1)));
            }
        }
        for (int kb : new int[] {10, 100}) {
            cases.add(new Case("1099policy policy.active grown to " + kb + " KB", "1099policy",
                    Payloads.ten99Grown(kb * 1024).getBytes(StandardCharsets.UTF_8), null, null));
            cases.add(new Case("vertical-insure policy_bind_complete grown to " + kb + " KB", "vertical-insure",
                    Payloads.viGrown(kb * 1024).getBytes(StandardCharsets.UTF_8), null, null));
        }
        return cases;
    }

    static void deliver(WebhookService service, Endpoint provider, byte[] body, boolean duplicate) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        headers.put("content-type", List.of("application/json"));
        if (provider.provider().name().equals("1099policy")) {
            headers.put(ConvoySignatureVerifier.TIMESTAMP_HEADER, List.of(Long.toString(Payloads.SIGNED_AT)));
            headers.put(ConvoySignatureVerifier.SIGNATURE_HEADER, List.of(Ten99PolicySigner.signWithTimestamp(
                    Payloads.TEN99_SECRET, Payloads.SIGNED_AT, body, Hash.SHA512, Encoding.HEX)));
        } else {
            headers.put(VerticalInsureSignatureVerifier.SIGNATURE_HEADER,
                    List.of(VerticalInsureSigner.sign(Payloads.VI_KEY, body)));
        }
        Outcome outcome = service.receive(provider, body, Headers.ofMulti(headers));
        if (outcome.status() != 200 || outcome.duplicate() != duplicate) {
            throw new IllegalStateException("not stored as expected (duplicate " + duplicate + "): " + outcome);
        }
    }

    // ---------------------------------------------------------------- the recording client

    /** Records the store's writes ({@link RecordingDynamoDb}) with the role of each table. */
    static final class Recorder {
        final RecordingDynamoDb client;
        private final Map<String, Role> roles = new HashMap<>();

        Recorder(DynamoDbClient dynalite) {
            this.client = new RecordingDynamoDb(dynalite);
        }

        void tables(Schema.TableNames names) {
            client.tables(names);
            List<CreateTableRequest> all = Schema.all(names);
            for (int i = 0; i < all.size(); i++) {
                roles.put(all.get(i).tableName(), Role.values()[i]);
            }
        }

        List<Write> record(Runnable delivery) {
            List<Write> writes = new ArrayList<>();
            for (RecordingDynamoDb.Write w : client.record(delivery)) {
                writes.add(new Write(roles.get(w.table()), w.operation(), w.before(), w.after(), w.applied(),
                        w.capacity() == null ? null : w.capacity().capacityUnits()));
            }
            return writes;
        }
    }

    // ---------------------------------------------------------------- units and the table

    /** Units of a scenario, by column (table or index), with the given table definitions. */
    static Map<String, Long> units(Scenario scenario, Map<Role, CreateTableRequest> definitions) {
        Map<String, Long> units = new LinkedHashMap<>();
        for (Role role : Role.values()) {
            CreateTableRequest table = definitions.get(role);
            units.put(column(role, WriteCost.TABLE), 0L);
            table.globalSecondaryIndexes().forEach(i -> units.put(column(role, i.indexName()), 0L));
        }
        for (Write write : scenario.writes()) {
            WriteCost.units(definitions.get(write.role()), write.before(), write.after(), write.applied())
                    .forEach((name, value) -> units.merge(column(write.role(), name), value, Long::sum));
        }
        return units;
    }

    static String column(Role role, String name) {
        return role.name().toLowerCase(Locale.ROOT) + (name.equals(WriteCost.TABLE) ? "" : " " + name);
    }

    static Map<Role, CreateTableRequest> definitions(boolean allProjections) {
        List<CreateTableRequest> all = Schema.all(new Schema.TableNames("events", "policies", "assignments"));
        Map<Role, CreateTableRequest> definitions = new LinkedHashMap<>();
        for (int i = 0; i < all.size(); i++) {
            definitions.put(Role.values()[i], allProjections ? WriteCost.withAllProjections(all.get(i)) : all.get(i));
        }
        return definitions;
    }

    static long total(Map<String, Long> units) {
        return units.values().stream().mapToLong(Long::longValue).sum();
    }

    static void print(List<Scenario> scenarios) {
        Map<Role, CreateTableRequest> after = definitions(false);
        Map<Role, CreateTableRequest> before = definitions(true);
        Totals withAllProjections = printUnits(scenarios, after, before);
        printWithoutPayload(scenarios, after, withAllProjections);
        printDollars(scenarios, after, before);
        printItemSizes(scenarios);
        printStateEvents(scenarios);
    }

    /**
     * A sum over the documented samples only (the grown bodies left out, they are not samples): over their first
     * deliveries, how many those were, and over their redeliveries.
     */
    static final class Totals {
        long first;
        int firstDeliveries;
        long redelivery;

        void add(Scenario scenario, long value) {
            if (scenario.source().name().contains("grown")) {
                return;
            }
            if (scenario.name().equals("first delivery")) {
                first += value;
                firstDeliveries++;
            } else if (scenario.name().equals("redelivery")) {
                redelivery += value;
            }
        }
    }

    /** The table part of a scenario's writes whose condition held: our units, dynalite's, and how many differ. */
    record TableCheck(long ours, double theirs, int mismatches) {
    }

    /**
     * The units table (each column now, with every index projecting ALL in parentheses where that differs) and the
     * sums under it. Returns the documented samples' totals with ALL, which the what-if after it compares with.
     */
    static Totals printUnits(List<Scenario> scenarios, Map<Role, CreateTableRequest> after,
            Map<Role, CreateTableRequest> before) {
        List<String> columns = new ArrayList<>(units(scenarios.get(0), after).keySet());
        printUnitsHeader(columns);
        Totals was = new Totals();
        Totals now = new Totals();
        int mismatches = 0;
        for (Scenario scenario : scenarios) {
            Map<String, Long> unitsNow = units(scenario, after);
            Map<String, Long> unitsWas = units(scenario, before);
            TableCheck check = tableAgainstDynalite(scenario, after);
            mismatches += check.mismatches();
            System.out.println(unitsRow(scenario, columns, unitsNow, unitsWas, check));
            was.add(scenario, total(unitsWas));
            now.add(scenario, total(unitsNow));
        }
        System.out.printf(Locale.ROOT, "%nTable units computed here vs. reported by dynalite, writes whose condition "
                + "held: %d differ.%n", mismatches);
        System.out.printf(Locale.ROOT, "%nThe %d documented samples, one delivery each: %d WRU (ALL: %d), %.0f%% "
                + "fewer; their redeliveries: %d WRU (ALL: %d), %.0f%% fewer; both: %d (%d), %.0f%% fewer.%n",
                now.firstDeliveries, now.first, was.first, percent(was.first, now.first), now.redelivery,
                was.redelivery, percent(was.redelivery, now.redelivery),
                now.first + now.redelivery, was.first + was.redelivery,
                percent(was.first + was.redelivery, now.first + now.redelivery));
        return was;
    }

    static void printUnitsHeader(List<String> columns) {
        System.out.printf(Locale.ROOT, "Write request units per delivery, now (before: every index projecting ALL)."
                + " Measured %s.%n%n", Instant.now().toString().substring(0, 16).replace('T', ' ') + " UTC");
        StringBuilder header = new StringBuilder("| body | bytes | delivery |");
        StringBuilder rule = new StringBuilder("|---|---|---|");
        for (String column : columns) {
            header.append(' ').append(column.replace("-include", "").replace("-keys", "")).append(" |");
            rule.append("---|");
        }
        header.append(" total | − | table: ours / dynalite |");
        rule.append("---|---|---|");
        System.out.println(header);
        System.out.println(rule);
    }

    static String unitsRow(Scenario scenario, List<String> columns, Map<String, Long> now, Map<String, Long> was,
            TableCheck check) {
        StringBuilder row = new StringBuilder("| " + scenario.source().name() + " | " + scenario.bytes() + " | "
                + scenario.name() + " |");
        for (String column : columns) {
            long a = now.get(column);
            long b = was.get(column);
            row.append(' ').append(a == b ? Long.toString(a) : a + " (" + b + ")").append(" |");
        }
        long a = total(now);
        long b = total(was);
        long failed = scenario.writes().stream().filter(w -> !w.applied()).count();
        row.append(String.format(Locale.ROOT, " **%d** (%d) | %s | %d / %s%s |", a, b,
                b == 0 ? "–" : String.format(Locale.ROOT, "%.0f%%", 100.0 * (b - a) / b), check.ours(),
                trim(check.theirs()), failed > 0 ? " + " + failed + " refused" : ""));
        return row.toString();
    }

    /** The table part against dynalite: only writes whose condition held (dynalite reports none otherwise). */
    static TableCheck tableAgainstDynalite(Scenario scenario, Map<Role, CreateTableRequest> after) {
        long ours = 0;
        double theirs = 0;
        int mismatches = 0;
        for (Write write : scenario.writes()) {
            if (write.applied()) {
                long computed = WriteCost.units(after.get(write.role()), write.before(), write.after(), true)
                        .get(WriteCost.TABLE);
                ours += computed;
                theirs += write.dynaliteUnits() == null ? Double.NaN : write.dynaliteUnits();
                if (write.dynaliteUnits() == null || computed != Math.round(write.dynaliteUnits())) {
                    mismatches++;
                }
            }
        }
        return new TableCheck(ours, theirs, mismatches);
    }

    /**
     * What the projections cannot reach: every new item costs at least 1 unit per index entry, and the event item
     * holds the body twice (raw_body and the parsed payload map). Not a change made here; for the record.
     */
    static void printWithoutPayload(List<Scenario> scenarios, Map<Role, CreateTableRequest> after, Totals all) {
        Totals slim = new Totals();
        for (Scenario scenario : scenarios) {
            slim.add(scenario, total(units(withoutPayload(scenario), after)));
        }
        System.out.printf(Locale.ROOT, "What-if, not built: the same with no payload map in the event item: first "
                + "deliveries %d WRU (%.0f%% fewer than ALL), redeliveries %d (%.0f%%), both %.0f%% fewer.%n",
                slim.first, percent(all.first, slim.first), slim.redelivery,
                percent(all.redelivery, slim.redelivery),
                percent(all.first + all.redelivery, slim.first + slim.redelivery));
    }

    /** Dollars per million first deliveries: DynamoDB (now and with ALL), API Gateway, Lambda at two speeds. */
    static void printDollars(List<Scenario> scenarios, Map<Role, CreateTableRequest> after,
            Map<Role, CreateTableRequest> before) {
        System.out.printf(Locale.ROOT, "%n$ per million accepted events (first delivery), us-east-1: DynamoDB "
                + "on-demand $%.3f per million WRU; API Gateway HTTP API $%.2f per million requests; Lambda $%.2f per "
                + "million requests + $%.10f per GB-s, %.0f MB, %d ms billed (%d ms at a quarter of the CPU).%n%n",
                WRU_DOLLARS_PER_MILLION, HTTP_API_DOLLARS_PER_MILLION, LAMBDA_REQUEST_DOLLARS_PER_MILLION,
                LAMBDA_DOLLARS_PER_GB_SECOND, LAMBDA_MEMORY_GB * 1024, LAMBDA_BILLED_MS, LAMBDA_BILLED_MS_SLOW);
        double lambda = LAMBDA_REQUEST_DOLLARS_PER_MILLION
                + LAMBDA_MEMORY_GB * LAMBDA_BILLED_MS / 1000.0 * LAMBDA_DOLLARS_PER_GB_SECOND * 1e6;
        double lambdaSlow = LAMBDA_REQUEST_DOLLARS_PER_MILLION
                + LAMBDA_MEMORY_GB * LAMBDA_BILLED_MS_SLOW / 1000.0 * LAMBDA_DOLLARS_PER_GB_SECOND * 1e6;
        System.out.println("| body | WRU (ALL) | DynamoDB $ (ALL) | API Gateway $ | Lambda $ | total $ (ALL) |");
        System.out.println("|---|---|---|---|---|---|");
        for (Scenario scenario : scenarios) {
            if (!scenario.name().equals("first delivery")) {
                continue;
            }
            long a = total(units(scenario, after));
            long b = total(units(scenario, before));
            double dynamoNow = a * WRU_DOLLARS_PER_MILLION;
            double dynamoWas = b * WRU_DOLLARS_PER_MILLION;
            System.out.printf(Locale.ROOT, "| %s | %d (%d) | %.3f (%.3f) | %.2f | %.3f–%.3f | %.2f–%.2f (%.2f–%.2f) |%n",
                    scenario.source().name(), a, b, dynamoNow, dynamoWas, HTTP_API_DOLLARS_PER_MILLION, lambda,
                    lambdaSlow, dynamoNow + HTTP_API_DOLLARS_PER_MILLION + lambda,
                    dynamoNow + HTTP_API_DOLLARS_PER_MILLION + lambdaSlow,
                    dynamoWas + HTTP_API_DOLLARS_PER_MILLION + lambda, dynamoWas + HTTP_API_DOLLARS_PER_MILLION
                            + lambdaSlow);
        }
    }

    /** The item sizes behind the first deliveries, for the record. */
    static void printItemSizes(List<Scenario> scenarios) {
        System.out.println();
        for (Scenario scenario : scenarios) {
            if (scenario.name().equals("first delivery")) {
                StringBuilder sizes = new StringBuilder();
                for (Write write : scenario.writes()) {
                    sizes.append(' ').append(write.role().name().toLowerCase(Locale.ROOT)).append(' ')
                            .append(write.operation()).append(' ').append(ItemSize.bytes(write.after())).append(" B;");
                }
                System.out.println(scenario.source().name() + ":" + sizes);
            }
        }
    }

    /**
     * Section 5a: the state changes each delivery makes (applied policy and assignment writes), the size of the
     * stream record each leaves (its JSON, as the pipe reads it: {@link StreamRecords}), and what the pipe, the bus
     * and the stream reads cost per million of them. Pipes bills a request per 64 KB chunk of what it reads; the bus
     * an event per 64 KB chunk of the event (the detail is a few hundred bytes: one).
     */
    static void printStateEvents(List<Scenario> scenarios) {
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

    /** The scenario's writes with the events table's {@code payload} attribute removed from every image. */
    static Scenario withoutPayload(Scenario scenario) {
        List<Write> writes = new ArrayList<>();
        for (Write write : scenario.writes()) {
            writes.add(write.role() != Role.EVENTS ? write : new Write(write.role(), write.operation(),
                    without(write.before(), Schema.PAYLOAD), without(write.after(), Schema.PAYLOAD), write.applied(),
                    write.dynaliteUnits()));
        }
        return new Scenario(scenario.source(), scenario.name(), scenario.bytes(), writes);
    }

    static Map<String, AttributeValue> without(Map<String, AttributeValue> item, String attribute) {
        if (item == null) {
            return null;
        }
        Map<String, AttributeValue> copy = new HashMap<>(item);
        copy.remove(attribute);
        return copy;
    }

    static String trim(double value) {
        return Double.isNaN(value) ? "n/a" : value == Math.rint(value) ? Long.toString((long) value)
                : String.format(Locale.ROOT, "%.1f", value);
    }

    static double percent(long before, long after) {
        return before == 0 ? 0 : 100.0 * (before - after) / before;
    }
}
