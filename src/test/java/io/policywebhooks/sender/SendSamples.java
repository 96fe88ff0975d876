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
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

import io.policywebhooks.Signers;
import io.policywebhooks.WebhookSigner;

/**
 * Signs and sends the providers' sample events to a receiver, like {@code stripe trigger}: the local one or the
 * deployed API. Signs with each provider's {@link WebhookSigner}, found by {@link Signers}; samples are read from
 * {@code src/test/resources/samples/<provider>/<type>.json}. Run it with {@code src/local/send-samples}.
 */
public final class SendSamples {
    static final String USAGE = String.join("\n",
            "usage: send-samples [--url URL] [--provider NAME|all] [--type TYPE|all] [--OPTION VALUE …]",
            "  --url       receiver base URL (default http://localhost:8080; after deploy: the stack's API URL)",
            "  --provider  one provider's samples, or all (default: every provider of the production build)",
            "  --type      one event type, e.g. policy.active or policy_bind_complete (default all)",
            "  any other --OPTION VALUE goes to the provider's signer, e.g. for 1099Policy --form advanced|timestamp|simple",
            "              (Convoy's signature forms), --hash SHA512|SHA256, --encoding hex|base64",
            "Each provider's secret comes from its variable (TEN99POLICY_WEBHOOK_SECRETS, VERTICAL_INSURE_SIGNATURE_KEYS, …;",
            "the first of each), else its local development default.");

    /** @param signerOptions the options the shared sender does not know, for the signers */
    record Options(String url, String provider, String type, Map<String, String> signerOptions) {
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
        Map<String, String> signerOptions = new HashMap<>();
        for (int i = 0; i < args.length; i += 2) {
            String value = i + 1 < args.length ? args[i + 1] : null;
            switch (args[i]) {
                case "--url" -> url = required(args[i], value);
                case "--provider" -> provider = required(args[i], value);
                case "--type" -> type = required(args[i], value);
                case "--help", "-h" -> throw new IllegalArgumentException("");
                default -> {
                    if (!args[i].startsWith("--")) {
                        throw new IllegalArgumentException("unknown argument " + args[i]);
                    }
                    signerOptions.put(args[i].substring(2), required(args[i], value));
                }
            }
        }
        if (!provider.equals("all")) {
            Signers.of(provider); // refuses an unknown name
        }
        return new Options(url.replaceAll("/+$", ""), provider, type, Map.copyOf(signerOptions));
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
        List<WebhookSigner> signers = options.provider().equals("all")
                ? Signers.production()
                : List.of(Signers.of(options.provider()));
        List<Signed> signed = new ArrayList<>();
        long t = clock.instant().getEpochSecond();
        for (WebhookSigner signer : signers) {
            String secret = first(env.get(signer.secretsVariable()), signer.localSecret());
            for (Path file : files(samples.resolve(signer.provider()), options.type())) {
                byte[] body = Files.readAllBytes(file);
                signed.add(new Signed(signer.provider(), typeOf(file), "/webhooks/" + signer.provider(),
                        signer.headers(secret, body, t, options.signerOptions()), body));
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
