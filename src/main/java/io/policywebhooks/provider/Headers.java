package io.policywebhooks.provider;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Request headers with case-insensitive names, one value per name.
 *
 * <p>Values that arrived split (quarkus-amazon-lambda-http splits every header value on commas) are joined back
 * with "," so a verifier sees {@code t=…,v1=…,v1=…} exactly as the provider sent it.
 */
public final class Headers {
    private final Map<String, String> values;

    private Headers(Map<String, String> values) {
        this.values = values;
    }

    public static Headers of(Map<String, String> single) {
        Map<String, String> map = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        single.forEach((name, value) -> {
            if (name != null && value != null) {
                map.put(name, value);
            }
        });
        return new Headers(map);
    }

    public static Headers ofMulti(Map<String, List<String>> multi) {
        Map<String, String> map = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        multi.forEach((name, list) -> {
            if (name != null && list != null && !list.isEmpty()) {
                map.merge(name, String.join(",", list), (a, b) -> a + "," + b);
            }
        });
        return new Headers(map);
    }

    /** The header's value, or null when absent. */
    public String get(String name) {
        return values.get(name);
    }
}
