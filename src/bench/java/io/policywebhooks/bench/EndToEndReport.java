package io.policywebhooks.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.UnaryOperator;

import io.policywebhooks.bench.EndToEndChecks.MinimalCheck;
import io.policywebhooks.bench.EndToEndLoad.Options;
import io.policywebhooks.bench.EndToEndLoad.Sample;
import io.policywebhooks.bench.EndToEndLoad.Verification;
import io.policywebhooks.bench.EndToEndPhases.Phase;
import io.policywebhooks.bench.Measures.Stats;

/**
 * {@link EndToEndLoad}'s report of one artifact: the probes, each round and the medians over the rounds of the
 * receiver against the bare writes (section 2) and against the minimal function (section 2a), what was stored, and
 * the same as JSON under target/bench.
 */
record EndToEndReport(Options options, Path nativeExecutable, EndToEndPhases phases) {
    /** Per-level columns of the receiver-vs-bare rows (throughput, latencies, ratio, in-process, errors, counts). */
    private static final int BARE_COLUMNS = 16;
    /** Per-level columns of the receiver-vs-minimal rows (throughput, latencies, ratios, in-process, errors). */
    private static final int MINIMAL_COLUMNS = 15;
    /** A row of either medians table: the level, 13 medians, the errors of each side over the rounds. */
    private static final String MEDIANS_ROW = "| %d | %.0f | %.2f | %.2f | %.2f | %.0f | %.2f | %.2f | %.2f | **%.2f** "
            + "| %.2f | %.2f | %.2f | %.2f | %.0f / %.0f |";

    /** Section 2: the receiver against the bare writes; the rows of its medians table are returned. */
    List<String> receiverVsBare(Map<String, Double> inProcess, String functionOutput, Verification v)
            throws Exception {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("machine", Measures.machine());
        json.put("options", options.toString());
        json.put("artifact", nativeExecutable == null ? "jvm" : "native " + nativeExecutable);
        printProbes(json);
        Map<Integer, List<double[]>> perLevel = printRoundsVsBare(inProcess, json);
        List<String> medians = printMediansVsBare(perLevel);
        printRejectedInProcess(functionOutput, json);
        printExactlyOnce(v);
        json.put("verification", v);

        Path out = Path.of("target", "bench", "end-to-end-" + System.currentTimeMillis() + ".json");
        Files.createDirectories(out.getParent());
        LoadRequests.JSON.writerWithDefaultPrettyPrinter().writeValue(out.toFile(), json);
        System.out.println("results: " + out.toAbsolutePath());
        return medians;
    }

    private void printProbes(Map<String, Object> json) {
        System.out.println();
        System.out.println("## Probes at concurrency 1 (after warm-up)");
        for (Phase p : phases.probes()) {
            System.out.printf(Locale.ROOT, "%-10s %s%n", p.kind(), p.latency());
            json.put(p.kind(), p.latency().toMap());
        }
    }

    /** Prints each round; returns each level's rows (of {@link #BARE_COLUMNS}) and puts the rounds in {@code json}. */
    private Map<Integer, List<double[]>> printRoundsVsBare(Map<String, Double> inProcess, Map<String, Object> json) {
        System.out.println();
        System.out.println("## Per round");
        List<Map<String, Object>> rows = new ArrayList<>();
        Map<Integer, List<double[]>> perLevel = eachRound("bare", (round, level, receiver, bare) -> {
            Stats r = receiver.latency();
            Stats b = bare.latency();
            Stats in = inProcess(receiver, inProcess);
            double ratio = r.p50() / b.p50();
            System.out.printf(Locale.ROOT,
                    "round %d c=%-2d receiver %7.1f/s err %d p50 %6.2f p90 %6.2f p99 %6.2f | bare %7.1f/s err %d "
                            + "p50 %5.2f p90 %5.2f p99 %5.2f | ratio p50 %.2f | in-process p50 %5.2f p90 %5.2f "
                            + "p99 %5.2f (n=%d)%n",
                    round, level, receiver.throughput(), receiver.errors(), r.p50(), r.p90(), r.p99(),
                    bare.throughput(), bare.errors(), b.p50(), b.p90(), b.p99(), ratio, in.p50(), in.p90(),
                    in.p99(), in.n());
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("round", round);
            row.put("concurrency", level);
            row.put("receiver_throughput", receiver.throughput());
            row.put("receiver_errors", receiver.errors());
            row.put("receiver", r.toMap());
            row.put("bare_throughput", bare.throughput());
            row.put("bare_errors", bare.errors());
            row.put("bare", b.toMap());
            row.put("ratio_p50", ratio);
            row.put("in_process", in.toMap());
            rows.add(row);
            return new double[] {receiver.throughput(), r.p50(), r.p90(), r.p99(), bare.throughput(), b.p50(),
                    b.p90(), b.p99(), ratio, in.p50(), in.p90(), in.p99(), receiver.errors(), bare.errors(), r.n(),
                    b.n()};
        });
        json.put("rounds", rows);
        return perLevel;
    }

    private List<String> printMediansVsBare(Map<Integer, List<double[]>> perLevel) {
        return printMedians(" (ms; throughput in requests or write pairs/s)",
                "| c | receiver req/s | receiver p50 | p90 | p99 | bare pairs/s | bare p50 | p90 | p99 | p50 ratio "
                        + "| in-process p50 | p90 | p99 | e2e p50 − in-process p50 | errors (receiver/bare) |",
                perLevel, BARE_COLUMNS, m -> {
                    double[] shown = Arrays.copyOf(m, 13);
                    shown[12] = m[1] - m[9]; // e2e p50 − in-process p50
                    return shown;
                }, 12);
    }

    /** Only the 401 probes log "rejected" (its 3 s warm-up included: with several instances the logs interleave). */
    private static void printRejectedInProcess(String functionOutput, Map<String, Object> json) {
        List<Double> rejected = LoadRequests.requestDurations(functionOutput, "rejected");
        if (!rejected.isEmpty()) {
            Stats in401 = Stats.of(rejected.stream().mapToDouble(Double::doubleValue).toArray());
            System.out.println("in-process time of the 401 probe and its warm-up (WebhookService.receive, "
                    + "verification only): " + in401);
            json.put("probe-401_in_process", in401.toMap());
        }
    }

    private static void printExactlyOnce(Verification v) {
        System.out.println();
        System.out.println("## Exactly once");
        System.out.printf(Locale.ROOT,
                "receiver: %d answered 200 (%d distinct event ids; %d id mismatches; %d answered duplicate=true); "
                        + "%d missing from the table; %d stored with a different raw body; %d policies not carrying "
                        + "their event; %d requests not answered 200, of which %d stored anyway; events table holds "
                        + "%d items (%d beyond the accepted and stored-unacknowledged ones); policies table %d%n",
                v.accepted(), v.distinctIds(), v.idMismatches(), v.duplicatesAnswered(), v.missing(),
                v.bodyMismatches(), v.policyMismatches(), v.notAccepted(), v.storedUnacknowledged(),
                v.eventsInTable(), v.extra(), v.policiesInTable());
        System.out.printf(Locale.ROOT, "bare baseline: %d successful write pairs, %d items in its events table%n",
                v.bareOk(), v.bareInTable());
        System.out.println(v.exactlyOnce() ? "EXACTLY ONCE: yes (zero lost, zero duplicated, nothing else stored)"
                : "EXACTLY ONCE: NO");
    }

    /** Section 2a: the receiver against the minimal function, per round and as medians; their rows are returned. */
    List<String> receiverVsMinimal(Map<String, Double> inProcess, Map<String, Double> minimalInProcess,
            MinimalCheck check, String sameItems) {
        System.out.println();
        System.out.println("## Receiver vs minimal function (plain RequestHandler, same runtime client, same writes)");
        Map<Integer, List<double[]>> perLevel = eachRound("minimal", (round, level, receiver, minimal) -> {
            Stats r = receiver.latency();
            Stats m = minimal.latency();
            Stats rIn = inProcess(receiver, inProcess);
            Stats mIn = inProcess(minimal, minimalInProcess);
            System.out.printf(Locale.ROOT,
                    "round %d c=%-2d receiver %7.1f/s err %d p50 %6.2f p90 %6.2f p99 %6.2f | minimal %7.1f/s err %d "
                            + "p50 %6.2f p90 %6.2f p99 %6.2f | ratio p50 %.2f p90 %.2f p99 %.2f | in-process "
                            + "p50 receiver %5.2f minimal %5.2f%n",
                    round, level, receiver.throughput(), receiver.errors(), r.p50(), r.p90(), r.p99(),
                    minimal.throughput(), minimal.errors(), m.p50(), m.p90(), m.p99(), r.p50() / m.p50(),
                    r.p90() / m.p90(), r.p99() / m.p99(), rIn.p50(), mIn.p50());
            return new double[] {receiver.throughput(), r.p50(), r.p90(), r.p99(), minimal.throughput(), m.p50(),
                    m.p90(), m.p99(), r.p50() / m.p50(), r.p90() / m.p90(), r.p99() / m.p99(), rIn.p50(), mIn.p50(),
                    receiver.errors(), minimal.errors()};
        });
        List<String> rows = printMediansVsMinimal(perLevel).stream().map(row -> "vs minimal " + row).toList();
        System.out.printf(Locale.ROOT, "minimal function: %d answered 200 (%d distinct event ids); %d missing from its "
                + "table; %d stored with a different raw body; %d policies not carrying their event; %d not "
                + "answered 200; its events table holds %d items%n", check.accepted(), check.distinctIds(),
                check.missing(), check.bodyMismatches(), check.policyMismatches(), check.notAccepted(),
                check.eventsInTable());
        System.out.println(check.exactlyOnce() ? "MINIMAL EXACTLY ONCE: yes" : "MINIMAL EXACTLY ONCE: NO");
        System.out.println("same event to both (one per provider), stored items but for receipt times: " + sameItems);
        return rows;
    }

    private List<String> printMediansVsMinimal(Map<Integer, List<double[]>> perLevel) {
        return printMedians(": receiver vs minimal function (ms)",
                "| c | receiver req/s | receiver p50 | p90 | p99 | minimal req/s | minimal p50 | p90 | p99 | p50 ratio "
                        + "| p90 ratio | p99 ratio | in-process p50 receiver | minimal | errors (receiver/minimal) |",
                perLevel, MINIMAL_COLUMNS, m -> Arrays.copyOf(m, 13), 13);
    }

    /**
     * Prints a table of medians over the rounds, one row per level: {@code shown} of the columns' medians (13
     * values), then the errors summed over the rounds, in {@code errorColumn} and the next; returns the rows.
     */
    private List<String> printMedians(String title, String header, Map<Integer, List<double[]>> perLevel,
            int columns, UnaryOperator<double[]> shown, int errorColumn) {
        System.out.println();
        System.out.println("## Median over " + options.rounds() + " rounds" + title);
        System.out.println(header);
        System.out.println("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
        List<String> rows = new ArrayList<>();
        for (var entry : perLevel.entrySet()) {
            List<Object> values = new ArrayList<>();
            values.add(entry.getKey());
            for (double median : shown.apply(medians(entry.getValue(), columns))) {
                values.add(median);
            }
            values.add(sum(entry.getValue(), errorColumn));
            values.add(sum(entry.getValue(), errorColumn + 1));
            String row = String.format(Locale.ROOT, MEDIANS_ROW, values.toArray());
            System.out.println(row);
            rows.add(row);
        }
        return rows;
    }

    /** One measured round at one level, the receiver's phase beside the other kind's, as a row of a medians table. */
    private interface Round {
        double[] report(int round, int level, Phase receiver, Phase other);
    }

    /** Every round at every level, receiver beside {@code other}, in that order; returns each level's rows. */
    private Map<Integer, List<double[]>> eachRound(String other, Round round) {
        Map<Integer, List<double[]>> perLevel = new LinkedHashMap<>();
        for (int r = 1; r <= options.rounds(); r++) {
            for (int level : options.levels()) {
                perLevel.computeIfAbsent(level, k -> new ArrayList<>()).add(round.report(r, level,
                        phases.measured("receiver", level, r), phases.measured(other, level, r)));
            }
        }
        return perLevel;
    }

    /** The in-process times {@code durations} holds for the phase's answered events. */
    private static Stats inProcess(Phase phase, Map<String, Double> durations) {
        return Stats.of(phase.samples().stream().filter(Sample::ok).map(s -> durations.get(s.eventId()))
                .filter(d -> d != null).mapToDouble(Double::doubleValue).toArray());
    }

    /** Each column's median over the rounds. */
    private static double[] medians(List<double[]> rounds, int columns) {
        double[] medians = new double[columns];
        for (int k = 0; k < columns; k++) {
            final int index = k;
            medians[k] = Measures.median(rounds.stream().map(a -> a[index]).toList());
        }
        return medians;
    }

    /** A column's sum over the rounds (the error counts). */
    private static double sum(List<double[]> rounds, int column) {
        return rounds.stream().mapToDouble(a -> a[column]).sum();
    }
}
