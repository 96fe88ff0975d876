package io.policywebhooks.bench;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.policywebhooks.bench.CostPerEvent.Role;
import io.policywebhooks.bench.CostPerEvent.Scenario;
import io.policywebhooks.bench.CostPerEvent.Write;
import io.policywebhooks.store.Schema;
import io.policywebhooks.store.WriteCost;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;

/**
 * The write request units of {@link CostPerEvent}'s scenarios by {@link WriteCost}, per table and index, with the
 * projections of {@link Schema} or with every index projecting ALL, and the sums the report prints.
 */
final class CostUnits {
    private CostUnits() {
    }

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
