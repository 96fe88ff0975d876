package io.policywebhooks.store;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.Projection;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;

/**
 * The write request units one PutItem or UpdateItem consumes, on the table and on each global secondary index, from
 * the item before and after the write (DynamoDB developer guide: "DynamoDB read and write operations" and "Global
 * secondary indexes", provisioned throughput considerations for writes):
 * <ul>
 * <li>table: the larger of the item before and after, rounded up to 1 KB; a write whose condition fails writes
 * nothing but still consumes the existing item's size (1 when there is none), and touches no index;</li>
 * <li>index: an entry is the item's projection (the table's and the index's keys, plus the projected attributes); an
 * item without every index key attribute is not in the index (sparse). A new entry costs one write of its size, a
 * removed one one write, a changed index key a delete plus a put, a changed projected attribute one write (of the
 * larger entry), and no change to the entry no write at all.</li>
 * </ul>
 * Used by the cost benchmark (BENCHMARKS.md section 5) with the items dynalite actually held before and after each
 * of the receiver's writes; production does not use it.
 */
public final class WriteCost {
    private WriteCost() {
    }

    /** Key of the table's own units in {@link #units}'s answer. */
    public static final String TABLE = "table";

    /**
     * @param before  the item before the write, null if there was none
     * @param after   the item after the write (equal to {@code before} when the condition failed)
     * @param applied false when the condition failed
     * @return units on the table ({@link #TABLE}) and on each index (by name), in the table's index order
     */
    public static Map<String, Long> units(CreateTableRequest table, Map<String, AttributeValue> before,
            Map<String, AttributeValue> after, boolean applied) {
        Map<String, Long> units = new LinkedHashMap<>();
        if (!applied) {
            units.put(TABLE, before == null ? 1 : ItemSize.writeUnits(ItemSize.bytes(before)));
            table.globalSecondaryIndexes().forEach(index -> units.put(index.indexName(), 0L));
            return units;
        }
        long larger = Math.max(before == null ? 0 : ItemSize.bytes(before), ItemSize.bytes(after));
        units.put(TABLE, ItemSize.writeUnits(larger));
        String tableKey = table.keySchema().get(0).attributeName();
        for (GlobalSecondaryIndex index : table.globalSecondaryIndexes()) {
            Map<String, AttributeValue> old = entry(before, tableKey, index);
            Map<String, AttributeValue> now = entry(after, tableKey, index);
            long cost;
            if (old == null && now == null) {
                cost = 0;
            } else if (old == null) {
                cost = ItemSize.writeUnits(ItemSize.bytes(now));
            } else if (now == null) {
                cost = ItemSize.writeUnits(ItemSize.bytes(old));
            } else if (!sameIndexKey(old, now, index)) {
                cost = ItemSize.writeUnits(ItemSize.bytes(old)) + ItemSize.writeUnits(ItemSize.bytes(now));
            } else if (old.equals(now)) {
                cost = 0;
            } else {
                cost = ItemSize.writeUnits(Math.max(ItemSize.bytes(old), ItemSize.bytes(now)));
            }
            units.put(index.indexName(), cost);
        }
        return units;
    }

    /** The index entry of {@code item}: null when the item is absent or lacks an index key attribute. */
    static Map<String, AttributeValue> entry(Map<String, AttributeValue> item, String tableKey,
            GlobalSecondaryIndex index) {
        if (item == null) {
            return null;
        }
        for (KeySchemaElement key : index.keySchema()) {
            if (!item.containsKey(key.attributeName())) {
                return null;
            }
        }
        Projection projection = index.projection();
        if (projection.projectionType() == ProjectionType.ALL) {
            return item;
        }
        Map<String, AttributeValue> entry = new HashMap<>();
        entry.put(tableKey, item.get(tableKey));
        index.keySchema().forEach(key -> entry.put(key.attributeName(), item.get(key.attributeName())));
        if (projection.projectionType() == ProjectionType.INCLUDE) {
            for (String attribute : projection.nonKeyAttributes()) {
                if (item.containsKey(attribute)) {
                    entry.put(attribute, item.get(attribute));
                }
            }
        }
        return entry;
    }

    private static boolean sameIndexKey(Map<String, AttributeValue> old, Map<String, AttributeValue> now,
            GlobalSecondaryIndex index) {
        return index.keySchema().stream()
                .allMatch(key -> Objects.equals(old.get(key.attributeName()), now.get(key.attributeName())));
    }

    /** The same table with every index projecting ALL: the baseline the projections are measured against. */
    public static CreateTableRequest withAllProjections(CreateTableRequest table) {
        List<GlobalSecondaryIndex> indexes = table.globalSecondaryIndexes().stream()
                .map(index -> index.toBuilder()
                        .projection(Projection.builder().projectionType(ProjectionType.ALL).build()).build())
                .toList();
        return table.toBuilder().globalSecondaryIndexes(indexes).build();
    }
}
