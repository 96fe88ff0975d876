package io.policywebhooks.it;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Every check of {@link PackagedLambdaIT} on the native executable ({@link NativeExecutable}): deployed as the only
 * file of its folder, named {@code bootstrap}, and executed with no arguments and only the environment Lambda's
 * {@code provided.al2023} runtime would give it ({@code AWS_LAMBDA_RUNTIME_API} and template.yaml's variables), against
 * the same mock Runtime API and dynalite. Skipped, with the reason, when no current native executable was built;
 * never skipped when one is named with {@code -Dpolicywebhooks.native-runner} (CI).
 */
@ExtendWith(PackagedNativeLambdaIT.WhenBuilt.class)
class PackagedNativeLambdaIT extends PackagedLambdaIT {
    @Override
    LambdaArtifact launch(String name, Map<String, String> environment, Duration timeout) throws IOException {
        NativeExecutable executable = NativeExecutable.find();
        if (!executable.found()) {
            throw new IllegalStateException(executable.reason());
        }
        return LambdaArtifact.startNative("native-" + name, executable.path(), environment, timeout);
    }

    /** Runs the class only when there is a native executable to test; otherwise skips it, saying why. */
    static final class WhenBuilt implements ExecutionCondition {
        @Override
        public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
            NativeExecutable executable = NativeExecutable.find();
            if (executable.found()) {
                return ConditionEvaluationResult.enabled(executable.path() + ": " + executable.reason());
            }
            if (context.getTestMethod().isEmpty()) {
                System.out.println("PackagedNativeLambdaIT skipped: " + executable.reason());
            }
            return ConditionEvaluationResult.disabled(executable.reason());
        }
    }
}
