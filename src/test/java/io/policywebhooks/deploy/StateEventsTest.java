package io.policywebhooks.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;

import io.policywebhooks.AppConfig;
import io.policywebhooks.Signers;
import io.policywebhooks.WebhookSigner;
import io.policywebhooks.provider.Providers;
import io.policywebhooks.webhook.Endpoint;
import io.policywebhooks.DynaliteResource;
import io.policywebhooks.local.LocalDynamoDb;
import io.policywebhooks.store.RecordingDynamoDb;
import io.policywebhooks.store.Schema;
import io.policywebhooks.store.WebhookStore;
import io.policywebhooks.ten99policy.Ten99PolicyEvents;
import io.policywebhooks.verticalinsure.VerticalInsureEvents;
import io.policywebhooks.provider.Headers;
import io.policywebhooks.webhook.Outcome;
import io.policywebhooks.provider.WebhookProvider;
import io.policywebhooks.webhook.WebhookService;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.event.ruler.Machine;

/**
 * The state-change events as the template declares them, from real writes (docs/events.md).
 *
 * <p>Every documented sample of every production provider and the lifecycles below go through the receiving flow
 * ({@link WebhookService}, production mappings) into dynalite, behind {@link RecordingDynamoDb}: each state write is
 * recorded with the item before and after it, and {@link StreamRecords} turns it into the stream record DynamoDB
 * writes for it (none when the condition failed). Each record then goes through exactly what template.yaml declares
 * for its table's pipe: the filter patterns (matched with AWS's event-ruler), the {@code InputTemplate}
 * ({@link PipeInputTemplate}), {@code Source} and {@code DetailType}. Every resulting detail is validated against
 * the JSON Schema of docs/events.md, and docs/events.md's example rules are matched against the events.
 */
class StateEventsTest {
    private static final Path DOC = Path.of("docs", "events.md");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SAMPLES = "src/test/resources/samples/";
    /** The policy ids of the Vertical Insure samples (policy_endorsed: the previous and the current policy). */
    private static final String VI_SAMPLE_ID = "3fa85f64-5717-4562-b3fc-2c963f66afa6";
    private static final String VI_ENDORSED_ID = "1c2b3a4d-1111-2222-3333-444455556666";
    private static final String VI_BOUND_ID = "vi-lifecycle-bound";
    private static final String VI_REPLACEMENT_ID = "vi-lifecycle-replacement";
    /** Personal data, nested documents, links, and the store's own bookkeeping (docs/events.md). */
    private static final Set<String> NOT_PUBLISHED = Set.of(VerticalInsureEvents.CUSTOMER, Ten99PolicyEvents.CERTIFICATES, Ten99PolicyEvents.PDF_URL,
            Schema.LAST_EVENT_ORDER, Schema.LAST_DELIVERY_ID);

    /** A pipe of template.yaml: what it reads and what it does to each record. */
    record Pipe(String tableVariable, List<String> filters, String inputTemplate, String source, String detailType) {
    }

    /** One recorded state write, the record it left (null: none) and the event the pipe made of it (null: none). */
    record Change(String scenario, RecordingDynamoDb.Write write, ObjectNode record, JsonNode event) {
    }

    private static Process dynalite;
    private static DynamoDbClient dynamo;
    private static RecordingDynamoDb recorder;
    private static Schema.TableNames tables;
    private static Map<String, Pipe> pipesByTable;
    private static final StreamRecords STREAM = new StreamRecords();
    private static final List<Change> CHANGES = new ArrayList<>();

    @BeforeAll
    static void runTheSamplesAndLifecycles() throws Exception {
        JsonNode template = TemplateYaml.read(TemplateYaml.TEMPLATE);
        tables = new Schema.TableNames("se-events", "se-policies", "se-assignments");
        pipesByTable = pipes(template);

        int port = DynaliteResource.freePort();
        dynalite = LocalDynamoDb.startIfAbsent(port);
        dynamo = DynaliteResource.client(URI.create("http://" + LocalDynamoDb.HOST + ":" + port));
        LocalDynamoDb.createTables(dynamo, tables);
        recorder = new RecordingDynamoDb(dynamo);
        recorder.tables(tables);

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

    @AfterAll
    static void stopDynalite() {
        if (dynamo != null) {
            dynamo.close();
        }
        if (dynalite != null) {
            dynalite.destroy();
        }
    }

    // ------------------------------------------------------------------------------------------------ the events

    @Test
    void everyAppliedStateWriteBecomesExactlyOneEventThatFollowsTheSchema() throws Exception {
        Map<String, JsonSchema> schemas = schemas();
        int events = 0;
        Set<String> kinds = new TreeSet<>();
        for (Change change : stateChanges()) {
            RecordingDynamoDb.Write write = change.write();
            if (!write.applied()) {
                continue;
            }
            String where = change.scenario() + " (" + write.table() + ")";
            assertNotNull(change.record(), where + ": an applied write changes the item, so it leaves a record");
            assertNotNull(change.event(), where + ": the pipe's filter lets an insert or update through");
            JsonNode detail = change.event().path("detail");
            String detailType = change.event().path("detail-type").asText();
            JsonSchema schema = schemas.get(detailType);
            assertNotNull(schema, where + ": docs/events.md has a schema for " + detailType);
            Set<ValidationMessage> errors = schema.validate(detail);
            assertTrue(errors.isEmpty(), where + ": " + errors + " in " + detail);

            Map<String, AttributeValue> before = write.before();
            Map<String, AttributeValue> after = write.after();
            assertEquals(after.get(write.keyName()).s(), detail.path(write.keyName()).asText(), where + " id");
            assertEquals(after.get(Schema.STATUS).s(), detail.path("status").asText(), where + " status");
            assertEquals(before == null ? "" : before.get(Schema.STATUS).s(), detail.path("previous_status").asText(),
                    where + " previous_status");
            assertEquals(after.get(Schema.PROVIDER_ATTRIBUTE).s(), detail.path("provider").asText(), where);
            assertEquals(after.get(Schema.LAST_EVENT_ID).s(), detail.path("event").path("id").asText(), where);
            assertEquals(after.get(Schema.LAST_EVENT_TYPE).s(), detail.path("event").path("type").asText(), where);
            assertEquals(after.get(Schema.LAST_EVENT_AT).s(), detail.path("event").path("at").asText(), where);
            assertEquals(change.record().path("dynamodb").path("SequenceNumber").asText(),
                    detail.path("sequence").asText(), where + " sequence");
            assertEquals(write.table().equals(tables.policies()) ? "Policy State Changed" : "Assignment State Changed",
                    detailType, where);
            assertEquals("policy-webhooks", change.event().path("source").asText(), where);
            events++;
            kinds.add(detailType + " " + change.record().path("eventName").asText());
        }
        assertEquals(Set.of("Assignment State Changed INSERT", "Assignment State Changed MODIFY",
                "Policy State Changed INSERT", "Policy State Changed MODIFY"), kinds, "both kinds, new and changed");
        assertTrue(events >= 10, "events checked: " + events);
        List<JsonNode> lifecycle = stateChanges().stream().filter(c -> c.scenario().startsWith("lifecycle"))
                .map(Change::event).toList();
        assertEquals(List.of(VI_BOUND_ID + " PENDING", VI_BOUND_ID + " ACTIVE", VI_REPLACEMENT_ID + " ACTIVE",
                VI_BOUND_ID + " SUPERSEDED"), lifecycle.stream().map(e -> e.path("detail").path("policy_id").asText()
                        + " " + status(e)).toList(), "the endorsement lifecycle, one event per change");
        assertEquals(VI_REPLACEMENT_ID, lifecycle.get(3).path("detail").path("superseded_by").asText());
        assertEquals("ACTIVE", previous(lifecycle.get(3)));
    }

    @Test
    void aRedeliveredOrStaleEventChangesNoStateAndSoPublishesNothing() {
        List<Change> refused = stateChanges().stream()
                .filter(c -> c.scenario().startsWith("redelivery") || c.scenario().startsWith("stale")).toList();
        assertTrue(refused.size() >= 6, "redeliveries and stale events with a state write: " + refused.size());
        for (Change change : refused) {
            assertFalse(change.write().applied(), change.scenario() + ": the ordering guard refuses it");
            assertEquals(change.write().before(), change.write().after(), change.scenario() + ": item unchanged");
            assertNull(change.record(), change.scenario() + ": no stream record");
            assertNull(change.event(), change.scenario() + ": no event");
        }
        // The documented Vertical Insure samples arrive out of lifecycle order: the lower ranks are stale too.
        assertTrue(stateChanges().stream().anyMatch(c -> c.scenario().startsWith("sample vertical-insure")
                && !c.write().applied()), "a stale sample");
    }

    @Test
    void eventFieldsAreTheStoredAttributesOfTheSameNameAndType() {
        // "name": "<$.dynamodb.NewImage.attribute.T>" (or OldImage for previous_status, Keys for the id)
        Pattern field = Pattern.compile("\"(\\w+)\": \"<\\$\\.dynamodb\\.(NewImage|OldImage|Keys)\\.(\\w+)\\.(\\w+)>\"");
        Map<String, String> typesWritten = new TreeMap<>();
        for (Change change : stateChanges()) {
            if (change.write().after() != null) {
                change.write().after().forEach((name, value) -> typesWritten.put(name, typeLetter(value)));
            }
        }
        Set<String> published = new TreeSet<>();
        for (Pipe pipe : pipesByTable.values()) {
            Matcher m = field.matcher(pipe.inputTemplate());
            int fields = 0;
            while (m.find()) {
                fields++;
                String name = m.group(1);
                String image = m.group(2);
                String attribute = m.group(3);
                String where = pipe.detailType() + " " + name;
                if (image.equals("OldImage")) {
                    assertEquals("previous_status", name, where + ": only the previous status is read from the old image");
                    assertEquals(Schema.STATUS, attribute, where);
                } else {
                    // event.id, event.type, event.at are the last_event_* attributes; every other field is named
                    // as its attribute
                    String expected = Set.of("id", "type", "at").contains(name) ? "last_event_" + name : name;
                    assertEquals(expected, attribute, where + ": the attribute the field is named for");
                }
                published.add(attribute);
                String written = typesWritten.get(attribute);
                if (written != null) {
                    assertEquals(written, m.group(4), where + ": the type the store writes " + attribute + " as");
                }
            }
            assertTrue(fields > 5, pipe.detailType() + " fields");
        }
        // Every attribute the store wrote is published, or left out on purpose (docs/events.md says why).
        Set<String> unpublished = new TreeSet<>(typesWritten.keySet());
        unpublished.removeAll(published);
        assertEquals(NOT_PUBLISHED, unpublished, "state attributes not in any event");
    }

    // ------------------------------------------------------------------------------------------------ the filter

    @Test
    void theFilterLetsInsertsAndUpdatesThroughAndNeverARemoval() throws Exception {
        for (Map.Entry<String, Pipe> entry : pipesByTable.entrySet()) {
            Pipe pipe = entry.getValue();
            Map<String, AttributeValue> item = stateChanges().stream()
                    .filter(c -> c.write().table().equals(entry.getKey()) && c.write().after() != null)
                    .map(c -> c.write().after()).findFirst().orElseThrow();
            String keyName = entry.getKey().equals(tables.policies()) ? Schema.POLICY_ID : Schema.ASSIGNMENT_ID;
            ObjectNode removal = STREAM.removal(entry.getKey(), keyName, item);
            assertFalse(passes(pipe, removal), pipe.detailType() + ": a REMOVE record is dropped");
            ObjectNode insert = STREAM.of(new RecordingDynamoDb.Write(entry.getKey(), keyName, "UpdateItem", null,
                    item, true, null), 0);
            assertTrue(passes(pipe, insert), pipe.detailType() + ": an INSERT passes");
            ObjectNode modify = STREAM.of(new RecordingDynamoDb.Write(entry.getKey(), keyName, "UpdateItem", item,
                    with(item, Schema.UPDATED_AT, "2026-12-01T00:00:00Z"), true, null), 0);
            assertTrue(passes(pipe, modify), pipe.detailType() + ": a MODIFY passes");
        }
    }

    /** The replay docs/events.md describes: touching an item publishes its current state again. */
    @Test
    void touchingAnItemAsTheReplayDoesPublishesItsCurrentState() {
        Change last = stateChanges().stream().filter(c -> c.event() != null
                && c.write().table().equals(tables.policies())).reduce((a, b) -> b).orElseThrow();
        String policyId = last.write().after().get(Schema.POLICY_ID).s();
        List<RecordingDynamoDb.Write> writes = recorder.record(() -> recorder.updateItem(b -> b
                .tableName(tables.policies())
                .key(Map.of(Schema.POLICY_ID, AttributeValue.fromS(policyId)))
                .updateExpression("SET republished_at = :now")
                .conditionExpression("attribute_exists(policy_id)")
                .expressionAttributeValues(Map.of(":now", AttributeValue.fromS(Instant.now().toString())))));
        Change touched = change("replay", writes.get(0));
        assertNotNull(touched.event(), "the touch is a MODIFY the pipe publishes");
        JsonNode detail = touched.event().path("detail");
        JsonNode previous = last.event().path("detail");
        assertEquals(previous.path("status").asText(), detail.path("status").asText());
        assertEquals(detail.path("status").asText(), detail.path("previous_status").asText());
        assertEquals(previous.path("event"), detail.path("event"), "the same event as the last one published");
    }

    // ------------------------------------------------------------------------------------------------ the doc's rules

    @Test
    void theDocumentedRulesMatchWhatTheyDescribeAndNothingElse() throws Exception {
        Map<String, String> rules = blocks("rule");
        assertEquals(Set.of("policy-cancelled", "assignment-became-active", "one-provider"), rules.keySet());
        List<JsonNode> events = stateChanges().stream().map(Change::event).filter(e -> e != null).toList();

        Predicate<JsonNode> cancelledPolicy = e -> e.path("detail-type").asText().equals("Policy State Changed")
                && status(e).equals("CANCELLED") && !previous(e).equals("CANCELLED");
        Predicate<JsonNode> assignmentBecameActive = e -> e.path("detail-type").asText()
                .equals("Assignment State Changed") && status(e).equals("ACTIVE") && !previous(e).equals("ACTIVE");
        Predicate<JsonNode> verticalInsure = e -> e.path("detail").path("provider").asText()
                .equals(VerticalInsureEvents.PROVIDER);
        Map<String, Predicate<JsonNode>> meaning = Map.of("policy-cancelled", cancelledPolicy,
                "assignment-became-active", assignmentBecameActive, "one-provider", verticalInsure);

        for (Map.Entry<String, String> rule : rules.entrySet()) {
            Machine machine = new Machine();
            machine.addRule(rule.getKey(), rule.getValue());
            int matched = 0;
            int unmatched = 0;
            for (JsonNode event : events) {
                boolean expected = meaning.get(rule.getKey()).test(event);
                boolean actual = !machine.rulesForJSONEvent(event.toString()).isEmpty();
                assertEquals(expected, actual, rule.getKey() + " on " + event.path("detail"));
                if (expected) {
                    matched++;
                } else {
                    unmatched++;
                }
            }
            assertTrue(matched >= 2 && unmatched >= 3, rule.getKey() + ": cases that must match (" + matched
                    + ") and must not (" + unmatched + ")");
        }
        // The cases that make the rules' anything-but matter happened: a repeated cancellation, active again.
        assertTrue(events.stream().anyMatch(e -> status(e).equals("CANCELLED") && previous(e).equals("CANCELLED")));
        assertTrue(events.stream().anyMatch(e -> e.path("detail-type").asText().equals("Assignment State Changed")
                && status(e).equals("ACTIVE") && previous(e).equals("ACTIVE")));
        assertTrue(events.stream().anyMatch(e -> status(e).equals("ACTIVE") && previous(e).equals("CANCELLED")));
    }

    @Test
    void theDocumentedExampleFollowsItsSchemaAndItsRule() throws Exception {
        Map<String, String> examples = blocks("example");
        assertFalse(examples.isEmpty());
        Map<String, JsonSchema> schemas = schemas();
        for (Map.Entry<String, String> example : examples.entrySet()) {
            JsonNode event = JSON.readTree(example.getValue());
            assertEquals(example.getKey(), event.path("detail-type").asText());
            Set<ValidationMessage> errors = schemas.get(example.getKey()).validate(event.path("detail"));
            assertTrue(errors.isEmpty(), example.getKey() + ": " + errors);
            Machine machine = new Machine();
            machine.addRule("policy-cancelled", blocks("rule").get("policy-cancelled"));
            assertEquals(List.of("policy-cancelled"), machine.rulesForJSONEvent(event.toString()),
                    "the example is what policy-cancelled matches");
        }
    }

    // ------------------------------------------------------------------------------------------------ helpers

    private static void deliver(String scenario, String provider, byte[] body) {
        WebhookService service = new WebhookService(new WebhookStore(recorder, tables), Clock.systemUTC(),
                WebhookService.MAX_BODY_BYTES_LIMIT, AppConfig.DEFAULTS.metricsNamespace());
        Endpoint unsigned = new Endpoint(Providers.named(provider), (b, h) -> {
        });
        Outcome[] outcome = new Outcome[1];
        for (RecordingDynamoDb.Write write : recorder.record(
                () -> outcome[0] = service.receive(unsigned, body, Headers.of(Map.of())))) {
            CHANGES.add(change(scenario, write));
        }
        assertEquals(200, outcome[0].status(), scenario + ": " + outcome[0]);
        assertEquals(scenario.startsWith("redelivery"), outcome[0].duplicate(), scenario);
    }

    /** The record a write leaves and, when the table's pipe lets it through, the event the pipe puts. */
    private static Change change(String scenario, RecordingDynamoDb.Write write) {
        Pipe pipe = pipesByTable.get(write.table());
        if (pipe == null) {
            return new Change(scenario, write, null, null); // the events table has no pipe
        }
        ObjectNode record = STREAM.of(write, Instant.now().getEpochSecond());
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
    private static boolean passes(Pipe pipe, ObjectNode record) {
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

    private static List<Change> stateChanges() {
        return CHANGES.stream().filter(c -> !c.write().table().equals(tables.events())).toList();
    }

    /** Each pipe of template.yaml, by the name of the table (here) whose stream it reads. */
    private static Map<String, Pipe> pipes(JsonNode template) {
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
    private static Map<String, JsonSchema> schemas() throws IOException {
        JsonSchemaFactory factory = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);
        Map<String, JsonSchema> schemas = new TreeMap<>();
        for (Map.Entry<String, String> block : blocks("schema").entrySet()) {
            schemas.put(block.getKey(), factory.getSchema(JSON.readTree(block.getValue())));
        }
        assertEquals(Set.of("Policy State Changed", "Assignment State Changed"), schemas.keySet());
        return schemas;
    }

    /** The fenced JSON blocks of docs/events.md marked {@code <!-- kind: name -->}, by name. */
    private static Map<String, String> blocks(String kind) throws IOException {
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

    private static Map<String, AttributeValue> with(Map<String, AttributeValue> item, String name, String value) {
        Map<String, AttributeValue> copy = new TreeMap<>(item);
        copy.put(name, AttributeValue.fromS(value));
        return copy;
    }

    private static String typeLetter(AttributeValue value) {
        return switch (value.type()) {
            case NUL -> "NULL";
            default -> value.type().name();
        };
    }

    private static String status(JsonNode event) {
        return event.path("detail").path("status").asText();
    }

    private static String previous(JsonNode event) {
        return event.path("detail").path("previous_status").asText();
    }
}
