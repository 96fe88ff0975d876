package io.policywebhooks.webhook;

import java.time.Clock;
import java.time.Duration;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import io.policywebhooks.store.Tables;
import io.policywebhooks.store.WebhookStore;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClientBuilder;

/** Wires the plain classes (store, clock) into CDI; they hold no CDI code themselves. */
public class Producers {
    /**
     * DynamoDB failure budget. Providers give up after 10 s and retry later, and the Lambda times out at 5 s, so a
     * delivery must fail fast rather than hang: each attempt gets 1 s, a call at most 2 s in all (two writes ≤ 4 s),
     * with the SDK's standard retry strategy (3 attempts, jittered backoff, throttling and 5xx retried).
     */
    static final Duration ATTEMPT_TIMEOUT = Duration.ofSeconds(1);
    static final Duration CALL_TIMEOUT = Duration.ofSeconds(2);
    static final int MAX_ATTEMPTS = 3;

    /** The extension's builder (endpoint, region, credentials, URL-connection HTTP client) with our budget. */
    @Produces
    @Singleton
    DynamoDbClient dynamo(DynamoDbClientBuilder builder) {
        return builder.overrideConfiguration(c -> c
                .apiCallAttemptTimeout(ATTEMPT_TIMEOUT)
                .apiCallTimeout(CALL_TIMEOUT)
                .retryStrategy(AwsRetryStrategy.standardRetryStrategy().toBuilder().maxAttempts(MAX_ATTEMPTS).build()))
                .build();
    }

    @Produces
    @Singleton
    Clock clock() {
        return Clock.systemUTC();
    }

    @Produces
    @Singleton
    Tables.Names tableNames(WebhookConfig config) {
        WebhookConfig.TableNames names = config.tables();
        return new Tables.Names(names.events(), names.policies(), names.assignments());
    }

    @Produces
    @Singleton
    WebhookStore store(DynamoDbClient dynamo, Tables.Names names) {
        return new WebhookStore(dynamo, names);
    }
}
