package io.policywebhooks.webhook;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ErrorAnswersTest {
    /** The log line of an unexpected failure locates it (types, code locations) and never echoes a message. */
    @Test
    void unexpectedFailureIsLoggedWithTypesAndFramesButNoMessage() {
        IllegalStateException failure = new IllegalStateException("secret whsec_abc in a message",
                new NullPointerException("customer jane@example.com"));
        String line = ErrorAnswers.where(failure);
        assertTrue(line.startsWith("java.lang.IllegalStateException at io.policywebhooks.webhook.ErrorAnswersTest."
                + "unexpectedFailureIsLoggedWithTypesAndFramesButNoMessage(ErrorAnswersTest.java:"), line);
        assertTrue(line.contains("; caused by java.lang.NullPointerException at "), line);
        assertFalse(line.contains("whsec_abc") || line.contains("jane@example.com") || line.contains("secret"), line);
    }

    /** A cause chain that loops back on itself still gives one bounded line (not an endless one). */
    @Test
    void aLoopingCauseChainIsFollowedOnce() {
        RuntimeException a = new RuntimeException("a");
        IllegalStateException b = new IllegalStateException("b", a);
        a.initCause(b);
        String line = ErrorAnswers.where(a);
        assertTrue(line.startsWith("java.lang.RuntimeException at "), line);
        assertTrue(line.contains("; caused by java.lang.IllegalStateException at "), line);
        assertFalse(line.contains("; caused by java.lang.RuntimeException"), line);
    }
}
