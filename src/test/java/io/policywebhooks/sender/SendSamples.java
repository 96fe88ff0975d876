package io.policywebhooks.sender;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

import io.policywebhooks.ten99policy.ConvoySignatureVerifier;
import io.policywebhooks.ten99policy.Ten99PolicyProvider;
import io.policywebhooks.verticalinsure.VerticalInsureProvider;
import io.policywebhooks.verticalinsure.VerticalInsureSignatureVerifier;

/**
 * Signs and sends the providers' sample events to a receiver, like {@code stripe trigger}: the local one or the
 * deployed API. Signs with the project's own signers. Run it with {@code src/local/send-samples}.
 */
public final class SendSamples {
    static final String USAGE = String.join("\n",
            "usage: send-samples [--url URL] [--provider 1099policy|vertical-insure|all] [--type TYPE|all]",
            "                    [--form advanced|timestamp|simple] [--hash SHA512|SHA256] [--encoding hex|base64]",
            "  --url       receiver base URL (default http://localhost:8080; after deploy: the stack's API URL)",
            "  --provider  which provider's samples (default all)",
            "  --type      one event type, e.g. policy.active or policy_bind_complete (default all)",
            "  --form      1099Policy signature form (default advanced: X-Convoy-Signature: t=…,v1=…)",
            "  --hash, --encoding   as configured on the Convoy endpoint (default SHA512, hex)",
            "Secrets come from TEN99POLICY_WEBHOOK_SECRETS and VERTICAL_INSURE_SIGNATURE_KEYS (the first of each),",
            "else the local development defaults. Samples are read from src/test/resources/samples/.");

    record Options(String url, String provider, String type, String form, ConvoySignatureVerifier.Hash hash,
            ConvoySignatureVerifier.Encoding encoding) {
    }

    /** One signed request: where to send it, its headers, its body. */
    record Signed(String provider, String type, String path, Map<String, String> headers, byte[] body) {
    }

    public static void main(String[] args) throws Exception {
        Options options;
        try {
            options = parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage() + "\n" + USAGE);
            System.exit(2);
            return;
        }
        int failures = send(options, Path.of("src/test/resources/samples"), System.getenv(), Clock.systemUTC(), System.out);
        System.exit(failures == 0 ? 0 : 1);
    }

    static Options parse(String[] args) {
        String url = "http://localhost:8080";
        String provider = "all";
        String type = "all";
        String form = "advanced";
        String hash = "SHA512";
        String encoding = "hex";
        for (int i = 0; i < args.length; i++) {
            String value = i + 1 < args.length ? args[i + 1] : null;
            switch (args[i]) {
                case "--url" -> url = required(args[i], value);
                case "--provider" -> provider = required(args[i], value);
                case "--type" -> type = required(args[i], value);
                case "--form" -> form = required(args[i], value);
                case "--hash" -> hash = required(args[i], value);
                case "--encoding" -> encoding = required(args[i], value);
                case "--help", "-h" -> throw new IllegalArgumentException("");
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
            i++;
        }
        if (!List.of("all", "1099policy", "vertical-insure").contains(provider)) {
            throw new IllegalArgumentException("unknown provider " + provider);
        }
        if (!List.of("advanced", "timestamp", "simple").contains(form)) {
            throw new IllegalArgumentException("unknown form " + form);
        }
        return new Options(url.replaceAll("/+$", ""), provider, type, form, ConvoySignatureVerifier.Hash.parse(hash),
                ConvoySignatureVerifier.Encoding.parse(encoding));
    }

    private static String required(String option, String value) {
        if (value == null) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return value;
    }

    /** Signs and sends every selected sample; prints one line each; returns how many were not answered 2xx. */
    static int send(Options options, Path samples, Map<String, String> env, Clock clock, PrintStream out)
            throws IOException, InterruptedException {
        List<Signed> requests = sign(options, samples, env, clock);
        if (requests.isEmpty()) {
            out.println("no sample matches --provider " + options.provider() + " --type " + options.type());
            return 1;
        }
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        int failures = 0;
        for (Signed request : requests) {
            HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(options.url() + request.path()))
                    .timeout(Duration.ofSeconds(15))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(request.body()))
                    .header("Content-Type", "application/json");
            request.headers().forEach(builder::header);
            HttpResponse<String> response = http.send(builder.build(), HttpResponse.BodyHandlers.ofString());
            boolean ok = response.statusCode() / 100 == 2;
            failures += ok ? 0 : 1;
            out.printf(Locale.ROOT, "%-15s %-34s %d %s%n", request.provider(), request.type(), response.statusCode(),
                    response.body());
        }
        out.printf(Locale.ROOT, "%d sent, %d not accepted%n", requests.size(), failures);
        return failures;
    }

    static List<Signed> sign(Options options, Path samples, Map<String, String> env, Clock clock) throws IOException {
        List<Signed> signed = new ArrayList<>();
        long t = clock.instant().getEpochSecond();
        if (!options.provider().equals("vertical-insure")) {
            String secret = first(env.get("TEN99POLICY_WEBHOOK_SECRETS"), Ten99PolicyProvider.LOCAL_SECRET);
            for (Path file : files(samples.resolve("1099policy"), options.type())) {
                byte[] body = Files.readAllBytes(file);
                Map<String, String> headers = switch (options.form()) {
                    case "timestamp" -> Map.of(ConvoySignatureVerifier.TIMESTAMP_HEADER, Long.toString(t),
                            ConvoySignatureVerifier.SIGNATURE_HEADER, ConvoySignatureVerifier.signWithTimestamp(
                                    secret, t, body, options.hash(), options.encoding()));
                    case "simple" -> Map.of(ConvoySignatureVerifier.SIGNATURE_HEADER,
                            ConvoySignatureVerifier.signSimple(secret, body, options.hash(), options.encoding()));
                    default -> Map.of(ConvoySignatureVerifier.SIGNATURE_HEADER, ConvoySignatureVerifier.signAdvanced(
                            List.of(secret), t, body, options.hash(), options.encoding()));
                };
                signed.add(new Signed("1099policy", typeOf(file), "/webhooks/1099policy", headers, body));
            }
        }
        if (!options.provider().equals("1099policy")) {
            String key = first(env.get("VERTICAL_INSURE_SIGNATURE_KEYS"), VerticalInsureProvider.LOCAL_KEY);
            for (Path file : files(samples.resolve("vertical-insure"), options.type())) {
                byte[] body = Files.readAllBytes(file);
                signed.add(new Signed("vertical-insure", typeOf(file), "/webhooks/vertical-insure",
                        Map.of(VerticalInsureSignatureVerifier.SIGNATURE_HEADER,
                                VerticalInsureSignatureVerifier.sign(key, body)), body));
            }
        }
        return signed;
    }

    private static List<Path> files(Path dir, String type) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.toString().endsWith(".json"))
                    .filter(f -> type.equals("all") || typeOf(f).equals(type))
                    .sorted()
                    .toList();
        }
    }

    private static String typeOf(Path file) {
        String name = file.getFileName().toString();
        return name.substring(0, name.length() - ".json".length());
    }

    private static String first(String commaSeparated, String fallback) {
        if (commaSeparated == null || commaSeparated.isBlank()) {
            return fallback;
        }
        return commaSeparated.split(",")[0].trim();
    }
}
