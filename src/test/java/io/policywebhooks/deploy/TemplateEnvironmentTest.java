package io.policywebhooks.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.policywebhooks.Signers;
import io.policywebhooks.WebhookSigner;

/**
 * The function's environment in the template is exactly what the code reads: the {@code ${VAR}}s of
 * application.properties (a parameter's default being the code's), the signing secrets (NoEcho parameters without
 * defaults, never in samconfig.toml) and the Lambda runtime's switch.
 */
class TemplateEnvironmentTest {
    private static final Path ROOT = Path.of("").toAbsolutePath();
    private static final Path PROPERTIES = ROOT.resolve("src/main/resources/application.properties");
    private static final Path SAMCONFIG = ROOT.resolve("samconfig.toml");

    /**
     * The environment variables that hold signing secrets: read by name by the providers (literally, so not through
     * a {@code ${VAR}} of application.properties).
     */
    private static final Set<String> SECRET_VARIABLES = Signers.production().stream()
            .map(WebhookSigner::secretsVariable).collect(Collectors.toSet());
    /** Set for the Lambda runtime, not read by application.properties. */
    private static final String RUNTIME_ONLY_VARIABLE = "DISABLE_SIGNAL_HANDLERS";

    private static final JsonNode TEMPLATE = TemplateYaml.read();

    @Test
    void functionEnvironmentHasExactlyTheVariablesTheConfigurationReads() {
        Map<String, String> read = variablesReadByConfiguration();
        assertFalse(read.isEmpty(), "no ${VAR} found in application.properties?");
        JsonNode variables = TemplateYaml.functionVariables(TEMPLATE);
        Set<String> declared = new TreeSet<>();
        variables.fieldNames().forEachRemaining(declared::add);

        for (String secret : SECRET_VARIABLES) {
            assertFalse(read.containsKey(secret), secret + " must not be read as ${" + secret + "}: that expands it");
        }
        Set<String> expected = new TreeSet<>(read.keySet());
        expected.addAll(SECRET_VARIABLES);
        Signers.production().forEach(signer -> read.putAll(signer.webhookProvider().settingsVariables()));
        expected.addAll(read.keySet());
        expected.add(RUNTIME_ONLY_VARIABLE);
        assertEquals(expected, declared, "Function Environment.Variables vs. ${VAR}s of application.properties (+ "
                + SECRET_VARIABLES + " read by the providers, + " + RUNTIME_ONLY_VARIABLE + ")");
        assertEquals("true", variables.path(RUNTIME_ONLY_VARIABLE).asText());

        // Where a variable comes from a parameter with a default, the default is the code's own default.
        JsonNode parameters = TEMPLATE.path("Parameters");
        read.forEach((variable, codeDefault) -> {
            String parameter = variables.path(variable).path("Ref").asText();
            JsonNode def = parameters.path(parameter).path("Default");
            if (!def.isMissingNode() && codeDefault != null && !codeDefault.isEmpty()) {
                assertEquals(codeDefault, def.asText(), "default of parameter " + parameter + " (" + variable + ")");
            }
        });
    }

    /** {@code ${VAR}} / {@code ${VAR:default}} of the non-quarkus settings, with their defaults (null if none). */
    private static Map<String, String> variablesReadByConfiguration() {
        Map<String, String> variables = new TreeMap<>();
        Pattern reference = Pattern.compile("\\$\\{([A-Za-z0-9_.]+)(?::([^}$]*))?");
        for (String line : TemplateYaml.text(PROPERTIES).split("\\R")) {
            String trimmed = line.strip();
            if (trimmed.isEmpty() || trimmed.startsWith("#") || trimmed.startsWith("!") || !trimmed.contains("=")) {
                continue;
            }
            String key = trimmed.substring(0, trimmed.indexOf('=')).strip().replaceFirst("^%[^.]+\\.", "");
            if (key.startsWith("quarkus.")) {
                continue;
            }
            Matcher m = reference.matcher(trimmed.substring(trimmed.indexOf('=') + 1));
            while (m.find()) {
                variables.put(m.group(1), m.group(2));
            }
        }
        return variables;
    }

    @Test
    void secretsAreNoEchoParametersWithoutDefaultsAndNeverInSamconfig() {
        JsonNode variables = TemplateYaml.functionVariables(TEMPLATE);
        JsonNode parameters = TEMPLATE.path("Parameters");
        Set<String> secretParameters = new TreeSet<>();
        variables.fieldNames().forEachRemaining(variable -> {
            boolean secret = SECRET_VARIABLES.contains(variable) || variable.matches(".*(SECRET|KEY|PASSWORD|TOKEN).*");
            if (!secret) {
                return;
            }
            String parameter = variables.path(variable).path("Ref").asText();
            assertTrue(parameters.has(parameter), variable + " comes from a template parameter, never a literal");
            JsonNode declaration = parameters.path(parameter);
            assertTrue(declaration.path("NoEcho").asBoolean(false), parameter + " is NoEcho");
            assertTrue(declaration.path("Default").isMissingNode(), parameter + " has no default");
            secretParameters.add(parameter);
        });
        for (String variable : SECRET_VARIABLES) {
            assertTrue(variables.has(variable), "the function gets " + variable);
        }
        assertEquals(SECRET_VARIABLES.size(), secretParameters.size(), "one parameter per secret variable");

        String samconfig = TemplateYaml.text(SAMCONFIG);
        for (String line : samconfig.split("\\R")) {
            String setting = line.strip();
            if (setting.startsWith("#")) {
                continue;
            }
            for (String parameter : secretParameters) {
                assertFalse(setting.contains(parameter), "samconfig.toml must not carry " + parameter);
            }
            assertFalse(setting.matches("region\\s*=.*"), "samconfig.toml leaves the region to the profile");
        }
    }
}
