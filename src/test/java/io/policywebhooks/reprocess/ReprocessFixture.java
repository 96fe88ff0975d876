package io.policywebhooks.reprocess;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

import io.policywebhooks.AppConfig;
import io.policywebhooks.DynaliteResource;
import io.policywebhooks.TestProviders;
import io.policywebhooks.Webhooks;
import io.policywebhooks.local.LocalDynamoDb;
import io.policywebhooks.provider.Headers;
import io.policywebhooks.provider.Providers;
import io.policywebhooks.provider.WebhookProvider;
import io.policywebhooks.store.ReprocessStore;
import io.policywebhooks.store.Schema;
import io.policywebhooks.store.WebhookStore;
import io.policywebhooks.ten99policy.Ten99PolicyEvents;
import io.policywebhooks.webhook.Endpoint;
import io.policywebhooks.webhook.Outcome;
import io.policywebhooks.webhook.WebhookService;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The reprocess tests' dynalite (plain JUnit, one per test class, fresh tables per test): a test class extends with
 * it ({@code @ExtendWith}) and each test takes it as a parameter. Events are stored through the real flow
 * ({@link WebhookService}) with an earlier mapping ({@link EarlierMappings}), then reprocessed with the production
 * mappings; the items read back.
 */
final class ReprocessFixture implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, ParameterResolver {
    static final String TEN99 = Ten99PolicyEvents.PROVIDER;
    static final Instant T0 = Instant.parse("2026-11-30T08:00:00Z");
    private static final AtomicInteger TABLE_SETS = new AtomicInteger();

    private Process dynalite;
    private URI endpoint;
    private DynamoDbClient dynamo;
    private Schema.TableNames tables;

    @Override
    public void beforeAll(ExtensionContext context) {
        int port = DynaliteResource.freePort();
        dynalite = LocalDynamoDb.startIfAbsent(port);
        endpoint = URI.create("http://" + LocalDynamoDb.HOST + ":" + port);
        dynamo = DynaliteResource.client(endpoint);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        dynamo.close();
        if (dynalite != null) {
            dynalite.destroy();
        }
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        freshTables();
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == ReprocessFixture.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return this;
    }

    /** New empty tables, from here on the ones every helper uses. */
    void freshTables() {
        int n = TABLE_SETS.incrementAndGet();
        tables = new Schema.TableNames("rp" + n + "-events", "rp" + n + "-policies", "rp" + n + "-assignments");
        LocalDynamoDb.createTables(dynamo, tables);
    }

    DynamoDbClient dynamo() {
        return dynamo;
    }

    URI endpoint() {
        return endpoint;
    }

    Schema.TableNames tables() {
        return tables;
    }

    // ------------------------------------------------------------------------------------------------ reprocessing

    /** The production mappings against these tables; {@code pageSize} null for DynamoDB's pages. */
    Reprocessor reprocessor(Integer pageSize) {
        return reprocessor(dynamo, Providers.all(), pageSize);
    }

    /** The production mappings through {@code client} (a client in front of dynalite). */
    Reprocessor reprocessorThrough(DynamoDbClient client) {
        return reprocessor(client, Providers.all(), null);
    }

    /** These providers (a mapping replaced). */
    Reprocessor reprocessorWith(List<WebhookProvider> providers) {
        return reprocessor(dynamo, providers, null);
    }

    Reprocessor reprocessor(DynamoDbClient client, List<WebhookProvider> providers, Integer pageSize) {
        return new Reprocessor(new ReprocessStore(client, tables, pageSize), providers, Clock.systemUTC(), 1000,
                Long.MAX_VALUE);
    }

    /** A summary without orphans. */
    static Reprocessor.Summary counts(long selected, long reapplied, long alreadyRight, long stale, long failed) {
        return new Reprocessor.Summary(selected, reapplied, alreadyRight, stale, failed, 0, 0);
    }

    // ------------------------------------------------------------------------------------------------ receiving

    /** A 1099Policy delivery without headers. @return the stored event id */
    String receive(TestProviders.Mapper mapper, byte[] body, Instant at) {
        return receive(TEN99, mapper, body, Headers.of(Map.of()), at);
    }

    /** Through the real flow (signature check skipped: the reprocessor never checks one). @return the event id */
    String receive(String provider, TestProviders.Mapper mapper, byte[] body, Headers headers, Instant at) {
        WebhookService service = new WebhookService(new WebhookStore(dynamo, tables), Clock.fixed(at, ZoneOffset.UTC),
                WebhookService.MAX_BODY_BYTES_LIMIT, AppConfig.DEFAULTS.metricsNamespace());
        Outcome outcome = service.receive(new Endpoint(TestProviders.mappingWith(Providers.named(provider), mapper),
                (b, h) -> {
                }), body, headers);
        assertEquals(200, outcome.status(), outcome.toString());
        return outcome.eventId();
    }

    /** A 1099Policy policy event, created {@code createdSeconds} after a fixed instant. */
    static byte[] policyEvent(String id, String type, String policyId, long createdSeconds) {
        return Webhooks.utf8("{\"id\":\"" + id + "\",\"type\":\"" + type + "\",\"created\":"
                + (1_764_000_000L + createdSeconds) + ",\"data\":{\"id\":\"" + policyId + "\",\"object\":\"policy\","
                + "\"is_active\":true,\"contractor\":\"cn_1\",\"quote\":\"qt_1\",\"premium\":12.50,\"limit\":1E+3}}");
    }

    static byte[] assignmentEvent(String id, String type, String assignmentId, long createdSeconds) {
        return Webhooks.utf8("{\"id\":\"" + id + "\",\"type\":\"" + type + "\",\"created\":"
                + (1_764_000_000L + createdSeconds) + ",\"data\":{\"object\":{\"id\":\"" + assignmentId
                + "\",\"object\":\"assignment\",\"contractor\":\"cn_1\",\"job\":\"jb_1\"}}}");
    }

    /** A Vertical Insure policy event; {@code version} null for none. */
    static byte[] verticalEvent(String type, String policyId, String policyStatus, Long version) {
        return Webhooks.utf8("{\"event\":\"" + type + "\",\"webhook\":\"https://example.com/hook\","
                + "\"data\":{\"id\":\"" + policyId + "\",\"policy_status\":\"" + policyStatus
                + "\",\"policy_number\":\"PN-"
                + (version == null ? "none" : version) + "\"" + (version == null ? "" : ",\"version\":" + version)
                + "}}");
    }

    /** Stores an event item as is, as no delivery would (no body, an unknown provider). */
    void putEvent(Map<String, AttributeValue> item) {
        dynamo.putItem(b -> b.tableName(tables.events()).item(item));
    }

    // ------------------------------------------------------------------------------------------------ reading

    /** The policy's item, empty when there is none. */
    Map<String, AttributeValue> policy(String id) {
        return Webhooks.get(dynamo, tables.policies(), Schema.POLICY_ID, id);
    }

    Map<String, AttributeValue> event(String id) {
        return Webhooks.get(dynamo, tables.events(), Schema.EVENT_ID, id);
    }

    /** Every item of the three tables, sorted by key. */
    Map<String, List<Map<String, AttributeValue>>> everything() {
        Map<String, List<Map<String, AttributeValue>>> all = new TreeMap<>();
        all.put("events", scan(tables.events(), Schema.EVENT_ID));
        all.put("policies", scan(tables.policies(), Schema.POLICY_ID));
        all.put("assignments", scan(tables.assignments(), Schema.ASSIGNMENT_ID));
        return all;
    }

    private List<Map<String, AttributeValue>> scan(String table, String key) {
        List<Map<String, AttributeValue>> items = new ArrayList<>();
        dynamo.scanPaginator(b -> b.tableName(table)).items().forEach(items::add);
        items.sort(Comparator.comparing(item -> item.get(key).s()));
        return items;
    }
}
