package io.policywebhooks.analytics;

import static io.policywebhooks.Webhooks.post;
import static io.policywebhooks.Webhooks.sample;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.policywebhooks.verticalinsure.VerticalInsureEvents;
import io.policywebhooks.ten99policy.Ten99PolicyEvents;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.policywebhooks.DynaliteResource;
import io.policywebhooks.deploy.TemplateYaml;
import io.policywebhooks.store.Schema;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The data the Athena tests query, made once for all of them: DuckDB over local DynamoDB exports of what the
 * documented samples leave in dynalite.
 *
 * <p>The data: the providers' samples (src/test/resources/samples) with this run's ids and times, posted signed
 * through the Lambda HTTP path: policies active, expired, cancelled last month and cancelled this month;
 * assignments covered, under a cancelled or an expired policy, cancelled, not started yet and without a policy;
 * redeliveries. The tables are then scanned (only this run's items: dynalite is shared by all tests) and written
 * as DynamoDB full exports ({@link LocalExport}). The DuckDB tables are views derived from the template's Glue
 * tables ({@link GlueTables}): same names, same column types, over every file under the location Athena reads.
 * Where DuckDB lacks an Athena function, a macro with Athena's name stands in ({@link #ATHENA_FUNCTIONS}).
 *
 * <p>Seeding posts through the running application, so it is made on the first test that asks ({@link #get}), and
 * the exports are removed when the JVM ends, after every class that reads them.
 */
final class AthenaData {
    /** DuckDB stand-ins for Athena (Trino) functions it does not have, with Athena's meaning for the stored forms. */
    static final List<String> ATHENA_FUNCTIONS = List.of(
            // ISO-8601 with a zone (Z) or a bare date; the session zone (UTC, as Athena's) for a bare one.
            "CREATE MACRO from_iso8601_timestamp(s) AS CAST(s AS TIMESTAMPTZ)");
    static final Set<String> CHECKED = Set.of("active-policies-per-provider", "cancelled-last-month",
            "contractors-without-coverage", "deliveries-per-provider-per-day", "active-policies", "policy-history",
            "contractor-assignments", "events-per-type-this-week", "deliveries-per-type");
    /** Set (-Danalytics.keepExport=true) to keep the local exports for a look (BENCHMARKS.md section 5, "Analytics"). */
    static final String KEEP_EXPORT = "analytics.keepExport";
    static final ObjectMapper JSON = new ObjectMapper();
    static final String T99 = "1099policy";
    static final String VI = "vertical-insure";

    final String run = UUID.randomUUID().toString().replace("-", "").substring(0, 10);
    final String activePolicy = "pl_act" + run;
    final String expiredPolicy = "pl_exp" + run;
    final String cancelledLastMonth = "pl_clm" + run;
    final String cancelledThisMonth = "pl_ctm" + run;
    final String viActive = "vi-act-" + run;
    final String viCancelled = "vi-can-" + run;
    final String contractor1 = "cn_one" + run;
    final String contractor2 = "cn_two" + run;
    final String covered = "an_cov" + run;
    final String underCancelledPolicy = "an_upc" + run;
    final String underExpiredPolicy = "an_upe" + run;
    final String cancelledAssignment = "an_can" + run;
    final String futureAssignment = "an_fut" + run;
    final String withoutPolicy = "an_nop" + run;

    Instant now;
    Instant cancelledAt;
    Path bucket;
    Map<String, GlueTables.Table> glue;
    Map<String, List<Map<String, AttributeValue>>> items;
    Map<String, LocalExport.Written> exports;
    Connection duck;

    private static AthenaData current;

    private AthenaData() {
    }

    /** The seeded data, made on the first call; RestAssured knows the application's port only from a test on. */
    static synchronized AthenaData get() throws Exception {
        if (current == null) {
            AthenaData data = new AthenaData();
            data.seedExportAndOpenDuckDb();
            Runtime.getRuntime().addShutdownHook(new Thread(data::closeQuietly));
            current = data;
        }
        return current;
    }

    private void seedExportAndOpenDuckDb() throws Exception {
        seed();
        glue = GlueTables.fromTemplate(TemplateYaml.read());
        items = scanThisRun();
        bucket = Files.createTempDirectory("analytics-bucket");
        exports = new TreeMap<>();
        for (GlueTables.Table table : glue.values()) {
            exports.put(table.name(), LocalExport.write(bucket, table.exportPrefix(),
                    "arn:aws:dynamodb:us-east-1:123456789012:table/policy-webhooks-" + table.name(),
                    items.get(table.name()), Instant.now()));
        }
        duck = DriverManager.getConnection("jdbc:duckdb:");
        execute("SET TimeZone = 'UTC'");
        ATHENA_FUNCTIONS.forEach(this::execute);
        glue.values().forEach(t -> execute(t.duckDbView(exports.get(t.name()).data().toString())));
    }

    private void closeQuietly() {
        try {
            close();
        } catch (Exception e) {
            System.err.println("the local exports in " + bucket + ": " + e);
        }
    }

    private void close() throws Exception {
        if (duck != null) {
            duck.close();
        }
        if (bucket != null && Boolean.getBoolean(KEEP_EXPORT)) {
            System.out.println("the local exports are kept in " + bucket);
        } else if (bucket != null) {
            try (Stream<Path> files = Files.walk(bucket)) {
                for (Path file : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.delete(file);
                }
            }
        }
    }

    // ------------------------------------------------------------------ seeding through the HTTP path

    private void seed() {
        now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        long day = 86_400;
        // The 15th of the previous month (UTC), noon: a policy that had lasted 20 days is cancelled then.
        cancelledAt = LocalDate.ofInstant(now, ZoneOffset.UTC).withDayOfMonth(1).minusMonths(1).plusDays(14)
                .atTime(12, 0).toInstant(ZoneOffset.UTC);
        Instant cancelledEffective = cancelledAt.minusSeconds(20 * day);

        byte[] active = policy("policy.active", activePolicy, now.minusSeconds(10 * day), now.plusSeconds(30 * day),
                now.minusSeconds(600));
        post(Ten99PolicyEvents.PROVIDER, active).statusCode(200);
        post(Ten99PolicyEvents.PROVIDER, active).statusCode(200); // two redeliveries: one event, three deliveries
        post(Ten99PolicyEvents.PROVIDER, active).statusCode(200);
        post(Ten99PolicyEvents.PROVIDER, policy("policy.active", expiredPolicy, now.minusSeconds(400 * day), now.minusSeconds(day),
                now.minusSeconds(600))).statusCode(200);
        post(Ten99PolicyEvents.PROVIDER, policy("policy.active", cancelledLastMonth, cancelledEffective, now.plusSeconds(300 * day),
                cancelledEffective.plusSeconds(3600))).statusCode(200);
        post(Ten99PolicyEvents.PROVIDER, policy("policy.cancelled", cancelledLastMonth, cancelledEffective, now.plusSeconds(300 * day),
                cancelledAt)).statusCode(200);
        post(Ten99PolicyEvents.PROVIDER, policy("policy.active", cancelledThisMonth, now.minusSeconds(5 * day), now.plusSeconds(300 * day),
                now.minusSeconds(60))).statusCode(200);
        post(Ten99PolicyEvents.PROVIDER, policy("policy.cancelled", cancelledThisMonth, now.minusSeconds(5 * day), now.plusSeconds(300 * day),
                now)).statusCode(200);

        Instant started = now.minusSeconds(10 * day);
        Instant ends = now.plusSeconds(30 * day);
        post(Ten99PolicyEvents.PROVIDER, assignment("assignment.active", covered, contractor1, activePolicy, started, ends)).statusCode(200);
        post(Ten99PolicyEvents.PROVIDER, assignment("assignment.active", underCancelledPolicy, contractor1, cancelledLastMonth, started, ends))
                .statusCode(200);
        post(Ten99PolicyEvents.PROVIDER, assignment("assignment.active", futureAssignment, contractor1, activePolicy,
                now.plusSeconds(5 * day), now.plusSeconds(60 * day))).statusCode(200);
        post(Ten99PolicyEvents.PROVIDER, assignment("assignment.active", underExpiredPolicy, contractor2, expiredPolicy, started, ends))
                .statusCode(200);
        post(Ten99PolicyEvents.PROVIDER, assignment("assignment.active", cancelledAssignment, contractor2, activePolicy, started, ends))
                .statusCode(200);
        post(Ten99PolicyEvents.PROVIDER, assignment("assignment.cancelled", cancelledAssignment, contractor2, activePolicy, started, ends))
                .statusCode(200);
        post(Ten99PolicyEvents.PROVIDER, assignment("assignment.active", withoutPolicy, contractor2, null, started, ends)).statusCode(200);

        String expires = LocalDate.ofInstant(now, ZoneOffset.UTC).plusDays(60).toString();
        post(VerticalInsureEvents.PROVIDER, verticalInsure("policy_bind_complete.json", data -> {
            data.put("id", viActive);
            data.put("expiration_date", expires);
        })).statusCode(200);
        post(VerticalInsureEvents.PROVIDER, verticalInsure("policy_canceled.json", data -> data.put("id", viCancelled)))
                .statusCode(200);
        byte[] payout = verticalInsure("payout_report_published.json", data -> { });
        post(VerticalInsureEvents.PROVIDER, payout).statusCode(200);
        post(VerticalInsureEvents.PROVIDER, payout).statusCode(200); // the same notification again: one event, two deliveries
    }

    /** 1099Policy's policy sample with this run's id, dates and event time (epoch seconds, as 1099Policy sends). */
    private byte[] policy(String type, String id, Instant effective, Instant expiration, Instant created) {
        return ten99("1099policy/policy.active.json", type, created, data -> {
            data.put("id", id);
            data.put("effective_date", effective.getEpochSecond());
            data.put("expiration_date", expiration.getEpochSecond());
        });
    }

    private byte[] assignment(String type, String id, String contractor, String policy, Instant effective,
            Instant end) {
        return ten99("1099policy/assignment.active.json", type, now.minusSeconds(type.endsWith("cancelled") ? 0 : 60),
                data -> {
                    data.put("id", id);
                    data.put("contractor", contractor);
                    data.put("job", "jb_" + run);
                    if (policy != null) {
                        data.put("policy", policy);
                    }
                    data.put("effective_date", effective.getEpochSecond());
                    data.put("end_date", end.getEpochSecond());
                });
    }

    private static byte[] ten99(String sample, String type, Instant created, Consumer<ObjectNode> data) {
        ObjectNode json = read(sample);
        json.put("type", type);
        json.put("created", created.getEpochSecond());
        data.accept((ObjectNode) json.get("data"));
        return bytes(json);
    }

    /** A Vertical Insure sample with {@code data} changed, and this run's mark (so its bytes are this run's). */
    private byte[] verticalInsure(String sample, Consumer<ObjectNode> data) {
        ObjectNode json = read("vertical-insure/" + sample);
        json.put("webhook", "https://example.com/hook/" + run);
        if (json.get("data").isObject()) {
            data.accept((ObjectNode) json.get("data"));
        }
        return bytes(json);
    }

    private static ObjectNode read(String sample) {
        try {
            return (ObjectNode) JSON.readTree(sample(sample));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] bytes(JsonNode json) {
        try {
            return JSON.writeValueAsBytes(json);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** This run's items of each table (by Glue name): events by their body, states by their key. */
    private Map<String, List<Map<String, AttributeValue>>> scanThisRun() {
        Map<String, List<Map<String, AttributeValue>>> scanned = new LinkedHashMap<>();
        scanned.put("events", scan(DynaliteResource.TABLES.events(), Schema.RAW_BODY));
        scanned.put("policies", scan(DynaliteResource.TABLES.policies(), Schema.POLICY_ID));
        scanned.put("assignments", scan(DynaliteResource.TABLES.assignments(), Schema.ASSIGNMENT_ID));
        return scanned;
    }

    private List<Map<String, AttributeValue>> scan(String table, String markedAttribute) {
        DynamoDbClient direct = DynaliteResource.client(java.net.URI.create(
                System.getProperty(DynaliteResource.DIRECT_ENDPOINT)));
        try (direct) {
            return direct.scanPaginator(b -> b.tableName(table).consistentRead(true)).items().stream()
                    .filter(item -> item.containsKey(markedAttribute) && item.get(markedAttribute).s() != null
                            && item.get(markedAttribute).s().contains(run))
                    .toList();
        }
    }

    // ------------------------------------------------------------------ DuckDB

    /** Runs the named query's file as it is, with its execution parameters. */
    List<Map<String, Object>> run(String name, String... parameters) {
        String sql = NamedQueries.all().get(name);
        assertTrue(sql != null, "no SQL file for " + name);
        return query(sql, parameters);
    }

    List<Map<String, Object>> query(String sql, String... parameters) {
        try (PreparedStatement statement = duck.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                statement.setString(i + 1, parameters[i]);
            }
            List<Map<String, Object>> rows = new ArrayList<>();
            try (ResultSet result = statement.executeQuery()) {
                int columns = result.getMetaData().getColumnCount();
                while (result.next()) {
                    Map<String, Object> row = new LinkedHashMap<>();
                    for (int c = 1; c <= columns; c++) {
                        Object value = result.getObject(c);
                        // Counts and sums: BIGINT in Athena, BIGINT or HUGEINT in DuckDB.
                        row.put(result.getMetaData().getColumnLabel(c),
                                value instanceof java.math.BigInteger || value instanceof Integer
                                        ? ((Number) value).longValue() : value);
                    }
                    rows.add(row);
                }
            }
            return rows;
        } catch (SQLException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    void execute(String sql) {
        try (Statement statement = duck.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }

    static Map<String, Object> row(Object... pairs) {
        Map<String, Object> row = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            row.put((String) pairs[i], pairs[i + 1]);
        }
        return row;
    }

    static List<Object> column(List<Map<String, Object>> rows, String name) {
        return rows.stream().map(r -> r.get(name)).collect(Collectors.toList());
    }
}
