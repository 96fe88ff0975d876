package io.policywebhooks.webhook;

import java.security.SecureRandom;
import java.util.SplittableRandom;

/**
 * A minimal property-based test runner on plain JUnit Jupiter: runs a trial many times, each with its own
 * {@link Gen} drawn from one seeded {@link SplittableRandom}, so a failure is reproducible from the seed alone.
 *
 * <p>The seed is random per run (every run explores new inputs) and printed in every failure. Reproduce with
 * {@code -Dproperty.seed=<seed>}; soak with {@code -Dproperty.tries=<n>} (overrides every property's count).
 *
 * <p>Hand-rolled instead of a property-testing library on purpose: jqwik, the usual JVM choice, carries an
 * "Anti-AI Usage Clause" from 1.10 on (the maintainer asks that it not be used by AI coding agents, which write
 * this project) and only targets JUnit Platform 1.x while Quarkus brings Platform 6. There is no shrinking:
 * the generators are small, and a failure message names the inputs.
 */
public final class PropertyCheck {
    public static final String SEED_PROPERTY = "property.seed";
    public static final String TRIES_PROPERTY = "property.tries";

    @FunctionalInterface
    public interface Trial {
        void run(Gen gen) throws Exception;
    }

    private PropertyCheck() {
    }

    /** Runs {@code trial} {@code tries} times (or {@code -Dproperty.tries}); returns the number of tries run. */
    public static int forAll(int tries, Trial trial) {
        long seed = Long.getLong(SEED_PROPERTY, new SecureRandom().nextLong());
        int count = Integer.getInteger(TRIES_PROPERTY, tries);
        SplittableRandom root = new SplittableRandom(seed);
        for (int i = 0; i < count; i++) {
            Gen gen = new Gen(root.split());
            try {
                trial.run(gen);
            } catch (Throwable t) {
                throw new AssertionError("property falsified at try " + (i + 1) + " of " + count + " (reproduce with -D"
                        + SEED_PROPERTY + "=" + seed + "): " + t.getMessage(), t);
            }
        }
        return count;
    }
}
