package io.policywebhooks.webhook;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import io.quarkus.runtime.LaunchMode;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * All configuration, read from the environment variables named in {@code application.properties} (and the
 * README). Secrets have no default in production; {@link #secrets} refuses to start without them.
 */
@ConfigMapping(prefix = "policy-webhooks")
public interface WebhookConfig {

    Ten99Policy ten99policy();

    VerticalInsure verticalInsure();

    TableNames tables();

    /** How far a signed timestamp may be from now, either way. */
    @WithDefault("300")
    long timestampToleranceSeconds();

    /** Larger bodies get 413; the default keeps raw body + parsed map well inside DynamoDB's 400 KB item. */
    @WithDefault("131072")
    int maxBodyBytes();

    interface Ten99Policy {
        /** TEN99POLICY_WEBHOOK_SECRETS, comma-separated. */
        Optional<String> secrets();

        @WithDefault("SHA512")
        String signatureHash();

        @WithDefault("hex")
        String signatureEncoding();
    }

    interface VerticalInsure {
        /** VERTICAL_INSURE_SIGNATURE_KEYS, comma-separated. */
        Optional<String> signatureKeys();
    }

    interface TableNames {
        String events();

        String policies();

        String assignments();
    }

    /**
     * The comma-separated secrets of {@code variable}. Outside production an unset variable falls back to
     * {@code localDefault} so the receiver runs with no setup; in production an unset or empty variable, or one
     * still holding the local default, stops startup with a message naming the variable (never its value).
     */
    static List<String> secrets(String variable, Optional<String> value, String localDefault, LaunchMode mode) {
        boolean production = mode == LaunchMode.NORMAL;
        List<String> secrets = value.stream()
                .flatMap(v -> Arrays.stream(v.split(",")))
                .map(String::trim)
                .filter(s -> !s.isEmpty())
                .toList();
        if (secrets.isEmpty()) {
            if (production) {
                throw new IllegalStateException(variable + " is not set: configure the provider's signing secret "
                        + "(comma-separated for rotation) before starting the receiver");
            }
            return List.of(localDefault);
        }
        if (production && secrets.contains(localDefault)) {
            throw new IllegalStateException(variable + " holds the local development default; set the real "
                    + "signing secret from the provider's dashboard");
        }
        return secrets;
    }
}
