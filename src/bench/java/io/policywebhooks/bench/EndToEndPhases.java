package io.policywebhooks.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongFunction;
import java.util.function.Predicate;

import io.policywebhooks.bench.EndToEndLoad.Sample;
import io.policywebhooks.bench.Measures.Stats;

/** {@link EndToEndLoad}'s phases: each bounded run of one operation, timed, printed, and kept for the report. */
final class EndToEndPhases {
    /** One bounded run of one kind of operation at one concurrency. */
    record Phase(String kind, String label, int concurrency, int round, List<Sample> samples, double wallSeconds) {
        long errors() {
            return samples.stream().filter(s -> !s.ok()).count();
        }

        double throughput() {
            return samples.size() / wallSeconds;
        }

        Stats latency() {
            return Stats.ofNanos(samples.stream().filter(Sample::ok).mapToLong(Sample::nanos).toArray());
        }
    }

    private final List<Phase> phases = new ArrayList<>();

    /**
     * Runs {@code operation} on {@code concurrency} threads, each in a closed loop, until {@code seconds} have
     * passed or {@code max} operations were started, whichever comes first.
     */
    Phase run(String kind, String label, int concurrency, int round, int seconds, int max,
            LongFunction<Sample> operation) throws InterruptedException {
        ConcurrentLinkedQueue<Sample> samples = new ConcurrentLinkedQueue<>();
        AtomicLong started = new AtomicLong();
        CountDownLatch go = new CountDownLatch(1);
        long[] deadline = new long[1];
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < concurrency; i++) {
            Thread thread = new Thread(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    return;
                }
                while (System.nanoTime() < deadline[0]) {
                    long n = started.getAndIncrement();
                    if (n >= max) {
                        break;
                    }
                    samples.add(operation.apply(n));
                }
            }, kind + "-" + concurrency + "-" + i);
            threads.add(thread);
            thread.start();
        }
        long start = System.nanoTime();
        deadline[0] = start + Duration.ofSeconds(seconds).toNanos();
        go.countDown();
        for (Thread thread : threads) {
            thread.join();
        }
        double wall = (System.nanoTime() - start) / 1e9;
        Phase phase = new Phase(kind, label, concurrency, round, new ArrayList<>(samples), wall);
        phases.add(phase);
        System.out.printf(Locale.ROOT, "%-9s %-7s round %d c=%-2d  %6d ops in %5.1f s = %7.1f/s  errors %d  %s%n",
                kind, label, round, concurrency, phase.samples().size(), wall, phase.throughput(), phase.errors(),
                phase.latency());
        phase.samples().stream().filter(s -> !s.ok()).limit(3)
                .forEach(s -> System.out.println("    error: " + s.error()));
        return phase;
    }

    /** The measured phase of {@code kind} at {@code level} in {@code round}. */
    Phase measured(String kind, int level, int round) {
        return phases.stream().filter(p -> p.kind().equals(kind) && p.label().equals("measure")
                && p.concurrency() == level && p.round() == round).findFirst().orElseThrow();
    }

    /** The probes, in the order they ran. */
    List<Phase> probes() {
        return phases.stream().filter(p -> p.label().equals("probe")).toList();
    }

    /** Every sample of the phases (warm-ups included) whose kind is one of {@code kinds}. */
    List<Sample> samples(Predicate<String> kinds) {
        return phases.stream().filter(p -> kinds.test(p.kind())).flatMap(p -> p.samples().stream()).toList();
    }
}
