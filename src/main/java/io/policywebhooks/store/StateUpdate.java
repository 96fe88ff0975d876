package io.policywebhooks.store;

import java.util.Map;

import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The latest state of one policy or assignment, carried by one event.
 *
 * @param kind       which table
 * @param id         the item's key value ({@code policy_id} or {@code assignment_id})
 * @param orderKey   sorts after the key of every event that is older; the write happens only if it does
 * @param attributes the attributes to set (key, guard and {@code updated_at} excluded)
 */
public record StateUpdate(Kind kind, String id, String orderKey, Map<String, AttributeValue> attributes) {
    public enum Kind {
        POLICY, ASSIGNMENT
    }
}
