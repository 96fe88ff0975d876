package io.policywebhooks.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Comparator;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Which native executable of the function to run, if any. {@code src/local/check-native-build.sh} leaves it at
 * {@link #DEFAULT} (whatever built it: GraalVM/Mandrel, the container build, or the native-image kit).
 * <ul>
 * <li>{@code -D}{@value #PROPERTY}{@code =<path>} names it explicitly (CI does): it must then exist and run; an
 * explicitly named executable is never skipped.</li>
 * <li>Otherwise {@link #DEFAULT} is used when it exists and is newer than every file under {@code src/main} and
 * {@code pom.xml}; absent or older, there is nothing current to test, and {@link #reason} says why.</li>
 * </ul>
 */
public record NativeExecutable(Path path, String reason) {
    public static final String PROPERTY = "policywebhooks.native-runner";
    public static final Path DEFAULT = Path.of("target", "native-runner");
    private static final String BUILD = "build it with `bash src/local/check-native-build.sh` (GraalVM/Mandrel, a "
            + "container runtime, or the native-image kit)";

    public boolean found() {
        return path != null;
    }

    public static NativeExecutable find() {
        String named = System.getProperty(PROPERTY, "");
        if (!named.isBlank()) {
            Path path = Path.of(named).toAbsolutePath();
            if (!Files.isRegularFile(path)) {
                throw new IllegalStateException("-D" + PROPERTY + " names " + path + ", which does not exist");
            }
            return new NativeExecutable(path, "named by -D" + PROPERTY);
        }
        if (!Files.isRegularFile(DEFAULT)) {
            return new NativeExecutable(null, "no native executable at " + DEFAULT + ": " + BUILD);
        }
        FileTime built = modified(DEFAULT);
        Optional<Path> newer = newestSource().filter(source -> modified(source).compareTo(built) > 0);
        if (newer.isPresent()) {
            return new NativeExecutable(null, DEFAULT + " is older than " + newer.get() + ", so it is not this code: "
                    + "re" + BUILD);
        }
        return new NativeExecutable(DEFAULT.toAbsolutePath(), DEFAULT + ", built after the last source change");
    }

    private static Optional<Path> newestSource() {
        try (Stream<Path> sources = Files.walk(Path.of("src", "main"))) {
            return Stream.concat(sources.filter(Files::isRegularFile).toList().stream(), Stream.of(Path.of("pom.xml")))
                    .max(Comparator.comparing(NativeExecutable::modified));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static FileTime modified(Path path) {
        try {
            return Files.getLastModifiedTime(path);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
