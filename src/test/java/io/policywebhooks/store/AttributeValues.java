package io.policywebhooks.store;

import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** Short forms for building items in tests. */
public final class AttributeValues {
    private AttributeValues() {
    }

    /** A string attribute value. */
    public static AttributeValue s(String value) {
        return AttributeValue.fromS(value);
    }
}
