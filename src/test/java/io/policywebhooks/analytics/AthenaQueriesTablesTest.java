package io.policywebhooks.analytics;

import static io.policywebhooks.analytics.AthenaData.CHECKED;
import static io.policywebhooks.analytics.AthenaData.JSON;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.policywebhooks.store.Schema;
import io.quarkus.test.junit.QuarkusTest;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The tables the named queries read ({@link AthenaData}): every named query is checked, each Glue table reads
 * the items of its export and never its manifests or checksums, and every stored attribute has a column of its
 * type.
 */
@QuarkusTest
class AthenaQueriesTablesTest {
    private AthenaData data;

    @BeforeEach
    void data() throws Exception {
        data = AthenaData.get();
    }

    @Test
    void everyNamedQueryIsCheckedHere() {
        assertEquals(CHECKED, NamedQueries.all().keySet(), "SQL files in " + NamedQueries.DIRECTORY);
    }

    @Test
    void eachTableReadsTheItemsOfItsExportAndNeverItsManifestsOrChecksums() throws Exception {
        assertEquals(Set.of("events", "policies", "assignments"), data.glue.keySet(), "Glue tables");
        Map<String, String> keys = Map.of("events", Schema.EVENT_ID, "policies", Schema.POLICY_ID, "assignments",
                Schema.ASSIGNMENT_ID);
        for (GlueTables.Table table : data.glue.values()) {
            LocalExport.Written export = data.exports.get(table.name());
            // The export holds what Athena must never read as rows, next to data/.
            try (Stream<Path> files = Files.list(export.directory())) {
                assertEquals(Set.of("_started", "data", "manifest-files.json", "manifest-files.checksum",
                        "manifest-summary.json", "manifest-summary.checksum"),
                        files.map(f -> f.getFileName().toString()).collect(Collectors.toSet()), table.name());
            }
            JsonNode summary = JSON.readTree(export.directory().resolve("manifest-summary.json").toFile());
            assertTrue(export.items() > 0, table.name() + " has items of this run");
            assertEquals(summary.path("itemCount").asInt(), export.items(), table.name() + " manifest itemCount");
            String key = keys.get(table.name());
            List<Map<String, Object>> counted = data.query("SELECT count(*) AS all_rows, count(" + GlueTables.COLUMN + "."
                    + key + ".s) AS keyed, count(DISTINCT " + GlueTables.COLUMN + "." + key + ".s) AS distinct_keys "
                    + "FROM " + table.name());
            assertEquals(Map.of("all_rows", (long) export.items(), "keyed", (long) export.items(), "distinct_keys",
                    (long) export.items()), counted.get(0), table.name() + ": one row per item, each with its key");
        }
        // What a table at the export's own prefix would read: the checksums are no JSON, the manifests no items.
        String exportRoot = data.glue.get("events").duckDbView("export_root",
                data.exports.get("events").directory().toString());
        assertThrows(IllegalStateException.class, () -> data.execute(exportRoot),
                "the export's own prefix holds files that are not rows");
    }

    @Test
    void everyAttributeTheReceiverStoredHasAColumnOfItsType() {
        for (GlueTables.Table table : data.glue.values()) {
            Map<String, String> members = GlueTables.structMembers(table.itemType());
            Map<String, String> missing = new TreeMap<>();
            for (Map<String, AttributeValue> item : data.items.get(table.name())) {
                item.forEach((name, value) -> {
                    String descriptor = LocalExport.descriptor(value);
                    String member = members.get(name);
                    boolean left = "events".equals(table.name()) && Schema.PAYLOAD.equals(name);
                    if (!left && (member == null
                            || !GlueTables.structMembers(member).containsKey(descriptor))) {
                        missing.put(name, descriptor + " (Glue: " + member + ")");
                    }
                });
            }
            assertEquals(Map.of(), missing, table.name() + ": stored attributes without a column of their type");
        }
    }
}
