package io.policywebhooks.deploy;

import static io.policywebhooks.deploy.TemplateAgreementTest.asList;
import static io.policywebhooks.deploy.TemplateYaml.resourcesOfType;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * template.yaml's state-change resources (docs/events.md): the streams, the pipes' delivery settings, the pipe
 * role's least privilege, the dead-letter queue and its alarm, the off switch. {@code StateEventPipeTest} checks what the
 * pipes do to records; the alarm's notification is {@code TemplateAgreementTest}'s check of every alarm.
 */
class StateEventsTemplateTest {
    private static final Set<String> STREAM_READS = Set.of("dynamodb:DescribeStream", "dynamodb:GetRecords",
            "dynamodb:GetShardIterator", "dynamodb:ListStreams");
    private static final String ROLE = "StateEventsPipeRole";
    private static final String QUEUE = "StateEventsDeadLetterQueue";
    private static final String BUS = "StateEventBus";

    private static JsonNode template;

    @BeforeAll
    static void readTemplate() throws IOException {
        template = TemplateYaml.read(TemplateYaml.TEMPLATE);
    }

    @Test
    void theStateTablesAlwaysStreamNewAndOldImagesAndTheEventsTableDoesNot() {
        Map<String, JsonNode> tables = resourcesOfType(template, "AWS::DynamoDB::Table");
        Set<String> streamed = new TreeSet<>();
        tables.forEach((id, table) -> {
            JsonNode stream = table.path("Properties").path("StreamSpecification");
            if (!stream.isMissingNode()) {
                // Never conditional: turning a stream off makes the pipe reading it unusable for good.
                assertEquals("NEW_AND_OLD_IMAGES", stream.path("StreamViewType").asText(), id);
                assertEquals(1, stream.size(), id + ": the view type only, no condition");
                streamed.add(id);
            }
        });
        assertEquals(Set.of("PoliciesTable", "AssignmentsTable"), streamed);
        assertEquals(streamed, pipeSources(), "a pipe reads each stream, and only these");
    }

    @Test
    void eachPipeDeliversInOrderRetriesThenDescribesFailuresInTheQueue() {
        resourcesOfType(template, "AWS::Pipes::Pipe").forEach((id, pipe) -> {
            JsonNode props = pipe.path("Properties");
            assertEquals(ROLE, props.path("RoleArn").path("Fn::GetAtt").path(0).asText(), id + " role");
            JsonNode stream = props.path("SourceParameters").path("DynamoDBStreamParameters");
            assertEquals(1, stream.path("ParallelizationFactor").asInt(), id + ": one batch per shard at a time");
            int retries = stream.path("MaximumRetryAttempts").asInt(-1);
            assertTrue(retries >= 1 && retries <= 185, id + ": retried, then given up (-1 never gives up)");
            assertEquals("AUTOMATIC_BISECT", stream.path("OnPartialBatchItemFailure").asText(),
                    id + ": a failing record is split out, the others go on");
            assertEquals("TRIM_HORIZON", stream.path("StartingPosition").asText(),
                    id + ": changes made before the pipe ran are not skipped");
            assertEquals(QUEUE, stream.path("DeadLetterConfig").path("Arn").path("Fn::GetAtt").path(0).asText(),
                    id + " dead-letter queue");
            assertEquals(busArn(), props.path("Target"), id + ": the target is the bus the role may put on");
            assertEquals("RUNNING", props.path("DesiredState").asText(), id);
        });
    }

    @Test
    void thePipeRoleMayReadTheStreamsPutOnTheBusAndSendToTheQueueAndNothingElse() {
        Map<String, JsonNode> roles = resourcesOfType(template, "AWS::IAM::Role");
        JsonNode props = roles.get(ROLE).path("Properties");
        JsonNode trust = props.path("AssumeRolePolicyDocument").path("Statement");
        assertEquals(1, trust.size());
        assertEquals("pipes.amazonaws.com", trust.path(0).path("Principal").path("Service").asText());
        assertEquals("AWS::AccountId",
                trust.path(0).path("Condition").path("StringEquals").path("aws:SourceAccount").path("Ref").asText(),
                "only pipes of this account may assume it");
        assertTrue(props.path("ManagedPolicyArns").isMissingNode(), "no managed policies");

        Map<String, Set<String>> granted = new TreeMap<>();
        for (JsonNode policy : props.path("Policies")) {
            for (JsonNode statement : asList(policy.path("PolicyDocument").path("Statement"))) {
                assertEquals("Allow", statement.path("Effect").asText());
                assertTrue(statement.path("NotAction").isMissingNode() && statement.path("NotResource").isMissingNode());
                for (JsonNode action : asList(statement.path("Action"))) {
                    assertFalse(action.asText().contains("*"), "no wildcard in Action: " + action);
                    for (JsonNode resource : asList(statement.path("Resource"))) {
                        assertFalse(resource.toString().contains("*"), "no wildcard in Resource: " + resource);
                        granted.computeIfAbsent(action.asText(), a -> new TreeSet<>()).add(resource.toString());
                    }
                }
            }
        }
        Map<String, Set<String>> expected = new TreeMap<>();
        for (String read : STREAM_READS) {
            expected.put(read, Set.of(getAtt("PoliciesTable", "StreamArn"), getAtt("AssignmentsTable", "StreamArn")));
        }
        expected.put("events:PutEvents", Set.of(busArn().toString()));
        expected.put("sqs:SendMessage", Set.of(getAtt(QUEUE, "Arn")));
        assertEquals(expected, granted, "the pipe role's actions and their resources");
    }

    @Test
    void theQueueKeepsMessagesTwoWeeksAndItsAlarmFiresOnTheFirst() {
        JsonNode queue = resourcesOfType(template, "AWS::SQS::Queue").get(QUEUE).path("Properties");
        assertEquals(1_209_600, queue.path("MessageRetentionPeriod").asInt(), "SQS's longest retention");
        assertTrue(queue.path("SqsManagedSseEnabled").asBoolean(), "encrypted");

        Map<String, JsonNode> onQueue = new TreeMap<>();
        resourcesOfType(template, "AWS::CloudWatch::Alarm").forEach((id, alarm) -> {
            if (alarm.path("Properties").toString().contains("\"" + QUEUE + "\"")) {
                onQueue.put(id, alarm.path("Properties"));
            }
        });
        assertEquals(1, onQueue.size(), "one alarm on the dead-letter queue");
        JsonNode alarm = onQueue.values().iterator().next();
        assertEquals("AWS/SQS", alarm.path("Namespace").asText());
        assertEquals("ApproximateNumberOfMessagesVisible", alarm.path("MetricName").asText());
        assertEquals("QueueName", alarm.path("Dimensions").path(0).path("Name").asText());
        assertEquals(getAtt(QUEUE, "QueueName"), alarm.path("Dimensions").path(0).path("Value").toString());
        assertEquals(1, alarm.path("Threshold").asInt());
        assertEquals("GreaterThanOrEqualToThreshold", alarm.path("ComparisonOperator").asText());
    }

    @Test
    void oneParameterTurnsItAllOffAndTheBusIsCreatedOnlyWhenNoneIsNamed() {
        JsonNode parameters = template.path("Parameters");
        assertEquals("enabled", parameters.path("StateEvents").path("Default").asText(), "on by default");
        assertEquals("", parameters.path("StateEventBusName").path("Default").asText(), "the stack's own bus");
        JsonNode on = template.path("Conditions").path("StateEventsOn").path("Fn::Equals");
        assertEquals("StateEvents", on.path(0).path("Ref").asText());
        assertEquals("enabled", on.path(1).asText());

        Map<String, String> conditions = new TreeMap<>();
        for (String type : Set.of("AWS::Pipes::Pipe", "AWS::SQS::Queue", "AWS::IAM::Role", "AWS::Events::EventBus")) {
            resourcesOfType(template, type).forEach((id, r) -> {
                if (id.contains("StateEvent")) { // the feature's resources, named for it
                    conditions.put(id, r.path("Condition").asText());
                }
            });
        }
        resourcesOfType(template, "AWS::CloudWatch::Alarm").forEach((id, alarm) -> {
            if (alarm.path("Properties").toString().contains("\"" + QUEUE + "\"")) {
                conditions.put(id, alarm.path("Condition").asText());
            }
        });
        conditions.forEach((id, condition) -> assertEquals(id.equals(BUS) ? "CreateStateEventBus" : "StateEventsOn",
                condition, id + " exists only when StateEvents is enabled"));
        assertEquals(6, conditions.size(), "bus, queue, role, two pipes, alarm: " + conditions.keySet());
        assertTrue(template.path("Conditions").path("CreateStateEventBus").toString().contains("StateEventsOn"));

        JsonNode outputs = template.path("Outputs");
        for (String output : Set.of("StateEventBusName", "StateEventBusArn")) {
            assertEquals("StateEventsOn", outputs.path(output).path("Condition").asText(), output);
        }
        assertEquals(busArn(), outputs.path("StateEventBusArn").path("Value"), "the output is the pipes' target");
    }

    /** The bus ARN, as the pipes, the role and the output must all write it. */
    private static JsonNode busArn() {
        return template.path("Outputs").path("StateEventBusArn").path("Value");
    }

    private static Set<String> pipeSources() {
        Set<String> sources = new TreeSet<>();
        resourcesOfType(template, "AWS::Pipes::Pipe").values().forEach(pipe -> {
            JsonNode source = pipe.path("Properties").path("Source").path("Fn::GetAtt");
            assertEquals("StreamArn", source.path(1).asText());
            sources.add(source.path(0).asText());
        });
        return sources;
    }

    private static String getAtt(String resource, String attribute) {
        return "{\"Fn::GetAtt\":[\"" + resource + "\",\"" + attribute + "\"]}";
    }
}
