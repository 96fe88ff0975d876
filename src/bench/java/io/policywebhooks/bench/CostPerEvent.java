package io.policywebhooks.bench;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import io.policywebhooks.local.LocalDynamoDb;
import io.policywebhooks.store.RecordingDynamoDb;
import io.policywebhooks.store.Schema;
import io.policywebhooks.store.WebhookStore;
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
 * <p>Then section 5a ({@link StateEventCost}): the state changes of the same writes and what publishing them costs.
 * The prices and the printed tables are {@link CostReport}'s, the unit sums {@link CostUnits}'.
 *
 * <p>Run: {@code ./mvnw -B -Pbench -DskipTests test-compile exec:exec@cost}.
 */
public final class CostPerEvent {
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
        CostReport.print(scenarios);
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
}
