package io.policywebhooks.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.Select;

/**
 * The AWS CLI's {@code dynamodb} arguments as the SDK request it sends, and its DynamoDB JSON both ways: what lets
 * the analysts' query tests run the commands of {@code docs/queries.md} as written.
 */
final class CliRequests {
    static final ObjectMapper JSON = new ObjectMapper();

    private CliRequests() {
    }

    /** A query command's options ({@link QueriesDoc#options}) as its request, without the start key of a page. */
    static QueryRequest.Builder query(Map<String, String> options, String command) {
        QueryRequest.Builder request = QueryRequest.builder();
        for (Map.Entry<String, String> option : options.entrySet()) {
            String value = option.getValue();
            switch (option.getKey()) {
                case "--table-name" -> request.tableName(value);
                case "--index-name" -> request.indexName(value);
                case "--key-condition-expression" -> request.keyConditionExpression(value);
                case "--filter-expression" -> request.filterExpression(value);
                case "--projection-expression" -> request.projectionExpression(value);
                case "--expression-attribute-names" -> request.expressionAttributeNames(names(value));
                case "--expression-attribute-values" -> request.expressionAttributeValues(attributeMap(value));
                case "--select" -> {
                    Select select = Select.fromValue(value);
                    assertTrue(select != Select.UNKNOWN_TO_SDK_VERSION, "--select " + value);
                    request.select(select);
                }
                case "--query", "--output" -> {
                    // the CLI's own: which part of the answer to print, and how (the request is the same)
                }
                case "--scan-index-forward" -> request.scanIndexForward(true);
                case "--no-scan-index-forward" -> request.scanIndexForward(false);
                default -> fail("option not translated: " + option.getKey() + " in " + command);
            }
        }
        return request;
    }

    /** A batch-get-item's {@code --request-items} JSON: per table, the keys and what to read of them. */
    static Map<String, KeysAndAttributes> requestItems(String json) {
        Map<String, KeysAndAttributes> request = new HashMap<>();
        readJson(json).fields().forEachRemaining(table -> {
            KeysAndAttributes.Builder read = KeysAndAttributes.builder();
            table.getValue().fields().forEachRemaining(field -> {
                switch (field.getKey()) {
                    case "Keys" -> {
                        List<Map<String, AttributeValue>> batchKeys = new ArrayList<>();
                        field.getValue().forEach(k -> batchKeys.add(attributeMap(k.toString())));
                        read.keys(batchKeys);
                    }
                    case "ProjectionExpression" -> read.projectionExpression(field.getValue().asText());
                    case "ExpressionAttributeNames" -> read.expressionAttributeNames(
                            names(field.getValue().toString()));
                    default -> fail("request-items field not translated: " + field.getKey());
                }
            });
            request.put(table.getKey(), read.build());
        });
        return request;
    }

    /** Items as the CLI prints them in DynamoDB JSON ({@code [{"event_id":{"S":"..."}}]}). */
    static String cliJson(List<Map<String, AttributeValue>> items) {
        ArrayNode array = JSON.createArrayNode();
        for (Map<String, AttributeValue> item : items) {
            ObjectNode object = array.addObject();
            item.forEach((name, value) -> {
                assertNotNull(value.s(), "a key that is not a string: " + item);
                object.putObject(name).put("S", value.s());
            });
        }
        return array.toString();
    }

    static Map<String, String> names(String json) {
        Map<String, String> names = new HashMap<>();
        readJson(json).fields().forEachRemaining(e -> names.put(e.getKey(), e.getValue().textValue()));
        return names;
    }

    static Map<String, AttributeValue> attributeMap(String json) {
        Map<String, AttributeValue> map = new HashMap<>();
        readJson(json).fields().forEachRemaining(e -> map.put(e.getKey(), attribute(e.getValue())));
        return map;
    }

    /** DynamoDB JSON as the CLI reads it: {"S": ...}, {"N": ...}, {"BOOL": ...}, {"NULL": true}, {"L"/"M": ...}. */
    static AttributeValue attribute(JsonNode node) {
        assertEquals(1, node.size(), "one type per value: " + node);
        Map.Entry<String, JsonNode> typed = node.fields().next();
        JsonNode v = typed.getValue();
        return switch (typed.getKey()) {
            case "S" -> AttributeValue.fromS(v.textValue());
            case "N" -> AttributeValue.fromN(v.textValue());
            case "BOOL" -> AttributeValue.fromBool(v.booleanValue());
            case "NULL" -> AttributeValue.fromNul(v.booleanValue());
            case "L" -> {
                List<AttributeValue> list = new ArrayList<>();
                v.forEach(e -> list.add(attribute(e)));
                yield AttributeValue.fromL(list);
            }
            case "M" -> {
                Map<String, AttributeValue> map = new HashMap<>();
                v.fields().forEachRemaining(e -> map.put(e.getKey(), attribute(e.getValue())));
                yield AttributeValue.fromM(map);
            }
            default -> throw new AssertionError("attribute type not translated: " + typed.getKey());
        };
    }

    static JsonNode readJson(String json) {
        try {
            JsonNode node = JSON.readTree(json);
            assertTrue(node != null && node.isObject(), "not a JSON object: " + json);
            return node;
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + json, e);
        }
    }
}
