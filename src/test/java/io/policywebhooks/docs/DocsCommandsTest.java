package io.policywebhooks.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.BiConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import io.policywebhooks.deploy.TemplateYaml;

/**
 * The commands README.md, BENCHMARKS.md and docs/*.md show, checked where that is cheap and nothing has to run: they
 * name Maven executions, profiles, test classes, program options, scripts and files that exist; links and cited
 * sections resolve; the README's configuration table is the function's environment; .ci/run runs the README's test.
 */
class DocsCommandsTest {
    private static final Path ROOT = Path.of("").toAbsolutePath();
    private static final Pattern FENCE = Pattern.compile("(?ms)^```[^\\n]*\\n(.*?)^```");
    private static final Pattern SPAN = Pattern.compile("`([^`\\n]+)`");
    private static final String POM = read(ROOT.resolve("pom.xml"));

    @Test
    void mavenCommandsNameExecutionsAndProfilesOfThePom() {
        String execution = "<execution>\\s*<id>([\\w-]+)</id>";
        Map<String, String> profileOf = new TreeMap<>(); // execution id -> its profile, "" in the main build
        Set<String> allProfiles = new TreeSet<>();
        Matcher profiles = Pattern.compile("(?s)<profile>.*?<id>([\\w-]+)</id>(.*?)</profile>").matcher(POM);
        while (profiles.find()) {
            allProfiles.add(profiles.group(1));
            all(execution, profiles.group(2)).forEach(id -> profileOf.put(id, profiles.group(1)));
        }
        all(execution, POM).forEach(id -> profileOf.putIfAbsent(id, ""));
        forEachCommand("./mvnw", (where, command) -> {
            Set<String> active = new TreeSet<>();
            all("\\s-P([\\w,-]+)", command).forEach(list -> active.addAll(List.of(list.split(","))));
            active.forEach(p -> assertTrue(allProfiles.contains(p), where + ": no profile " + p + ": " + command));
            for (String id : all("exec:exec@([\\w-]+)", command)) {
                assertTrue(profileOf.containsKey(id), where + ": no execution " + id + " in pom.xml: " + command);
                String profile = profileOf.get(id);
                assertTrue(profile.isEmpty() || active.contains(profile), where + ": " + id + " needs -P" + profile);
            }
        });
    }

    @Test
    void testSelectorsNameExistingTestClasses() throws IOException {
        Set<String> classes;
        try (Stream<Path> files = Files.walk(ROOT.resolve("src/test/java"))) {
            classes = files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".java"))
                    .map(n -> n.replace(".java", "")).collect(Collectors.toSet());
        }
        forEachCommand("./mvnw", (where, command) -> all("-D(?:it\\.)?test=([\\w,#*!]+)", command).stream()
                .flatMap(list -> Stream.of(list.split(","))).map(s -> s.replace("!", "").replaceAll("#.*", ""))
                .forEach(name -> assertTrue(classes.contains(name), where + ": no test " + name + ": " + command)));
    }

    /** {@code -D<x>.args="--option …"} goes to the program the pom runs with {@code ${x.args}}: it reads it. */
    @Test
    void programOptionsAreReadByTheProgramTheExecutionRuns() {
        Map<String, String> mainClass = new TreeMap<>();
        Pattern.compile("%classpath ([\\w.]+) \\$\\{(\\w+)\\.args}").matcher(POM).results()
                .filter(m -> !m.group(2).equals("jmh")) // JMH's own options, not the project's
                .forEach(m -> mainClass.put(m.group(2), m.group(1)));
        forEachCommand("./mvnw", (where, command) -> {
            Matcher args = Pattern.compile("-D(\\w+)\\.args=\"([^\"]*)\"").matcher(command);
            while (args.find()) {
                String program = mainClass.get(args.group(1));
                assertNotNull(program, where + ": pom.xml runs nothing with ${" + args.group(1) + ".args}");
                String source = Stream.of("main", "test", "bench").map(d -> ROOT.resolve("src/" + d + "/java/"
                        + program.replace('.', '/') + ".java")).filter(Files::isRegularFile).findFirst()
                        .map(DocsCommandsTest::read).orElseThrow(() -> new AssertionError("no source of " + program));
                all("(?:^|\\s)(--[a-z][\\w-]*)", args.group(2)).forEach(option -> assertTrue(
                        source.contains('"' + option + '"'), where + ": " + program + " reads no " + option));
            }
        });
    }

    /** A script a command runs exists, executable unless run with bash; a repository file a code block names exists. */
    @Test
    void scriptsAndFilesNamedByCommandsExist() {
        forEachCommand("", (where, command) -> {
            String[] words = command.replaceFirst("^(\\w+=\\S*\\s+)+", "").split("\\s+");
            boolean viaShell = words[0].equals("bash") && words.length > 1;
            String script = viaShell ? words[1] : words[0];
            if (script.contains("/") && !script.matches(".*[<=].*")) {
                assertTrue(Files.isRegularFile(ROOT.resolve(script)), where + ": no script " + script);
                assertTrue(viaShell || Files.isExecutable(ROOT.resolve(script)), where + ": " + script + " not +x");
            }
        });
        documents().forEach((doc, text) -> blocks(text).forEach(block -> all(
                "(?<![\\w/.$-])((?:src|docs|\\.ci)/[\\w./-]*\\w)", block).forEach(path ->
                assertTrue(Files.exists(ROOT.resolve(path)), doc + ": a code block names " + path + ": missing"))));
    }

    @Test
    void theConfigurationTableIsTheFunctionsEnvironment() {
        Map<String, String> table = new TreeMap<>(); // variable -> the first code span of its default cell
        Pattern.compile("(?m)^\\| `([A-Z0-9_]+)` \\|.*\\| ([^|]*) \\|$").matcher(readmeSection("## Configuration"))
                .results().forEach(row -> table.put(row.group(1), SPAN.matcher(row.group(2)).results()
                        .map(m -> m.group(1)).findFirst().orElse("")));
        var functions = TemplateYaml.resourcesOfType(TemplateYaml.read(), "AWS::Serverless::Function");
        assertEquals(1, functions.size(), "one function in template.yaml");
        Set<String> environment = new TreeSet<>();
        functions.values().iterator().next().path("Properties").path("Environment").path("Variables")
                .fieldNames().forEachRemaining(environment::add);
        environment.remove("DISABLE_SIGNAL_HANDLERS"); // set for the Lambda runtime, not a setting
        assertEquals(environment, table.keySet(), "README's configuration table vs. the function's environment");
        // Where application.properties gives a default, the table gives the same.
        Path properties = ROOT.resolve("src/main/resources/application.properties");
        Pattern.compile("\\$\\{([A-Z0-9_]+):([^}]*)}").matcher(read(properties)).results()
                .forEach(m -> assertEquals(m.group(2), table.get(m.group(1)), "default of " + m.group(1)));
    }

    @Test
    void ciRunsTheReadmesTestCommand() {
        List<String> blocks = blocks(readmeSection("## The two commands"));
        assertEquals(2, blocks.size(), "README's two commands: run, then test");
        String test = blocks.get(1).strip();
        Path ci = ROOT.resolve(".ci/run");
        assertTrue(Files.isExecutable(ci), ".ci/run is executable");
        assertTrue(read(ci).lines().map(l -> l.strip().replace(" -B ", " ")).anyMatch(test::equals),
                ".ci/run runs the README's test command (" + test + "), -B aside");
    }

    /** Links to files and headings resolve, and so do section names quoted after a document's name. */
    @Test
    void linksAndCitedSectionsExist() {
        documents().forEach((doc, text) -> {
            for (Matcher link = Pattern.compile("]\\(([^)\\s#:]+)(?:#([^)\\s]+))?\\)").matcher(text); link.find();) {
                Path target = resolve(doc, link.group(1));
                assertNotNull(target, doc + ": link to " + link.group(1) + ", which is missing");
                assertTrue(link.group(2) == null || headings(target).stream().map(DocsCommandsTest::slug)
                        .anyMatch(link.group(2)::equals), doc + ": no heading #" + link.group(2) + " in " + target);
            }
            for (Matcher cite = Pattern.compile("([\\w./-]+\\.md)(?:]\\([^)]*\\))?,?\\s\"([^\"]+)\"").matcher(text);
                    cite.find();) {
                Path target = resolve(doc, cite.group(1));
                assertTrue(target != null && headings(target).stream().anyMatch(h -> h.startsWith(cite.group(2))),
                        doc + ": cites " + cite.group(1) + " \"" + cite.group(2) + "\", which has no such heading");
            }
        });
    }

    /** README.md, BENCHMARKS.md and docs/*.md, by path relative to the repository. */
    private static Map<Path, String> documents() {
        try (Stream<Path> docs = Files.list(ROOT.resolve("docs"))) {
            return Stream.concat(Stream.of(ROOT.resolve("README.md"), ROOT.resolve("BENCHMARKS.md")),
                    docs.filter(f -> f.toString().endsWith(".md")).sorted()).collect(Collectors.toMap(
                            ROOT::relativize, DocsCommandsTest::read, (a, b) -> a, LinkedHashMap::new));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Each line of a code block (joined, no comments), each code span that runs something, starting with prefix. */
    private static void forEachCommand(String prefix, BiConsumer<String, String> check) {
        documents().forEach((doc, text) -> {
            List<String> commands = new ArrayList<>();
            blocks(text).forEach(b -> b.replace("\\\n", " ").lines().map(l -> l.replaceFirst("(^|\\s)#.*", "").strip())
                    .filter(l -> !l.isEmpty()).forEach(commands::add));
            SPAN.matcher(FENCE.matcher(text).replaceAll("")).results().map(m -> m.group(1).strip())
                    .filter(s -> s.matches("(\\./mvnw|bash|[\\w.]+/[\\w./-]+) .*")).forEach(commands::add);
            commands.stream().filter(c -> c.startsWith(prefix)).forEach(c -> check.accept(doc.toString(), c));
        });
    }

    private static List<String> blocks(String markdown) {
        return FENCE.matcher(markdown).results().map(m -> m.group(1)).toList();
    }

    private static String readmeSection(String heading) {
        String readme = read(ROOT.resolve("README.md"));
        int start = readme.indexOf("\n" + heading + "\n");
        assertTrue(start >= 0, "README.md has a section " + heading);
        Matcher next = Pattern.compile("\n##+ ").matcher(readme); // the next heading ends it, "### " too
        return readme.substring(start, next.find(start + 1) ? next.start() : readme.length());
    }

    /** The first group of every match, in order. */
    private static List<String> all(String regex, String text) {
        return Pattern.compile(regex, Pattern.DOTALL).matcher(text).results().map(m -> m.group(1)).toList();
    }

    /** A document's reference to a file: relative to the document, else to the repository. */
    private static Path resolve(Path doc, String reference) {
        return Stream.of(ROOT.resolve(doc).getParent().resolve(reference).normalize(), ROOT.resolve(reference))
                .filter(Files::exists).findFirst().orElse(null);
    }

    /** A markdown file's headings, without the #s (code blocks' comments are not headings). */
    private static List<String> headings(Path markdown) {
        return FENCE.matcher(read(markdown)).replaceAll("").lines().filter(l -> l.matches("#+ .*"))
                .map(l -> l.replaceFirst("#+ ", "").strip()).toList();
    }

    /** GitHub's anchor of a heading. */
    private static String slug(String heading) {
        return heading.toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N} _-]", "").replace(' ', '-');
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
