package io.policywebhooks.analytics;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/** The analysts' SQL: one file per named query, the file name (without .sql) is the query's name. */
public final class NamedQueries {
    public static final Path DIRECTORY = Path.of("src", "main", "sql", "athena");

    private NamedQueries() {
    }

    /** Every query's SQL by name. */
    public static Map<String, String> all() {
        Map<String, String> queries = new TreeMap<>();
        try (Stream<Path> files = Files.list(DIRECTORY)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".sql")).toList()) {
                String name = file.getFileName().toString();
                queries.put(name.substring(0, name.length() - ".sql".length()),
                        Files.readString(file, StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return queries;
    }
}
