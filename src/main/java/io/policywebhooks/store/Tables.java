package io.policywebhooks.store;

import java.util.ArrayList;
import java.util.List;

import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.Projection;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

/**
 * The three tables: keys, indexes and attribute names. {@code template.yaml} declares the same tables for AWS;
 * {@code TemplateAgreementTest} proves the two agree, and local DynamoDB is created from {@link #all}.
 */
public final class Tables {
    private Tables() {
    }

    // Events table
    public static final String EVENT_ID = "event_id";
    public static final String PROVIDER_ATTRIBUTE = "provider";
    public static final String TYPE = "type";
    public static final String OBJECT_TYPE = "object_type";
    public static final String OBJECT_ID = "object_id";
    public static final String CREATED_AT = "created_at";
    public static final String RECEIVED_AT = "received_at";
    public static final String RAW_BODY = "raw_body";
    /** Set instead of {@link #RAW_BODY} when the body is not valid UTF-8: the exact bytes, as a binary. */
    public static final String RAW_BODY_BYTES = "raw_body_bytes";
    public static final String PAYLOAD = "payload";
    public static final String PARSE_ERROR = "parse_error";
    public static final String IS_TEST = "is_test";
    public static final String EVENTS_BY_OBJECT = "object_id-received_at-index";
    public static final String EVENTS_BY_TYPE = "type-received_at-index";

    // Policies and assignments tables (latest state)
    public static final String POLICY_ID = "policy_id";
    public static final String ASSIGNMENT_ID = "assignment_id";
    public static final String STATUS = "status";
    public static final String CONTRACTOR = "contractor";
    public static final String JOB = "job";
    public static final String LAST_EVENT_TYPE = "last_event_type";
    public static final String LAST_EVENT_ID = "last_event_id";
    public static final String LAST_EVENT_AT = "last_event_at";
    /** The ordering guard: a state write succeeds only when its key sorts after the stored one. */
    public static final String LAST_EVENT_ORDER = "last_event_order";
    public static final String UPDATED_AT = "updated_at";
    public static final String POLICIES_BY_STATUS = "status-policy_id-index";
    public static final String ASSIGNMENTS_BY_CONTRACTOR = "contractor-assignment_id-index";
    public static final String ASSIGNMENTS_BY_JOB = "job-assignment_id-index";

    /** Table names, from EVENTS_TABLE, POLICIES_TABLE and ASSIGNMENTS_TABLE. */
    public record Names(String events, String policies, String assignments) {
    }

    public static List<CreateTableRequest> all(Names names) {
        return List.of(
                table(names.events(), EVENT_ID,
                        index(EVENTS_BY_OBJECT, OBJECT_ID, RECEIVED_AT),
                        index(EVENTS_BY_TYPE, TYPE, RECEIVED_AT)),
                table(names.policies(), POLICY_ID,
                        index(POLICIES_BY_STATUS, STATUS, POLICY_ID)),
                table(names.assignments(), ASSIGNMENT_ID,
                        index(ASSIGNMENTS_BY_CONTRACTOR, CONTRACTOR, ASSIGNMENT_ID),
                        index(ASSIGNMENTS_BY_JOB, JOB, ASSIGNMENT_ID)));
    }

    private static CreateTableRequest table(String name, String hashKey, GlobalSecondaryIndex... indexes) {
        List<String> stringAttributes = new ArrayList<>(List.of(hashKey));
        for (GlobalSecondaryIndex index : indexes) {
            for (KeySchemaElement key : index.keySchema()) {
                if (!stringAttributes.contains(key.attributeName())) {
                    stringAttributes.add(key.attributeName());
                }
            }
        }
        return CreateTableRequest.builder()
                .tableName(name)
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .keySchema(KeySchemaElement.builder().attributeName(hashKey).keyType(KeyType.HASH).build())
                .attributeDefinitions(stringAttributes.stream()
                        .map(a -> AttributeDefinition.builder().attributeName(a)
                                .attributeType(ScalarAttributeType.S).build())
                        .toList())
                .globalSecondaryIndexes(indexes)
                .build();
    }

    private static GlobalSecondaryIndex index(String name, String hashKey, String rangeKey) {
        return GlobalSecondaryIndex.builder()
                .indexName(name)
                .keySchema(KeySchemaElement.builder().attributeName(hashKey).keyType(KeyType.HASH).build(),
                        KeySchemaElement.builder().attributeName(rangeKey).keyType(KeyType.RANGE).build())
                .projection(Projection.builder().projectionType(ProjectionType.ALL).build())
                .build();
    }
}
