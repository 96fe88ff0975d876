package io.policywebhooks.provider;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * A provider is one package: what names it (its name, package, classes, variables, headers and attributes) lives
 * in its package, and shared code finds it through {@link Providers} only.
 */
class ProviderBoundaryTest {
    private static final Path ROOT = Path.of("").toAbsolutePath();
    private static final String SERVICES = "META-INF/services/" + WebhookProvider.class.getName();

    /** The words that name a provider: none may appear in shared code. */
    static Set<String> namesOf(WebhookProvider provider) {
        Set<String> names = new TreeSet<>(List.of(provider.name(), provider.secretsVariable(), provider.localSecret(),
                packageName(provider)));
        provider.keptHeaders().forEach(kept -> {
            names.add(kept.attribute());
            names.add(kept.header());
        });
        for (Path file : files(packageFolder(provider))) {
            String simpleName = file.getFileName().toString().replace(".java", "");
            names.add(simpleName);
        }
        return names;
    }

    /** Every file under src/main that no provider package holds (the contract's services list excepted). */
    static List<Path> sharedMainFiles() {
        List<Path> providerFolders = Providers.all().stream().map(ProviderBoundaryTest::packageFolder).toList();
        return files(ROOT.resolve("src/main")).stream()
                .filter(file -> providerFolders.stream().noneMatch(file::startsWith))
                .filter(file -> !file.endsWith(SERVICES))
                .toList();
    }

    @Test
    void noSharedFileNamesAProvider() throws IOException {
        List<String> found = new ArrayList<>();
        for (Path file : sharedMainFiles()) {
            String text = Files.readString(file).toLowerCase(Locale.ROOT);
            for (WebhookProvider provider : Providers.all()) {
                for (String name : namesOf(provider)) {
                    if (text.contains(name.toLowerCase(Locale.ROOT))) {
                        found.add(ROOT.relativize(file) + " names " + provider.name() + " (" + name + ")");
                    }
                }
            }
        }
        assertEquals(List.of(), found);
    }

    /** The check above sees a provider's words: it would catch a shared class naming one. */
    @Test
    void theCheckSeesEveryProvidersClassesAndWords() {
        for (WebhookProvider provider : Providers.all()) {
            Set<String> names = namesOf(provider);
            assertFalse(names.contains(""), provider.name());
            assertFalse(files(packageFolder(provider)).isEmpty(), "the package of " + provider.name());
            names.forEach(name -> assertFalse(name.isBlank(), provider.name()));
        }
        assertFalse(sharedMainFiles().isEmpty());
    }

    private static String packageName(WebhookProvider provider) {
        String name = provider.getClass().getPackageName();
        return name.substring(name.lastIndexOf('.') + 1);
    }

    /** The provider's package folder, in src/main or (a test-only provider) src/test. */
    static Path packageFolder(WebhookProvider provider) {
        String folder = provider.getClass().getPackageName().replace('.', '/');
        Path main = ROOT.resolve("src/main/java").resolve(folder);
        return Files.isDirectory(main) ? main : ROOT.resolve("src/test/java").resolve(folder);
    }

    private static List<Path> files(Path folder) {
        try (Stream<Path> walk = Files.walk(folder)) {
            return walk.filter(Files::isRegularFile).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
