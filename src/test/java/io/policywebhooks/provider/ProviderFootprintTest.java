package io.policywebhooks.provider;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import io.policywebhooks.Signers;

/**
 * What adding a provider touches outside its package, measured on the test-only provider: every file of the
 * repository that names it (its name, package, classes, variables, headers) and lies outside its package. A
 * production provider adds to this what the deployment needs: its block in template.yaml (the template agreement
 * tests name every missing piece) and its rows in the README's configuration table (DocsCommandsTest).
 */
class ProviderFootprintTest {
    private static final Path ROOT = Path.of("").toAbsolutePath();

    @Test
    void theTestOnlyProviderIsNamedOnlyByItsServicesLineAndItsSamples() throws IOException {
        List<WebhookProvider> testOnly = Providers.all().stream().filter(p -> !Signers.inProduction(p)).toList();
        assertEquals(1, testOnly.size(), "one test-only provider: " + testOnly);
        WebhookProvider provider = testOnly.get(0);
        Set<String> names = ProviderBoundaryTest.namesOf(provider);
        Path own = ProviderBoundaryTest.packageFolder(provider);
        Path samples = ROOT.resolve("src/test/resources/samples").resolve(provider.name());

        Set<String> touched = new TreeSet<>();
        for (Path file : repositoryFiles()) {
            if (!file.startsWith(own) && !file.startsWith(samples) && names(file, names)) {
                touched.add(ROOT.relativize(file).toString());
            }
        }
        System.out.printf("outside its package, provider %s is named by %d file(s) besides its samples: %s%n",
                provider.name(), touched.size(), touched);
        assertEquals(Set.of("src/test/resources/META-INF/services/" + WebhookProvider.class.getName()), touched);
    }

    private static boolean names(Path file, Set<String> names) throws IOException {
        String text;
        try {
            text = Files.readString(file).toLowerCase(Locale.ROOT);
        } catch (java.nio.charset.MalformedInputException binary) {
            return false;
        }
        return names.stream().anyMatch(name -> text.contains(name.toLowerCase(Locale.ROOT)));
    }

    /** The project's own files: sources, resources, docs and build files (no build output, no installed packages). */
    private static List<Path> repositoryFiles() throws IOException {
        List<Path> files = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(ROOT)) {
            walk.filter(Files::isRegularFile)
                    .filter(f -> {
                        String path = ROOT.relativize(f).toString();
                        return !path.startsWith("target/") && !path.startsWith(".git/") && !path.contains("node_modules/")
                                && !path.startsWith(".mvn/")
                                && !path.startsWith("docs/"); // documentation may cite it; nothing needs it to
                    })
                    .forEach(files::add);
        }
        return files;
    }
}
