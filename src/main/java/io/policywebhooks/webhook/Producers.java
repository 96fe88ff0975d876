package io.policywebhooks.webhook;

import java.time.Clock;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import io.policywebhooks.store.Schema;
import io.policywebhooks.store.WebhookStore;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClientBuilder;

/** Wires the plain classes (store, clock) into CDI; they hold no CDI code themselves. */
public class Producers {
    /**
     * The extension's builder (endpoint, region, credentials) with the store's whole failure budget: the
     * URL-connection HTTP client's timeouts, and the attempt and call timeouts and retries
     * ({@link WebhookStore#CALL_TIMEOUT}).
     */
    @Produces
    @Singleton
    DynamoDbClient dynamo(DynamoDbClientBuilder builder) {
        return builder.httpClientBuilder(UrlConnectionHttpClient.builder()
                .connectionTimeout(WebhookStore.CONNECTION_TIMEOUT)
                .socketTimeout(WebhookStore.SOCKET_TIMEOUT))
                .overrideConfiguration(c -> c
                .apiCallAttemptTimeout(WebhookStore.ATTEMPT_TIMEOUT)
                .apiCallTimeout(WebhookStore.CALL_TIMEOUT)
                .retryStrategy(AwsRetryStrategy.standardRetryStrategy().toBuilder()
                        .maxAttempts(WebhookStore.MAX_ATTEMPTS).build()))
                .build();
    }

    @Produces
    @Singleton
    Clock clock() {
        return Clock.systemUTC();
    }

    @Produces
    @Singleton
    Schema.TableNames tableNames(WebhookConfig config) {
        return config.tables().names();
    }

    @Produces
    @Singleton
    WebhookStore store(DynamoDbClient dynamo, Schema.TableNames names) {
        return new WebhookStore(dynamo, names);
    }
}
