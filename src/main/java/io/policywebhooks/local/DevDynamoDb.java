package io.policywebhooks.local;

import java.net.URI;

import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import io.policywebhooks.store.Schema;
import io.quarkus.arc.profile.IfBuildProfile;
import io.quarkus.runtime.StartupEvent;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * Dev mode only ({@code ./mvnw quarkus:dev}): starts dynalite on the configured local endpoint and creates the
 * tables, so the receiver runs with no setup. Removed from the production build.
 */
@IfBuildProfile("dev")
public class DevDynamoDb {
    private static final Logger LOG = Logger.getLogger(DevDynamoDb.class);

    void start(@Observes StartupEvent startup, DynamoDbClient dynamo, Schema.TableNames names,
            @ConfigProperty(name = "quarkus.dynamodb.endpoint-override") URI endpoint) {
        if (LocalDynamoDb.startIfAbsent(endpoint.getPort()) != null) {
            LOG.infof("started local DynamoDB (dynalite) at %s", endpoint);
        }
        LocalDynamoDb.createTables(dynamo, names);
        LOG.infof("tables ready: %s, %s, %s", names.events(), names.policies(), names.assignments());
    }
}
