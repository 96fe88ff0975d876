package io.policywebhooks.analytics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;

import io.policywebhooks.deploy.TemplateYaml;

/**
 * The template's Glue tables, and the DuckDB definitions derived from them, so the SQL the tests run reads exactly
 * the columns Athena reads.
 */
public final class GlueTables {
    /** The one column: the export line's {@code Item} (the JSON SerDe matches keys case-insensitively). */
    public static final String COLUMN = "item";
    /** The key DynamoDB writes each item under, one per line: {@code {"Item":{...}}}. */
    public static final String EXPORT_KEY = "Item";
    /** A table's location: under the bucket, its export prefix, then one export's data/ prefix. */
    static final Pattern LOCATION = Pattern.compile(
            "^s3://\\$\\{AnalyticsBucket}/(exports/[a-z]+)/AWSDynamoDB/[^/]+/data/$");

    private GlueTables() {
    }

    /**
     * @param name         the table's name in the Glue database (and in the SQL)
     * @param exportPrefix the S3 prefix its exports are written under
     * @param location     the template's location, an {@code Fn::Sub} string
     * @param itemType     the Hive type of its one column
     */
    public record Table(String logicalId, String name, String exportPrefix, String location, String itemType) {
        /** The DuckDB type of the column, keyed as the export writes it. */
        public String duckDbColumns() {
            return "{'" + EXPORT_KEY + "': '" + duckDbType(itemType).replace("'", "''") + "'}";
        }

        /**
         * A DuckDB view named as the Glue table over every file under {@code dataDirectory}, as Athena reads every
         * object under the table's location.
         */
        public String duckDbView(String dataDirectory) {
            return duckDbView(name, dataDirectory);
        }

        /** The same columns as a view of another name over another directory. */
        public String duckDbView(String view, String dataDirectory) {
            return "CREATE OR REPLACE VIEW " + view + " AS SELECT " + EXPORT_KEY + " AS " + COLUMN
                    + " FROM read_json('" + dataDirectory.replace("'", "''") + "/**', format = 'newline_delimited', "
                    + "columns = " + duckDbColumns() + ")";
        }
    }

    public static Map<String, Table> fromTemplate(JsonNode template) {
        Map<String, Table> tables = new LinkedHashMap<>();
        TemplateYaml.resourcesOfType(template, "AWS::Glue::Table").forEach((logicalId, resource) -> {
            JsonNode input = resource.path("Properties").path("TableInput");
            JsonNode storage = input.path("StorageDescriptor");
            String location = storage.path("Location").path("Fn::Sub").asText();
            Matcher matcher = LOCATION.matcher(location);
            assertTrue(matcher.matches(), logicalId + ": location is one export's data/ prefix: " + location);
            JsonNode columns = storage.path("Columns");
            assertEquals(1, columns.size(), logicalId + ": one column");
            assertEquals(COLUMN, columns.get(0).path("Name").asText(), logicalId + " column");
            String name = input.path("Name").asText();
            tables.put(name, new Table(logicalId, name, matcher.group(1), location,
                    TemplateYaml.joined(columns.get(0).path("Type"))));
        });
        return tables;
    }

    /** A Hive type (string, boolean, bigint, double, array&lt;T&gt;, struct&lt;name:T,...&gt;) in DuckDB's words. */
    public static String duckDbType(String hive) {
        Parser parser = new Parser(hive);
        String type = parser.type();
        assertEquals(hive.length(), parser.at, "unread rest of " + hive);
        return type;
    }

    /** The members of a Hive struct type, each with its own type, in order. */
    public static Map<String, String> structMembers(String hive) {
        Parser parser = new Parser(hive);
        Map<String, String> members = new LinkedHashMap<>();
        parser.expect("struct<");
        while (true) {
            String name = parser.name();
            parser.expect(":");
            int start = parser.at;
            parser.type();
            members.put(name, hive.substring(start, parser.at));
            if (parser.accept(">")) {
                return members;
            }
            parser.expect(",");
        }
    }

    private static final class Parser {
        final String text;
        int at;

        Parser(String text) {
            this.text = text;
        }

        String type() {
            if (accept("struct<")) {
                List<String> members = new ArrayList<>();
                do {
                    String name = name();
                    expect(":");
                    members.add("\"" + name + "\" " + type());
                } while (accept(","));
                expect(">");
                return "STRUCT(" + String.join(", ", members) + ")";
            }
            if (accept("array<")) {
                String element = type();
                expect(">");
                return element + "[]";
            }
            String name = name();
            switch (name) {
                case "string":
                    return "VARCHAR";
                case "boolean":
                    return "BOOLEAN";
                case "bigint":
                    return "BIGINT";
                case "double":
                    return "DOUBLE";
                default:
                    throw new IllegalArgumentException("no DuckDB type for Hive type " + name + " in " + text);
            }
        }

        String name() {
            int start = at;
            while (at < text.length() && (Character.isLetterOrDigit(text.charAt(at)) || text.charAt(at) == '_')) {
                at++;
            }
            if (start == at) {
                throw new IllegalArgumentException("a name expected at " + start + " of " + text);
            }
            return text.substring(start, at);
        }

        boolean accept(String token) {
            if (text.startsWith(token, at)) {
                at += token.length();
                return true;
            }
            return false;
        }

        void expect(String token) {
            if (!accept(token)) {
                throw new IllegalArgumentException("'" + token + "' expected at " + at + " of " + text);
            }
        }
    }
}
