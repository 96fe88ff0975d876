package io.policywebhooks.webhook;

import java.time.Clock;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import io.policywebhooks.store.Tables;
import io.policywebhooks.store.WebhookStore;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** Wires the plain classes (store, clock) into CDI; they hold no CDI code themselves. */
public class Producers {

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
