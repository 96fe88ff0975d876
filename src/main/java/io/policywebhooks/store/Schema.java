package io.policywebhooks.store;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

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
 * The schema of the three tables: their keys, indexes and the names of the attributes the shared code writes (a
 * provider's own attributes are named in its package). {@code template.yaml} declares the same tables for AWS;
 * {@code TemplateTablesTest} proves the two agree, and local DynamoDB is created from {@link #all}.
 */
public final class Schema {
    private Schema() {
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
    /** Why a field the mapping needs (e.g. the event time) could not be read; the event is stored anyway. */
    public static final String PARSE_NOTE = "parse_note";
    /** Accepted deliveries of this event: 1 when first stored, +1 on every redelivery. */
    public static final String DELIVERIES = "deliveries";
    public static final String LAST_RECEIVED_AT = "last_received_at";
    /**
     * The ids of the deliveries counted in {@link #DELIVERIES} (a string set: the Lambda request id of each, or a
     * random id outside Lambda), so a write the SDK retried after a lost answer is not counted again.
     */
    public static final String DELIVERY_IDS = "delivery_ids";
    /**
     * One object's history (analysts' question 2). Projects what the history lists ({@link #EVENTS_BY_OBJECT_ATTRIBUTES})
     * and never the body: the full event is a GetItem/BatchGetItem by {@code event_id} (docs/queries.md).
     */
    public static final String EVENTS_BY_OBJECT = "object_id-received_at-include";
    /** Events of a type in a period (question 4): keys only, the count needs nothing else. */
    public static final String EVENTS_BY_TYPE = "type-received_at-keys";

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
    /** The delivery whose write the state reflects (its Lambda request id), so a retried write knows its own. */
    public static final String LAST_DELIVERY_ID = "last_delivery_id";
    /**
     * The provider's version of the object, when it sends one. Part of the ordering guard: it decides when both the
     * stored state and the incoming event carry one.
     */
    public static final String VERSION = "version";
    // State attributes the indexes project (each provider fills them in where its events carry them; a provider's
    // other attributes are named in its own package)
    public static final String POLICY = "policy";
    public static final String EFFECTIVE_DATE = "effective_date";
    public static final String EXPIRATION_DATE = "expiration_date";
    public static final String END_DATE = "end_date";
    public static final String UPDATED_AT = "updated_at";
    /** Policies in a status (question 1), with what that list shows ({@link #POLICIES_BY_STATUS_ATTRIBUTES}). */
    public static final String POLICIES_BY_STATUS = "status-policy_id-include";
    /** A contractor's assignments and their coverage (question 3): {@link #ASSIGNMENTS_BY_CONTRACTOR_ATTRIBUTES}. */
    public static final String ASSIGNMENTS_BY_CONTRACTOR = "contractor-assignment_id-include";
    /** A job's assignments: no documented question reads more than their ids, so keys only. */
    public static final String ASSIGNMENTS_BY_JOB = "job-assignment_id-keys";

    /*
     * What each index projects besides the keys (docs/queries.md, "What the indexes hold", has the reasoning). Every
     * attribute an index holds is written again on every change of it, so the indexes hold only small attributes the
     * documented queries list or filter on, and none that changes on every delivery (deliveries, last_received_at,
     * last_event_*, updated_at): a redelivery or a state write that changes none of them writes no index at all.
     * Index names end in the projection because DynamoDB cannot change a projection in place (docs/operations.md, "Upgrading an existing stack").
     */
    public static final List<String> EVENTS_BY_OBJECT_ATTRIBUTES = List.of(PROVIDER_ATTRIBUTE, TYPE, CREATED_AT);
    public static final List<String> POLICIES_BY_STATUS_ATTRIBUTES = List.of(PROVIDER_ATTRIBUTE, CONTRACTOR,
            EFFECTIVE_DATE, EXPIRATION_DATE);
    public static final List<String> ASSIGNMENTS_BY_CONTRACTOR_ATTRIBUTES = List.of(STATUS, JOB, POLICY,
            EFFECTIVE_DATE, END_DATE);

    /** Table names, from EVENTS_TABLE, POLICIES_TABLE and ASSIGNMENTS_TABLE. */
    public record TableNames(String events, String policies, String assignments) {
        /** The table holding states of {@code kind}. */
        public String of(StateUpdate.Kind kind) {
            return kind == StateUpdate.Kind.POLICY ? policies : assignments;
        }
    }

    /** The key attribute of the table holding states of {@code kind}. */
    public static String keyName(StateUpdate.Kind kind) {
        return kind == StateUpdate.Kind.POLICY ? POLICY_ID : ASSIGNMENT_ID;
    }

    private static final GlobalSecondaryIndex[] EVENTS_INDEXES = {
        index(EVENTS_BY_OBJECT, OBJECT_ID, RECEIVED_AT, include(EVENTS_BY_OBJECT_ATTRIBUTES)),
        index(EVENTS_BY_TYPE, TYPE, RECEIVED_AT, keysOnly())};
    private static final GlobalSecondaryIndex[] POLICIES_INDEXES = {
        index(POLICIES_BY_STATUS, STATUS, POLICY_ID, include(POLICIES_BY_STATUS_ATTRIBUTES))};
    private static final GlobalSecondaryIndex[] ASSIGNMENTS_INDEXES = {
        index(ASSIGNMENTS_BY_CONTRACTOR, CONTRACTOR, ASSIGNMENT_ID, include(ASSIGNMENTS_BY_CONTRACTOR_ATTRIBUTES)),
        index(ASSIGNMENTS_BY_JOB, JOB, ASSIGNMENT_ID, keysOnly())};

    public static List<CreateTableRequest> all(TableNames names) {
        return List.of(
                table(names.events(), EVENT_ID, EVENTS_INDEXES),
                table(names.policies(), POLICY_ID, POLICIES_INDEXES),
                table(names.assignments(), ASSIGNMENT_ID, ASSIGNMENTS_INDEXES));
    }

    /**
     * Every key attribute of a table and its indexes, with the most UTF-8 bytes DynamoDB accepts for it (a
     * partition key 2,048, a sort key 1,024; the smaller where an attribute is both). A write with such an
     * attribute empty or longer is refused whole, so the store checks these before writing.
     */
    static final Map<String, Integer> EVENT_KEY_LIMITS = keyLimits(EVENT_ID, EVENTS_INDEXES);
    static final Map<String, Integer> POLICY_KEY_LIMITS = keyLimits(POLICY_ID, POLICIES_INDEXES);
    static final Map<String, Integer> ASSIGNMENT_KEY_LIMITS = keyLimits(ASSIGNMENT_ID, ASSIGNMENTS_INDEXES);

    private static Map<String, Integer> keyLimits(String hashKey, GlobalSecondaryIndex... indexes) {
        Map<String, Integer> limits = new HashMap<>();
        limits.put(hashKey, DynamoLimits.MAX_PARTITION_KEY_BYTES);
        for (GlobalSecondaryIndex index : indexes) {
            for (KeySchemaElement key : index.keySchema()) {
                int limit = key.keyType() == KeyType.HASH
                        ? DynamoLimits.MAX_PARTITION_KEY_BYTES
                        : DynamoLimits.MAX_SORT_KEY_BYTES;
                limits.merge(key.attributeName(), limit, Math::min);
            }
        }
        return limits;
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

    private static GlobalSecondaryIndex index(String name, String hashKey, String rangeKey, Projection projection) {
        return GlobalSecondaryIndex.builder()
                .indexName(name)
                .keySchema(KeySchemaElement.builder().attributeName(hashKey).keyType(KeyType.HASH).build(),
                        KeySchemaElement.builder().attributeName(rangeKey).keyType(KeyType.RANGE).build())
                .projection(projection)
                .build();
    }

    private static Projection include(List<String> nonKeyAttributes) {
        return Projection.builder().projectionType(ProjectionType.INCLUDE).nonKeyAttributes(nonKeyAttributes).build();
    }

    private static Projection keysOnly() {
        return Projection.builder().projectionType(ProjectionType.KEYS_ONLY).build();
    }
}
