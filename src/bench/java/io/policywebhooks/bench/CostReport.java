package io.policywebhooks.bench;

import static io.policywebhooks.bench.CostUnits.definitions;
import static io.policywebhooks.bench.CostUnits.percent;
import static io.policywebhooks.bench.CostUnits.tableAgainstDynalite;
import static io.policywebhooks.bench.CostUnits.total;
import static io.policywebhooks.bench.CostUnits.trim;
import static io.policywebhooks.bench.CostUnits.units;
import static io.policywebhooks.bench.CostUnits.withoutPayload;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.policywebhooks.bench.CostPerEvent.Role;
import io.policywebhooks.bench.CostPerEvent.Scenario;
import io.policywebhooks.bench.CostPerEvent.Write;
import io.policywebhooks.bench.CostUnits.TableCheck;
import io.policywebhooks.bench.CostUnits.Totals;
import io.policywebhooks.store.ItemSize;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;

/**
 * What {@link CostPerEvent} prints for BENCHMARKS.md section 5: the units table against dynalite, the what-if without
 * the payload map, dollars per million events next to API Gateway and Lambda, the item sizes; then section 5a
 * ({@link StateEventCost}).
 */
final class CostReport {
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

    private CostReport() {
    }

    static void print(List<Scenario> scenarios) {
        Map<Role, CreateTableRequest> after = definitions(false);
        Map<Role, CreateTableRequest> before = definitions(true);
        Totals withAllProjections = printUnits(scenarios, after, before);
        printWithoutPayload(scenarios, after, withAllProjections);
        printDollars(scenarios, after, before);
        printItemSizes(scenarios);
        StateEventCost.print(scenarios);
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
}
