package io.policywebhooks.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;

import io.policywebhooks.AppConfig;
import io.policywebhooks.DynaliteResource;
import io.policywebhooks.Signers;
import io.policywebhooks.WebhookSigner;
import io.policywebhooks.local.LocalDynamoDb;
import io.policywebhooks.provider.Headers;
import io.policywebhooks.provider.Providers;
import io.policywebhooks.store.RecordingDynamoDb;
import io.policywebhooks.store.Schema;
import io.policywebhooks.store.WebhookStore;
import io.policywebhooks.ten99policy.Ten99PolicyEvents;
import io.policywebhooks.verticalinsure.VerticalInsureEvents;
import io.policywebhooks.webhook.Endpoint;
import io.policywebhooks.webhook.Outcome;
import io.policywebhooks.webhook.WebhookService;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.event.ruler.Machine;

/**
 * The state writes the state-event tests read, made once (docs/events.md).
 *
 * <p>Every documented sample of every production provider and the lifecycles below go through the receiving flow
 * ({@link WebhookService}, production mappings) into dynalite, behind {@link RecordingDynamoDb}: each state write is
 * recorded with the item before and after it, and {@link StreamRecords} turns it into the stream record DynamoDB
 * writes for it (none when the condition failed). Each record then goes through exactly what template.yaml declares
 * for its table's pipe: the filter patterns (matched with AWS's event-ruler), the {@code InputTemplate}
 * ({@link PipeInputTemplate}), {@code Source} and {@code DetailType}.
 *
 * <p>The run starts dynalite and delivers every sample, so the classes that read it share one run: {@link Shared}
 * starts it before the first of them and JUnit closes it after the last.
 */
final class StateEventRun implements AutoCloseable {
    static final Path DOC = Path.of("docs", "events.md");
    static final ObjectMapper JSON = new ObjectMapper();
    static final String SAMPLES = "src/test/resources/samples/";
    /** The policy ids of the Vertical Insure samples (policy_endorsed: the previous and the current policy). */
    static final String VI_SAMPLE_ID = "3fa85f64-5717-4562-b3fc-2c963f66afa6";
    static final String VI_ENDORSED_ID = "1c2b3a4d-1111-2222-3333-444455556666";
    static final String VI_BOUND_ID = "vi-lifecycle-bound";
    static final String VI_REPLACEMENT_ID = "vi-lifecycle-replacement";

    /** A pipe of template.yaml: what it reads and what it does to each record. */
    record Pipe(String tableVariable, List<String> filters, String inputTemplate, String source, String detailType) {
    }

    /** One recorded state write, the record it left (null: none) and the event the pipe made of it (null: none). */
    record Change(String scenario, RecordingDynamoDb.Write write, ObjectNode record, JsonNode event) {
    }

    /** Starts the one run before the first class that extends with it; the root store closes it at the end. */
    static final class Shared implements BeforeAllCallback {
        @Override
        public void beforeAll(ExtensionContext context) {
            context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL)
                    .computeIfAbsent(StateEventRun.class, k -> start(), StateEventRun.class);
        }
    }

    private static StateEventRun current;

    final Schema.TableNames tables = new Schema.TableNames("se-events", "se-policies", "se-assignments");
    final RecordingDynamoDb recorder;
    final Map<String, Pipe> pipesByTable;
    final StreamRecords stream = new StreamRecords();
    private final Process dynalite;
    private final DynamoDbClient dynamo;
    private final List<Change> changes = new ArrayList<>();

    /** The run {@link Shared} started. */
    static StateEventRun get() {
        return current;
    }

    private static StateEventRun start() {
        try {
            current = new StateEventRun();
            current.runTheSamplesAndLifecycles();
            return current;
        } catch (Exception e) {
            throw new IllegalStateException("the state-event run", e);
        }
    }

    private StateEventRun() throws IOException {
        pipesByTable = pipes(TemplateYaml.read(TemplateYaml.TEMPLATE));
        int port = DynaliteResource.freePort();
        dynalite = LocalDynamoDb.startIfAbsent(port);
        dynamo = DynaliteResource.client(URI.create("http://" + LocalDynamoDb.HOST + ":" + port));
        LocalDynamoDb.createTables(dynamo, tables);
        recorder = new RecordingDynamoDb(dynamo);
        recorder.tables(tables);
    }

    private void runTheSamplesAndLifecycles() throws IOException {
        // the providers the production build contains: what the template deploys and its pipes publish
        for (String provider : Signers.production().stream().map(WebhookSigner::provider).toList()) {
            for (Path sample : samples(provider)) {
                deliver("sample " + provider + "/" + sample.getFileName(), provider, Files.readAllBytes(sample));
            }
            for (Path sample : samples(provider)) {
                deliver("redelivery " + provider + "/" + sample.getFileName(), provider, Files.readAllBytes(sample));
            }
        }
        String ten99 = Ten99PolicyEvents.PROVIDER;
        // A policy.active sent after the cancellation but created before it: stale.
        deliver("stale policy.active", ten99, later(sample("1099policy/policy.active.json"), 1));
        // A second cancellation, created later: CANCELLED to CANCELLED.
        deliver("cancelled again", ten99, later(sample("1099policy/policy.cancelled.json"), 100));
        // The assignment active again after its cancellation, then once more.
        deliver("assignment reactivated", ten99, later(sample("1099policy/assignment.active.json"), 200_000));
        deliver("assignment active again", ten99, later(sample("1099policy/assignment.active.json"), 300_000));
        // Vertical Insure in lifecycle order on fresh ids: purchased, bound, endorsed (the bound policy superseded).
        String vi = VerticalInsureEvents.PROVIDER;
        for (String event : List.of("policy_purchase_complete", "policy_bind_complete", "policy_endorsed")) {
            String text = new String(sample("vertical-insure/" + event + ".json"), StandardCharsets.UTF_8)
                    .replace(VI_SAMPLE_ID, VI_BOUND_ID).replace(VI_ENDORSED_ID, VI_REPLACEMENT_ID);
            deliver("lifecycle " + event, vi, text.getBytes(StandardCharsets.UTF_8));
        }
    }

    @Override
    public void close() {
        if (dynamo != null) {
            dynamo.close();
        }
        if (dynalite != null) {
            dynalite.destroy();
        }
    }

    /** Every recorded write to a state table (the events table has no pipe). */
    List<Change> stateChanges() {
        return changes.stream().filter(c -> !c.write().table().equals(tables.events())).toList();
    }

    private void deliver(String scenario, String provider, byte[] body) {
        WebhookService service = new WebhookService(new WebhookStore(recorder, tables), Clock.systemUTC(),
                WebhookService.MAX_BODY_BYTES_LIMIT, AppConfig.DEFAULTS.metricsNamespace());
        Endpoint unsigned = new Endpoint(Providers.named(provider), (b, h) -> {
        });
        Outcome[] outcome = new Outcome[1];
        for (RecordingDynamoDb.Write write : recorder.record(
                () -> outcome[0] = service.receive(unsigned, body, Headers.of(Map.of())))) {
            changes.add(change(scenario, write));
        }
        assertEquals(200, outcome[0].status(), scenario + ": " + outcome[0]);
        assertEquals(scenario.startsWith("redelivery"), outcome[0].duplicate(), scenario);
    }

    /** The record a write leaves and, when the table's pipe lets it through, the event the pipe puts. */
    Change change(String scenario, RecordingDynamoDb.Write write) {
        Pipe pipe = pipesByTable.get(write.table());
        if (pipe == null) {
            return new Change(scenario, write, null, null); // the events table has no pipe
        }
        ObjectNode record = stream.of(write, Instant.now().getEpochSecond());
        if (record == null || !passes(pipe, record)) {
            return new Change(scenario, write, record, null);
        }
        String detail = PipeInputTemplate.apply(pipe.inputTemplate(), record);
        ObjectNode event = JSON.createObjectNode();
        event.put("version", "0");
        event.put("id", record.path("eventID").asText());
        event.put("detail-type", pipe.detailType());
        event.put("source", pipe.source());
        event.put("account", "123456789012");
        event.put("time", Instant.now().toString());
        event.put("region", "us-east-1");
        event.putArray("resources");
        try {
            event.set("detail", JSON.readTree(detail));
        } catch (IOException e) {
            fail(scenario + ": the InputTemplate gave invalid JSON: " + detail, e);
        }
        return new Change(scenario, write, record, event);
    }

    /** Whether one of the pipe's filter patterns matches the record (Pipes: any filter). */
    static boolean passes(Pipe pipe, ObjectNode record) {
        try {
            Machine machine = new Machine();
            for (int i = 0; i < pipe.filters().size(); i++) {
                machine.addRule("filter" + i, pipe.filters().get(i));
            }
            return !machine.rulesForJSONEvent(record.toString()).isEmpty();
        } catch (Exception e) {
            throw new IllegalStateException("filter of " + pipe.detailType(), e);
        }
    }

    /** Each pipe of template.yaml, by the name of the table (here) whose stream it reads. */
    private Map<String, Pipe> pipes(JsonNode template) {
        Map<String, String> tableByLogicalId = new TreeMap<>();
        TemplateYaml.resourcesOfType(template, "AWS::Serverless::Function").values().forEach(function -> {
            JsonNode variables = function.path("Properties").path("Environment").path("Variables");
            tableByLogicalId.put(variables.path("POLICIES_TABLE").path("Ref").asText(), tables.policies());
            tableByLogicalId.put(variables.path("ASSIGNMENTS_TABLE").path("Ref").asText(), tables.assignments());
            tableByLogicalId.put(variables.path("EVENTS_TABLE").path("Ref").asText(), tables.events());
        });
        Map<String, Pipe> pipes = new LinkedHashMap<>();
        TemplateYaml.resourcesOfType(template, "AWS::Pipes::Pipe").forEach((id, resource) -> {
            JsonNode props = resource.path("Properties");
            JsonNode source = props.path("Source").path("Fn::GetAtt");
            assertEquals("StreamArn", source.path(1).asText(), id + " reads a table's stream");
            String table = tableByLogicalId.get(source.path(0).asText());
            assertNotNull(table, id + " reads a table of the function");
            List<String> filters = new ArrayList<>();
            for (JsonNode filter : TemplateAgreementTest.asList(
                    props.path("SourceParameters").path("FilterCriteria").path("Filters"))) {
                filters.add(filter.path("Pattern").asText());
            }
            JsonNode target = props.path("TargetParameters");
            JsonNode bus = target.path("EventBridgeEventBusParameters");
            assertNull(pipes.put(table, new Pipe(table, filters, target.path("InputTemplate").asText(),
                    bus.path("Source").asText(), bus.path("DetailType").asText())), "one pipe per table");
        });
        assertEquals(Set.of(tables.policies(), tables.assignments()), pipes.keySet(), "a pipe per state table");
        return pipes;
    }

    /** docs/events.md's JSON Schemas by detail type. */
    static Map<String, JsonSchema> schemas() throws IOException {
        JsonSchemaFactory factory = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);
        Map<String, JsonSchema> schemas = new TreeMap<>();
        for (Map.Entry<String, String> block : blocks("schema").entrySet()) {
            schemas.put(block.getKey(), factory.getSchema(JSON.readTree(block.getValue())));
        }
        assertEquals(Set.of("Policy State Changed", "Assignment State Changed"), schemas.keySet());
        return schemas;
    }

    /** The fenced JSON blocks of docs/events.md marked {@code <!-- kind: name -->}, by name. */
    static Map<String, String> blocks(String kind) throws IOException {
        String doc = Files.readString(DOC, StandardCharsets.UTF_8);
        Matcher m = Pattern.compile("<!-- " + kind + ": (.+?) -->\\s*```json\\n(.*?)```", Pattern.DOTALL).matcher(doc);
        Map<String, String> blocks = new TreeMap<>();
        while (m.find()) {
            assertNull(blocks.put(m.group(1), m.group(2)), "one " + kind + " named " + m.group(1));
        }
        return blocks;
    }
    private static List<Path> samples(String provider) throws IOException {
        try (Stream<Path> files = Files.list(Path.of(SAMPLES + provider))) {
            return files.filter(p -> p.toString().endsWith(".json")).sorted().toList();
        }
    }

    private static byte[] sample(String path) throws IOException {
        return Files.readAllBytes(Path.of(SAMPLES + path));
    }

    /** The body with its (last, top-level) {@code created} moved {@code seconds} later: a new event. */
    private static byte[] later(byte[] body, long seconds) {
        String text = new String(body, StandardCharsets.UTF_8);
        Matcher m = Pattern.compile("\"created\": (\\d+)\\s*}\\s*$").matcher(text);
        assertTrue(m.find(), "a top-level created");
        long created = Long.parseLong(m.group(1)) + seconds;
        return (text.substring(0, m.start(1)) + created + text.substring(m.end(1))).getBytes(StandardCharsets.UTF_8);
    }

    static String status(JsonNode event) {
        return event.path("detail").path("status").asText();
    }

    static String previous(JsonNode event) {
        return event.path("detail").path("previous_status").asText();
    }
}
