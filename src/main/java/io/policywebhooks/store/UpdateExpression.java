package io.policywebhooks.store;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * An {@code UpdateItem}'s expression: {@code SET} each attribute given, {@code REMOVE} each name given, every name
 * and value behind a placeholder (an attribute may be named by a reserved word, or hold any character), plus the
 * placeholders of the write's condition.
 */
final class UpdateExpression {
    private final String expression;
    private final Map<String, String> names = new HashMap<>();
    private final Map<String, AttributeValue> values = new HashMap<>();

    /** @param set in the order given; {@code remove} after it */
    UpdateExpression(Map<String, AttributeValue> set, List<String> remove) {
        List<String> sets = new ArrayList<>();
        set.forEach((name, value) -> {
            int i = names.size();
            names.put("#a" + i, name);
            values.put(":v" + i, value);
            sets.add("#a" + i + " = :v" + i);
        });
        List<String> removes = new ArrayList<>();
        for (String name : remove) {
            int i = names.size();
            names.put("#a" + i, name);
            removes.add("#a" + i);
        }
        String setClause = sets.isEmpty() ? "" : "SET " + String.join(", ", sets);
        String removeClause = removes.isEmpty() ? "" : "REMOVE " + String.join(", ", removes);
        this.expression = setClause.isEmpty() || removeClause.isEmpty() ? setClause + removeClause
                : setClause + " " + removeClause;
    }

    /** A name placeholder of the condition ({@code #…}; the expression's own are {@code #a<n>}). */
    UpdateExpression name(String placeholder, String attribute) {
        names.put(placeholder, attribute);
        return this;
    }

    /** A value placeholder of the condition ({@code :…}; the expression's own are {@code :v<n>}). */
    UpdateExpression value(String placeholder, AttributeValue value) {
        values.put(placeholder, value);
        return this;
    }

    String expression() {
        return expression;
    }

    Map<String, String> names() {
        return names;
    }

    /** Null when there are none: DynamoDB refuses an empty map. */
    Map<String, AttributeValue> values() {
        return values.isEmpty() ? null : values;
    }
}
