package io.policywebhooks.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** What the benchmarks measure with: latency percentiles, medians, the machine, its load and a process's memory. */
final class Measures {
    private Measures() {
    }

    /** Latency summary in milliseconds; percentiles by nearest rank. */
    record Stats(int n, double p50, double p90, double p99, double max, double mean) {
        static Stats of(double[] values) {
            if (values.length == 0) {
                return new Stats(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
            }
            double[] sorted = values.clone();
            Arrays.sort(sorted);
            return new Stats(sorted.length, rank(sorted, 50), rank(sorted, 90), rank(sorted, 99),
                    sorted[sorted.length - 1], Arrays.stream(sorted).average().orElse(Double.NaN));
        }

        static Stats ofNanos(long[] nanos) {
            return of(Arrays.stream(nanos).mapToDouble(n -> n / 1e6).toArray());
        }

        private static double rank(double[] sorted, double percentile) {
            int index = (int) Math.ceil(percentile / 100.0 * sorted.length) - 1;
            return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
        }

        Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("n", n);
            m.put("p50_ms", p50);
            m.put("p90_ms", p90);
            m.put("p99_ms", p99);
            m.put("max_ms", max);
            m.put("mean_ms", mean);
            return m;
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "n=%d p50=%.2f p90=%.2f p99=%.2f max=%.2f ms", n, p50, p90, p99, max);
        }
    }

    static double median(List<Double> values) {
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).filter(v -> !Double.isNaN(v)).sorted()
                .toArray();
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int mid = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }

    // ---------------------------------------------------------------- the machine

    static String machine() {
        String cpu = "?";
        String mem = "?";
        try {
            cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                    .findFirst().map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse("?");
            mem = Files.readAllLines(Path.of("/proc/meminfo")).stream().filter(l -> l.startsWith("MemTotal"))
                    .findFirst().map(l -> l.replaceAll("\\s+", " ")).orElse("?");
        } catch (IOException e) {
            // not Linux: leave "?"
        }
        return String.format(Locale.ROOT, "%d CPUs (%s), %s, %s %s (%s), %s %s", Runtime.getRuntime()
                .availableProcessors(), cpu, mem, System.getProperty("java.vm.name"),
                System.getProperty("java.runtime.version"), System.getProperty("java.vm.vendor"),
                System.getProperty("os.name"), System.getProperty("os.version"));
    }

    static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (IOException e) {
            return "?";
        }
    }

    /** Fields of /proc/<pid>/status in kB (VmRSS, VmHWM, RssAnon, RssFile, Threads as a count). */
    static Map<String, Long> procStatus(long pid) {
        Map<String, Long> fields = new LinkedHashMap<>();
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                for (String name : List.of("VmRSS", "VmHWM", "RssAnon", "RssFile", "Threads")) {
                    if (line.startsWith(name + ":")) {
                        fields.put(name, Long.parseLong(line.substring(name.length() + 1).trim().split("\\s+")[0]));
                    }
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot read /proc/" + pid + "/status", e);
        }
        return fields;
    }
}
