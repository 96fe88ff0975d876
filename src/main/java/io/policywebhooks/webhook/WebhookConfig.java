package io.policywebhooks.webhook;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URL;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.eclipse.microprofile.config.Config;

import io.policywebhooks.store.Schema;
import io.quarkus.runtime.LaunchMode;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.EnvConfigSource;
import io.smallrye.config.Expressions;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;

/**
 * All configuration but the signing secrets, read from the environment variables named in {@code
 * application.properties}, which holds every default (and the README's configuration table). The secrets are not mapped here: each provider reads its variable by
 * name with {@link #secrets(Config, String, String, LaunchMode)}, literally; they have no default in production,
 * where {@link #secrets} refuses to start without them.
 */
@ConfigMapping(prefix = "policy-webhooks")
public interface WebhookConfig {

    TableNames tables();

    /** How far a signed timestamp may be from now, either way. */
    long timestampToleranceSeconds();

    /** Larger bodies get 413; the default keeps raw body + parsed map well inside DynamoDB's 400 KB item. */
    int maxBodyBytes();

    /**
     * The CloudWatch namespace of the request metrics (EMF in the request log line): two stacks in one account and
     * region keep their metrics apart by setting different ones.
     */
    String metricsNamespace();

    interface TableNames {
        String events();

        String policies();

        String assignments();

        /** The store's form of these names. */
        default Schema.TableNames names() {
            return new Schema.TableNames(events(), policies(), assignments());
        }
    }

    /**
     * The configuration as the function reads it, outside Quarkus (the operator's commands, tests, benchmarks):
     * application.properties under {@code environment}, expressions expanded, with this mapping. Every default is
     * application.properties' own.
     */
    static SmallRyeConfig load(Map<String, String> environment) {
        URL properties = WebhookConfig.class.getClassLoader().getResource("application.properties");
        try {
            return new SmallRyeConfigBuilder().addDefaultInterceptors()
                    .withSources(new PropertiesConfigSource(properties, 250), new EnvConfigSource(environment, 300))
                    .withMapping(WebhookConfig.class).build();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The secrets in environment variable {@code variable}, exactly as set (see {@link #literal}), split on commas;
     * otherwise as {@link #secrets(String, Optional, String, LaunchMode)}.
     */
    static List<String> secrets(Config config, String variable, String localDefault, LaunchMode mode) {
        return secrets(variable, literal(config, variable), localDefault, mode);
    }

    /**
     * The value of {@code name} (an environment variable name resolves through the environment's config source) as
     * set, read with expression expansion off: a secret is random text, and SmallRye would otherwise rewrite it
     * ({@code $$} to {@code $}, {@code k${X:}y} to {@code ky}, {@code ${HOME}} to the home folder, an undefined
     * {@code ${…}} to a startup failure). Empty when unset or empty.
     */
    static Optional<String> literal(Config config, String name) {
        return Expressions.withoutExpansion(() -> config.getOptionalValue(name, String.class));
    }

    /**
     * The comma-separated secrets of {@code variable}, blanks around each dropped (a comma separates rotated
     * secrets, so no secret can hold one). Outside production an unset variable falls back to
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
