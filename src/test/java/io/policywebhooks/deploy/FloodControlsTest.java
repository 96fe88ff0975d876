package io.policywebhooks.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.policywebhooks.Signers;
import io.policywebhooks.WebhookSigner;

/**
 * The controls an operator has when the public endpoint is flooded (docs/operations.md "When the endpoint is flooded"): a throttle
 * per provider route, the function's reserved concurrency, the alarm on the API's 4xx share, and the optional
 * CloudFront + AWS WAF stack in docs/cloudfront-waf.yaml, checked against the production providers' routes and the
 * headers their signers send.
 */
class FloodControlsTest {
    private static final Path EDGE = Path.of("").toAbsolutePath().resolve("docs/cloudfront-waf.yaml");
    private static final String ALARM = "ApiClientErrorRateAlarm";
    /** CloudFront's managed policies: CachingDisabled, AllViewerExceptHostHeader. */
    private static final String CACHING_DISABLED = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad";
    private static final String ALL_VIEWER_EXCEPT_HOST = "b689b0a8-53d0-40ab-baf2-68738e2966ac";

    private static JsonNode template;
    private static JsonNode edge;

    @BeforeAll
    static void readTemplates() throws IOException {
        template = TemplateYaml.read(TemplateYaml.TEMPLATE);
        edge = TemplateYaml.read(EDGE);
    }

    /**
     * Each route has its own rate and burst, from parameters named after its event ({@code <event>RouteRateLimit},
     * {@code <event>RouteBurstLimit}): a flood on one provider's route never spends the other's.
     */
    @Test
    void everyRouteHasItsOwnThrottleParameters() {
        JsonNode parameters = template.path("Parameters");
        Set<String> used = new TreeSet<>();
        Set<String> routes = new TreeSet<>();
        properties(function()).path("Events").fields().forEachRemaining(event -> {
            JsonNode props = event.getValue().path("Properties");
            routes.add(props.path("Path").asText());
            JsonNode settings = props.path("RouteSettings");
            for (String limit : List.of("Rate", "Burst")) {
                String parameter = settings.path("Throttling" + limit + "Limit").path("Ref").asText();
                String where = event.getKey() + " Throttling" + limit + "Limit";
                assertEquals(event.getKey() + "Route" + limit + "Limit", parameter, where + ": its own parameter");
                JsonNode declaration = parameters.path(parameter);
                assertEquals("Number", declaration.path("Type").asText(), parameter);
                assertTrue(declaration.path("MinValue").asInt(0) >= 1, parameter + ": 0 would close the route");
                assertTrue(declaration.path("Default").asInt(0) >= declaration.path("MinValue").asInt(),
                        parameter + " default");
                assertTrue(used.add(parameter), parameter + " throttles two routes");
            }
        });
        Set<String> providerRoutes = new TreeSet<>();
        Signers.production().forEach(signer -> providerRoutes.add("/webhooks/" + signer.provider()));
        assertEquals(providerRoutes, routes, "every production provider's route is throttled");
        parameters.fieldNames().forEachRemaining(name -> {
            if (name.matches(".*Route(Rate|Burst)Limit")) {
                assertTrue(used.contains(name), name + " throttles no route");
            }
        });
    }

    @Test
    void reservedConcurrencyIsAParameterUnsetByDefault() {
        JsonNode parameter = template.path("Parameters").path("ReservedConcurrency");
        assertEquals("String", parameter.path("Type").asText(), "a String, so it can be empty");
        assertEquals("", parameter.path("Default").asText(null), "unset by default");
        // CloudFormation's AllowedPattern must match the whole value.
        Pattern allowed = Pattern.compile(parameter.path("AllowedPattern").asText());
        for (String value : List.of("", "1", "25", "1000", "99999")) {
            assertTrue(allowed.matcher(value).matches(), "allowed: '" + value + "'");
        }
        for (String value : List.of("0", "00", "01", "-1", "1.5", " 5", "x", "100000")) {
            assertFalse(allowed.matcher(value).matches(), "refused: '" + value + "'");
        }

        JsonNode setting = properties(function()).path("ReservedConcurrentExecutions").path("Fn::If");
        String condition = setting.path(0).asText();
        assertEquals("ReservedConcurrency", setting.path(1).path("Ref").asText(), "the parameter when set");
        assertEquals("AWS::NoValue", setting.path(2).path("Ref").asText(), "no property when empty");
        JsonNode equals = template.path("Conditions").path(condition).path("Fn::Not").path(0).path("Fn::Equals");
        assertEquals("ReservedConcurrency", equals.path(0).path("Ref").asText(), condition);
        assertEquals("", equals.path(1).asText(null), condition + ": set when not empty");
    }

    /**
     * HTTP APIs have no metric per status (429 and 401 are both 4xx): the alarm divides the API's 4xx by its requests,
     * quiet below a minimum of requests, over 5 minutes.
     */
    @Test
    void theClientErrorAlarmDividesTheApis4xxByItsRequests() {
        JsonNode props = properties(TemplateYaml.resourcesOfType(template, "AWS::CloudWatch::Alarm").get(ALARM));
        assertFalse(props.isMissingNode(), ALARM);
        String api = TemplateYaml.resourcesOfType(template, "AWS::Serverless::HttpApi").keySet().iterator().next();
        Map<String, String> idsByMetric = new TreeMap<>();
        List<String> expressions = new ArrayList<>();
        for (JsonNode query : props.path("Metrics")) {
            if (query.has("MetricStat")) {
                assertFalse(query.path("ReturnData").asBoolean(true), query.path("Id") + " is an input");
                JsonNode stat = query.path("MetricStat");
                JsonNode metric = stat.path("Metric");
                assertEquals("AWS/ApiGateway", metric.path("Namespace").asText());
                assertEquals(1, metric.path("Dimensions").size(), "by ApiId only: " + metric);
                assertEquals("ApiId", metric.path("Dimensions").path(0).path("Name").asText());
                assertEquals(api, metric.path("Dimensions").path(0).path("Value").path("Ref").asText());
                assertEquals("Sum", stat.path("Stat").asText());
                assertEquals(300, stat.path("Period").asInt());
                idsByMetric.put(metric.path("MetricName").asText(), query.path("Id").asText());
            } else {
                assertTrue(query.path("ReturnData").asBoolean(false), "the expression is what is alarmed on");
                expressions.add(query.path("Expression").path("Fn::Sub").asText());
            }
        }
        assertEquals(Set.of("4xx", "Count"), idsByMetric.keySet(), "the metrics HTTP APIs publish");
        String requests = idsByMetric.get("Count");
        String errors = idsByMetric.get("4xx");
        assertEquals(List.of("IF(" + requests + " >= ${ApiClientErrorAlarmMinRequests}, 100 * FILL(" + errors
                + ", 0) / " + requests + ", 0)"), expressions, "percent of requests answered 4xx");
        assertEquals("ApiClientErrorAlarmPercent", props.path("Threshold").path("Ref").asText());
        JsonNode percent = template.path("Parameters").path("ApiClientErrorAlarmPercent");
        assertTrue(percent.path("MinValue").asInt() >= 1 && percent.path("MaxValue").asInt() == 100, "a percent");
        assertEquals("GreaterThanOrEqualToThreshold", props.path("ComparisonOperator").asText());
        assertEquals(1, props.path("EvaluationPeriods").asInt());
    }

    /** The console shows each parameter under its heading: the flood controls under theirs, like every other. */
    @Test
    void everyParameterIsInExactlyOneGroup() {
        Map<String, String> groups = new TreeMap<>();
        for (JsonNode group : template.path("Metadata").path("AWS::CloudFormation::Interface")
                .path("ParameterGroups")) {
            for (JsonNode parameter : group.path("Parameters")) {
                String previous = groups.put(parameter.asText(), group.path("Label").path("default").asText());
                assertEquals(null, previous, parameter.asText() + " is in two groups");
            }
        }
        Set<String> declared = new TreeSet<>();
        template.path("Parameters").fieldNames().forEachRemaining(declared::add);
        assertEquals(declared, groups.keySet(), "ParameterGroups vs. Parameters");
    }

    // ------------------------------------------------------------------------------------------------ the edge stack

    /** A web ACL for CloudFront exists only in us-east-1: the stack refuses any other region. */
    @Test
    void theEdgeStackDeploysOnlyInUsEast1WithACloudFrontWebAcl() {
        JsonNode assertion = edge.path("Rules").elements().next().path("Assertions").path(0).path("Assert")
                .path("Fn::Equals");
        assertEquals("AWS::Region", assertion.path(0).path("Ref").asText());
        assertEquals("us-east-1", assertion.path(1).asText());
        JsonNode acl = properties(single(edge, "AWS::WAFv2::WebACL"));
        assertEquals("CLOUDFRONT", acl.path("Scope").asText());
        assertTrue(acl.path("DefaultAction").has("Allow"), "what no rule blocks goes on to the signature check");

        JsonNode distribution = properties(single(edge, "AWS::CloudFront::Distribution")).path("DistributionConfig");
        String aclId = TemplateYaml.resourcesOfType(edge, "AWS::WAFv2::WebACL").keySet().iterator().next();
        assertEquals(List.of(aclId, "Arn"), texts(distribution.path("WebACLId").path("Fn::GetAtt")));
        JsonNode behaviour = distribution.path("DefaultCacheBehavior");
        assertTrue(texts(behaviour.path("AllowedMethods")).contains("POST"), "deliveries are POSTs");
        assertEquals(CACHING_DISABLED, behaviour.path("CachePolicyId").asText(), "nothing answered from a cache");
        assertEquals(ALL_VIEWER_EXCEPT_HOST, behaviour.path("OriginRequestPolicyId").asText(),
                "every header reaches the receiver, Host stays the API's");
        assertEquals("https-only", behaviour.path("ViewerProtocolPolicy").asText());
        JsonNode origin = distribution.path("Origins").path(0);
        assertEquals(1, distribution.path("Origins").size());
        assertEquals("ApiDomainName", origin.path("DomainName").path("Ref").asText());
        assertEquals("https-only", origin.path("CustomOriginConfig").path("OriginProtocolPolicy").asText());

        // The receiver stack's ApiDomainName output is a value the edge stack's parameter accepts.
        String output = template.path("Outputs").path("ApiDomainName").path("Value").path("Fn::Sub").asText();
        String example = output.replace("${HttpApi}", "a1b2c3d4e5").replace("${AWS::Region}", "eu-west-1")
                .replace("${AWS::URLSuffix}", "amazonaws.com");
        Pattern accepted = Pattern.compile(edge.path("Parameters").path("ApiDomainName").path("AllowedPattern").asText());
        assertTrue(accepted.matcher(example).matches(), "ApiDomainName output " + example);
    }

    /**
     * The web ACL blocks, per provider route, only requests without a header that provider's every signed delivery
     * carries, and bounds the rest per source address; it has such a rule for every production route and no other.
     */
    @Test
    void theWebAclBlocksOnlyWhatNoProviderSends() {
        JsonNode acl = properties(single(edge, "AWS::WAFv2::WebACL"));
        Map<String, String> requiredHeaderByPath = new TreeMap<>();
        boolean perIp = false;
        for (JsonNode rule : acl.path("Rules")) {
            assertTrue(rule.path("Action").has("Block"), rule.path("Name") + " blocks");
            JsonNode statement = rule.path("Statement");
            if (statement.has("RateBasedStatement")) {
                assertEquals("IP", statement.path("RateBasedStatement").path("AggregateKeyType").asText());
                perIp = true;
                continue;
            }
            String path = null;
            String header = null;
            for (JsonNode part : statement.path("AndStatement").path("Statements")) {
                JsonNode match = part.path("ByteMatchStatement");
                if (match.path("FieldToMatch").has("UriPath")) {
                    assertEquals("EXACTLY", match.path("PositionalConstraint").asText(), rule.path("Name").asText());
                    path = match.path("SearchString").asText();
                }
                JsonNode size = part.path("NotStatement").path("Statement").path("SizeConstraintStatement");
                if (size.has("FieldToMatch")) {
                    assertEquals("GT", size.path("ComparisonOperator").asText());
                    assertEquals(0, size.path("Size").asInt());
                    header = size.path("FieldToMatch").path("SingleHeader").path("Name").asText();
                }
            }
            assertTrue(path != null && header != null, "a rule on a route without a header: " + rule.path("Name"));
            assertEquals(null, requiredHeaderByPath.put(path, header), path + " has two rules");
        }
        assertTrue(perIp, "a rate-based rule per source IP");

        Map<String, String> expected = new TreeMap<>();
        for (WebhookSigner signer : Signers.production()) {
            byte[] body = "{\"type\":\"policy.active\"}".getBytes(StandardCharsets.UTF_8);
            Map<String, String> sent = signer.headers(signer.localSecret(), body, 1_767_225_600L);
            String path = "/webhooks/" + signer.provider();
            String required = requiredHeaderByPath.get(path);
            assertTrue(required != null && sent.keySet().stream().anyMatch(required::equalsIgnoreCase),
                    path + ": the rule requires " + required + ", a signed delivery carries " + sent.keySet());
            expected.put(path, required);
        }
        assertEquals(expected.keySet(), requiredHeaderByPath.keySet(), "a rule per production route, no other");

        Set<String> urls = new TreeSet<>();
        edge.path("Outputs").forEach(output -> {
            String url = output.path("Value").path("Fn::Sub").asText();
            if (url.startsWith("https://${Distribution.DomainName}")) {
                urls.add(url.substring("https://${Distribution.DomainName}".length()));
            }
        });
        assertEquals(expected.keySet(), urls, "Outputs: the CloudFront URL of every route");
    }

    // ------------------------------------------------------------------------------------------------ helpers

    private static JsonNode function() {
        return single(template, "AWS::Serverless::Function");
    }

    private static JsonNode single(JsonNode in, String type) {
        Map<String, JsonNode> found = TemplateYaml.resourcesOfType(in, type);
        assertEquals(1, found.size(), "one " + type);
        return found.values().iterator().next();
    }

    private static JsonNode properties(JsonNode resource) {
        return resource == null ? com.fasterxml.jackson.databind.node.MissingNode.getInstance()
                : resource.path("Properties");
    }

    private static List<String> texts(JsonNode array) {
        List<String> texts = new ArrayList<>();
        array.forEach(element -> texts.add(element.asText()));
        return texts;
    }
}
