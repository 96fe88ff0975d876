package io.policywebhooks.deploy;

import static io.policywebhooks.deploy.TemplateYaml.properties;
import static io.policywebhooks.deploy.TemplateYaml.resourcesOfType;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import jakarta.ws.rs.HttpMethod;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.policywebhooks.Signers;
import io.policywebhooks.webhook.WebhookResource;

/**
 * The template's HTTP API routes exactly the production providers' webhook paths, each with its URL in the outputs,
 * through one explicit HttpApi and no other entry point; the code serves them from one JAX-RS resource.
 */
class TemplateRoutesTest {
    private static final Path MAIN_JAVA = Path.of("").toAbsolutePath().resolve("src/main/java");

    private static final JsonNode TEMPLATE = TemplateYaml.read();

    @Test
    void apiRoutesAreExactlyTheProductionProvidersRoutes() throws IOException {
        assertEquals(Set.of("POST /webhooks/{provider}"), resourceRoutes(), "WebhookResource routes by provider name");
        // The template declares each provider's route explicitly: exactly those of the production build.
        Set<String> codeRoutes = new TreeSet<>();
        Signers.production().forEach(signer -> codeRoutes.add("POST /webhooks/" + signer.provider()));
        assertFalse(codeRoutes.isEmpty(), "no provider found?");

        String apiId = theOneHttpApi();
        assertEquals(codeRoutes, templateRoutes(apiId), "HttpApi routes vs. the production providers' routes");
        // Every webhook URL in the outputs is a route, and every route has its URL.
        assertEquals(codeRoutes, outputRoutes(apiId), "Outputs: one full webhook URL per route");
        // No other JAX-RS resource exists that the template would not route.
        assertEquals(List.of("io/policywebhooks/webhook/WebhookResource.java"), jaxRsResources(),
                "JAX-RS resources in src/main/java");
    }

    /** "VERB /path" of each method of WebhookResource that serves one. */
    private static Set<String> resourceRoutes() {
        Set<String> routes = new TreeSet<>();
        String base = pathOf(WebhookResource.class.getAnnotation(jakarta.ws.rs.Path.class));
        for (Method method : WebhookResource.class.getDeclaredMethods()) {
            String verb = httpMethod(method);
            if (verb != null) {
                routes.add(verb + " " + join(base, pathOf(method.getAnnotation(jakarta.ws.rs.Path.class))));
            }
        }
        return routes;
    }

    /** The logical id of the one HttpApi, after proving the stack has no other way in. */
    private static String theOneHttpApi() {
        Map<String, JsonNode> apis = resourcesOfType(TEMPLATE, "AWS::Serverless::HttpApi");
        assertEquals(1, apis.size(), "exactly one explicit AWS::Serverless::HttpApi");
        String apiId = apis.keySet().iterator().next();
        JsonNode api = properties(apis.get(apiId));
        assertTrue(api.path("DefinitionBody").isMissingNode() && api.path("DefinitionUri").isMissingNode(),
                "the HttpApi's routes come only from the function's events (no OpenAPI definition)");
        for (String other : List.of("AWS::Serverless::Api", "AWS::ApiGatewayV2::Api", "AWS::ApiGatewayV2::Route",
                "AWS::ApiGateway::RestApi", "AWS::Lambda::Url")) {
            assertTrue(resourcesOfType(TEMPLATE, other).isEmpty(), "no other entry point: found " + other);
        }
        return apiId;
    }

    /** "METHOD /path" of every function event, each an explicit route of the HttpApi {@code apiId}. */
    private static Set<String> templateRoutes(String apiId) {
        Set<String> routes = new TreeSet<>();
        resourcesOfType(TEMPLATE, "AWS::Serverless::Function").forEach((functionId, function) -> {
            assertTrue(properties(function).path("FunctionUrlConfig").isMissingNode(), "no function URL");
            Iterator<Map.Entry<String, JsonNode>> events = properties(function).path("Events").fields();
            while (events.hasNext()) {
                Map.Entry<String, JsonNode> event = events.next();
                String where = functionId + " event " + event.getKey();
                assertEquals("HttpApi", event.getValue().path("Type").asText(), where + ": only HttpApi events");
                JsonNode props = event.getValue().path("Properties");
                assertEquals(apiId, props.path("ApiId").path("Ref").asText(), where + " is on the explicit HttpApi");
                assertEquals("2.0", props.path("PayloadFormatVersion").asText(), where + " payload format");
                String path = props.path("Path").asText();
                assertFalse(path.isEmpty() || path.contains("{") || path.equals("$default"), where + ": no catch-all");
                assertTrue(routes.add(props.path("Method").asText().toUpperCase(Locale.ROOT) + " " + path),
                        where + " repeats a route");
            }
        });
        return routes;
    }

    /** "POST /path" of every output that is a full URL on the HttpApi {@code apiId}. */
    private static Set<String> outputRoutes(String apiId) {
        Set<String> routes = new TreeSet<>();
        Pattern url = Pattern.compile("^https://\\$\\{" + Pattern.quote(apiId)
                + "}\\.execute-api\\.\\$\\{AWS::Region}\\.\\$\\{AWS::URLSuffix}(/\\S*)$");
        TEMPLATE.path("Outputs").forEach(output -> {
            Matcher m = url.matcher(output.path("Value").path("Fn::Sub").asText());
            if (m.matches()) {
                routes.add("POST " + m.group(1));
            }
        });
        return routes;
    }

    /** The sources under src/main/java that declare a JAX-RS {@code @Path}. */
    private static List<String> jaxRsResources() throws IOException {
        try (Stream<Path> sources = Files.walk(MAIN_JAVA)) {
            return sources.filter(p -> p.toString().endsWith(".java"))
                    .filter(p -> TemplateYaml.text(p).contains("@Path("))
                    .map(p -> MAIN_JAVA.relativize(p).toString().replace('\\', '/'))
                    .toList();
        }
    }

    private static String httpMethod(Method method) {
        for (Annotation annotation : method.getAnnotations()) {
            HttpMethod verb = annotation.annotationType().getAnnotation(HttpMethod.class);
            if (verb != null) {
                return verb.value();
            }
        }
        return null;
    }

    private static String pathOf(jakarta.ws.rs.Path path) {
        return path == null ? "" : path.value();
    }

    private static String join(String base, String path) {
        String joined = ("/" + base + "/" + path).replaceAll("/+", "/");
        return joined.length() > 1 && joined.endsWith("/") ? joined.substring(0, joined.length() - 1) : joined;
    }
}
