package io.policywebhooks.analytics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.policywebhooks.deploy.TemplateYaml;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The template's latest-export function (inline Python), run with python3 against a fake boto3 over a local
 * export: it points a Glue table at the export's data/ prefix (the directory the DuckDB views of
 * {@link AthenaQueriesTest} read), never at the export root, never back to an older export, and ignores other
 * objects. Skipped where python3 is not installed.
 */
class LatestExportFunctionTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String BUCKET = "analytics-bucket";
    /** boto3 as far as the function uses it: s3.get_object reads the local bucket, glue records update_table. */
    static final String FAKE_BOTO3 = """
            import json, os
            class _Body:
                def __init__(self, data): self.data = data
                def read(self): return self.data
            class _S3:
                def get_object(self, Bucket, Key):
                    with open(os.path.join(os.environ["FAKE_BUCKET_DIR"], Key), "rb") as f:
                        return {"Body": _Body(f.read())}
            class _Glue:
                def get_table(self, DatabaseName, Name):
                    with open(os.environ["FAKE_TABLE"]) as f:
                        return {"Table": json.load(f)}
                def update_table(self, **request):
                    with open(os.environ["FAKE_UPDATE"], "w") as f:
                        json.dump(request, f)
            def client(name):
                return {"s3": _S3, "glue": _Glue}[name]()
            """;

    static String code;
    static String tables;

    @TempDir
    Path dir;

    @BeforeAll
    static void readFunction() {
        JsonNode props = TemplateYaml.resourcesOfType(TemplateYaml.read(), "AWS::Lambda::Function")
                .get("AnalyticsLatestExportFunction").path("Properties");
        code = props.path("Code").path("ZipFile").asText();
        tables = props.path("Environment").path("Variables").path("TABLES").asText();
        assertEquals("index.handler", props.path("Handler").asText());
    }

    @Test
    void pointsTheTableAtTheDataPrefixOfACompletedExport() throws Exception {
        LocalExport.Written export = export(Instant.parse("2026-12-01T03:00:00.000Z"));
        JsonNode request = invoke(summaryKey(export), table("s3://" + BUCKET + "/exports/events/AWSDynamoDB/none/data/",
                null));
        assertEquals("policy_webhooks", request.path("DatabaseName").asText());
        assertEquals("7", request.path("VersionId").asText(), "optimistic: the version it read");
        JsonNode input = request.path("TableInput");
        String location = input.path("StorageDescriptor").path("Location").asText();
        assertEquals("s3://" + BUCKET + "/exports/events/AWSDynamoDB/" + export.exportId() + "/data/", location);
        assertEquals(export.data(), dir.resolve(BUCKET).resolve(location.substring(("s3://" + BUCKET + "/").length())),
                "the directory the DuckDB views read, holding only data files");
        assertEquals("2026-12-01T03:00:00.000Z", input.path("Parameters").path("export_time").asText());
        assertEquals("json", input.path("Parameters").path("classification").asText(), "the rest kept");
        assertEquals("struct<event_id:struct<S:string>>",
                input.path("StorageDescriptor").path("Columns").path(0).path("Type").asText(), "columns kept");
        Set<String> fields = new TreeSet<>();
        input.fieldNames().forEachRemaining(fields::add);
        assertEquals(Set.of("Name", "Parameters", "StorageDescriptor", "TableType"), fields,
                "only what UpdateTable takes (GetTable's CreateTime, DatabaseName, VersionId... are refused)");
    }

    @Test
    void neverMovesATableBackToAnOlderExport() throws Exception {
        LocalExport.Written older = export(Instant.parse("2026-12-01T03:00:00.000Z"));
        assertTrue(invoke(summaryKey(older), table("s3://" + BUCKET + "/exports/events/AWSDynamoDB/x/data/",
                "2026-12-02T03:00:00.000Z")).isMissingNode(), "an older export completing late changes nothing");
    }

    @Test
    void ignoresEveryOtherObject() throws Exception {
        LocalExport.Written export = export(Instant.parse("2026-12-01T03:00:00.000Z"));
        String exportKey = "exports/events/AWSDynamoDB/" + export.exportId();
        for (String key : List.of(exportKey + "/manifest-files.json", exportKey + "/_started",
                "exports/unknown/AWSDynamoDB/" + export.exportId() + "/manifest-summary.json",
                "athena-results/manifest-summary.json")) {
            assertTrue(invoke(key, table("s3://" + BUCKET + "/x/", null)).isMissingNode(), key);
        }
    }

    private LocalExport.Written export(Instant at) {
        return LocalExport.write(dir.resolve(BUCKET), "exports/events", "arn:aws:dynamodb:us-east-1:1:table/t",
                List.of(Map.of("event_id", AttributeValue.fromS("e1"))), at);
    }

    private static String summaryKey(LocalExport.Written export) {
        return "exports/events/AWSDynamoDB/" + export.exportId() + "/manifest-summary.json";
    }

    /** What GetTable answers for a table at {@code location}, read-only fields included. */
    private static ObjectNode table(String location, String exportTime) {
        ObjectNode table = JSON.createObjectNode();
        table.put("Name", "events");
        table.put("DatabaseName", "policy_webhooks");
        table.put("CreateTime", "2026-11-01T00:00:00Z");
        table.put("UpdateTime", "2026-11-01T00:00:00Z");
        table.put("VersionId", "7");
        table.put("CatalogId", "123456789012");
        table.put("IsRegisteredWithLakeFormation", false);
        table.put("TableType", "EXTERNAL_TABLE");
        ObjectNode parameters = table.putObject("Parameters");
        parameters.put("classification", "json");
        if (exportTime != null) {
            parameters.put("export_time", exportTime);
        }
        ObjectNode storage = table.putObject("StorageDescriptor");
        storage.put("Location", location);
        storage.putArray("Columns").addObject().put("Name", "item").put("Type", "struct<event_id:struct<S:string>>");
        return table;
    }

    /** Runs the handler on an S3 "Object Created" event; the UpdateTable request it made, or a missing node. */
    private JsonNode invoke(String key, ObjectNode table) throws Exception {
        assumeTrue(python(), "python3 not installed");
        Path code = Files.createDirectories(dir.resolve("code"));
        Files.writeString(code.resolve("index.py"), LatestExportFunctionTest.code, StandardCharsets.UTF_8);
        Files.writeString(code.resolve("boto3.py"), FAKE_BOTO3, StandardCharsets.UTF_8);
        Path tableFile = dir.resolve("table.json");
        Path update = dir.resolve("update.json");
        Files.deleteIfExists(update);
        JSON.writeValue(tableFile.toFile(), table);
        ObjectNode event = JSON.createObjectNode();
        event.put("source", "aws.s3").put("detail-type", "Object Created");
        ObjectNode detail = event.putObject("detail");
        detail.putObject("bucket").put("name", BUCKET);
        detail.putObject("object").put("key", key);

        ProcessBuilder builder = new ProcessBuilder("python3", "-c",
                "import json, sys, index; index.handler(json.load(sys.stdin), None)");
        builder.environment().putAll(Map.of("PYTHONPATH", code.toString(), "DATABASE", "policy_webhooks",
                "TABLES", tables, "FAKE_BUCKET_DIR", dir.resolve(BUCKET).toString(),
                "FAKE_TABLE", tableFile.toString(), "FAKE_UPDATE", update.toString()));
        builder.redirectErrorStream(true);
        Process process = builder.start();
        process.getOutputStream().write(JSON.writeValueAsBytes(event));
        process.getOutputStream().close();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(30, TimeUnit.SECONDS), "the handler ends");
        assertEquals(0, process.exitValue(), output);
        assertFalse(output.contains("Traceback"), output);
        return Files.exists(update) ? JSON.readTree(update.toFile()) : JSON.missingNode();
    }

    private static boolean python() {
        try {
            return new ProcessBuilder("python3", "--version").start().waitFor(10, TimeUnit.SECONDS);
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }
}
