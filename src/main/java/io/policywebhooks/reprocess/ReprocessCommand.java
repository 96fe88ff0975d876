package io.policywebhooks.reprocess;

import java.io.PrintStream;
import java.net.URI;
import java.net.URL;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.policywebhooks.provider.Providers;
import io.policywebhooks.provider.WebhookProvider;
import io.policywebhooks.store.ReprocessStore;
import io.policywebhooks.store.Schema;
import io.policywebhooks.webhook.WebhookConfig;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClientBuilder;

/**
 * The operator's command: reprocess stored events after a mapping change ({@link Reprocessor}), with the operator's
 * own AWS credentials and region (the SDK's default chains), against a deployed stack's tables or, with
 * {@code --endpoint}, the local dynalite. Run from the source checkout (README "Reprocessing stored events"):
 * {@code ./mvnw -q -B compile exec:exec@reprocess -Dreprocess.args="--provider NAME --from … --to …"}.
 *
 * <p>Never run inside the Lambda function: nothing there references this package.
 *
 * <p>Exit status: 0 when no selected event failed (orphans left in place are listed, not failures), 1 when any
 * failed or reading the selection or the orphan scan failed, 2 for a usage error.
 */
public final class ReprocessCommand {
    private static final String HELP = "--help";
    static final int PROGRESS_EVERY = 1_000;
    static final long PROGRESS_INTERVAL_MILLIS = 10_000;

    static final String USAGE = """
            usage: reprocess SELECTION [--dry-run] [--remove-orphans] [--endpoint URL] [--region REGION] [--page-size N]
                             [--events-table NAME] [--policies-table NAME] [--assignments-table NAME]
              SELECTION, one or more (all must hold), or --all:
                --provider NAME    events of this provider (%s)
                --type TYPE        events of this type (queries the type-received_at-keys index)
                --from TIME        received at or after TIME (ISO-8601: 2026-11-30T08:00:00Z, or a date: 2026-11-30)
                --to TIME          received before TIME
                --event-id ID      this event (repeatable; read by key)
                --all              every stored event
              --dry-run            read and map the selected events, list orphans; write nothing
              --remove-orphans     remove the state items a selected event no longer gives (while they
                                   still name it as their last event)
              --endpoint URL       a local DynamoDB, e.g. http://127.0.0.1:8000 (default: AWS)
              --region REGION      default: the SDK's region chain (AWS_REGION, the profile)
              --page-size N        items per Scan/Query page (default: DynamoDB's 1 MB pages)
              table names default to EVENTS_TABLE, POLICIES_TABLE, ASSIGNMENTS_TABLE, else the local names
            """;

    private ReprocessCommand() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.getenv(), System.out, System.err));
    }

    /** The parsed command line. */
    record Options(Selection selection, boolean dryRun, boolean removeOrphans, URI endpoint, String region, Integer pageSize,
            Schema.TableNames tables) {
    }

    /** A command line that cannot run; the message says why. */
    static final class UsageException extends Exception {
        UsageException(String message) {
            super(message);
        }
    }

    /** Runs the command: the summary on {@code out}, progress and failures on {@code err}. @return the exit status */
    static int run(String[] args, Map<String, String> environment, PrintStream out, PrintStream err) {
        Options options;
        try {
            options = parse(args, environment);
        } catch (UsageException e) {
            if (HELP.equals(e.getMessage())) {
                out.print(usage());
                return 0;
            }
            err.println("reprocess: " + e.getMessage());
            err.print(usage());
            return 2;
        }
        try (DynamoDbClient dynamo = client(options)) {
            Reprocessor reprocessor = new Reprocessor(new ReprocessStore(dynamo, options.tables(), options.pageSize()),
                    Providers.all(), Clock.systemUTC(), PROGRESS_EVERY, PROGRESS_INTERVAL_MILLIS);
            Reprocessor.Summary summary;
            try {
                summary = reprocessor.run(options.selection(), options.dryRun(), options.removeOrphans(),
                        new Reporter(err));
            } catch (Reprocessor.Aborted e) {
                err.println("reprocess: " + e.getMessage());
                out.println(options.dryRun() ? "dry run, aborted: " + e.soFar().dryRun() : "aborted: " + e.soFar());
                return 1;
            }
            out.println(options.dryRun() ? "dry run: " + summary.dryRun() : summary.toString());
            return summary.failed() == 0 ? 0 : 1;
        }
    }

    static String usage() {
        return String.format(USAGE, String.join(", ", Providers.all().stream().map(WebhookProvider::name).toList()));
    }

    static Options parse(String[] args, Map<String, String> environment) throws UsageException {
        Selection selection = Selection.all();
        List<String> ids = new ArrayList<>();
        boolean all = false;
        boolean criterion = false;
        boolean dryRun = false;
        boolean removeOrphans = false;
        Instant from = null;
        Instant until = null;
        URI endpoint = null;
        String region = null;
        Integer pageSize = null;
        Schema.TableNames stack = tables(environment);
        String events = stack.events();
        String policies = stack.policies();
        String assignments = stack.assignments();
        for (int i = 0; i < args.length; i++) {
            String option = args[i];
            switch (option) {
                case "--all" -> all = true;
                case "--dry-run" -> dryRun = true;
                case "--remove-orphans" -> removeOrphans = true;
                case "--help", "-h" -> throw new UsageException(HELP);
                default -> {
                    if (i + 1 >= args.length || args[i + 1].isBlank()) {
                        throw new UsageException(option + " needs a value");
                    }
                    String value = args[++i];
                    switch (option) {
                        case "--provider" -> {
                            if (Providers.all().stream().noneMatch(p -> p.name().equals(value))) {
                                throw new UsageException("unknown provider " + value);
                            }
                            selection = selection.withProvider(value);
                            criterion = true;
                        }
                        case "--type" -> {
                            selection = selection.withType(value);
                            criterion = true;
                        }
                        case "--from" -> {
                            from = time(option, value);
                            criterion = true;
                        }
                        case "--to" -> {
                            until = time(option, value);
                            criterion = true;
                        }
                        case "--event-id" -> {
                            ids.add(value);
                            criterion = true;
                        }
                        case "--endpoint" -> endpoint = endpoint(value);
                        case "--region" -> region = value;
                        case "--page-size" -> pageSize = positive(option, value);
                        case "--events-table" -> events = value;
                        case "--policies-table" -> policies = value;
                        case "--assignments-table" -> assignments = value;
                        default -> throw new UsageException("unknown option " + option);
                    }
                }
            }
        }
        if (all == criterion) {
            throw new UsageException(all ? "--all selects everything: give it without other criteria"
                    : "select events (--provider, --type, --from, --to, --event-id) or give --all");
        }
        try {
            selection = selection.withReceived(from, until).withEventIds(ids);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        return new Options(selection, dryRun, removeOrphans, endpoint, region, pageSize,
                new Schema.TableNames(events, policies, assignments));
    }

    /**
     * The function's table names under {@code environment}: application.properties read as the function reads it
     * (its variables, else its defaults).
     */
    static Schema.TableNames tables(Map<String, String> environment) {
        return WebhookConfig.load(environment).getConfigMapping(WebhookConfig.class).tables().names();
    }

    /** An instant with an offset ({@code Z} or {@code +01:00}), or a date (its start, UTC). */
    static Instant time(String option, String value) throws UsageException {
        try {
            return OffsetDateTime.parse(value).toInstant();
        } catch (DateTimeException notDateTime) {
            try {
                return LocalDate.parse(value).atStartOfDay(ZoneOffset.UTC).toInstant();
            } catch (DateTimeException notDate) {
                throw new UsageException(option + " takes an ISO-8601 time with offset (2026-11-30T08:00:00Z) or "
                        + "a date (2026-11-30): " + value);
            }
        }
    }

    private static URI endpoint(String value) throws UsageException {
        try {
            URI uri = URI.create(value);
            if (uri.getScheme() == null || uri.getHost() == null) {
                throw new IllegalArgumentException();
            }
            return uri;
        } catch (IllegalArgumentException e) {
            throw new UsageException("--endpoint takes a URL such as http://127.0.0.1:8000: " + value);
        }
    }

    private static Integer positive(String option, String value) throws UsageException {
        try {
            int n = Integer.parseInt(value);
            if (n > 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw new UsageException(option + " takes a positive number: " + value);
    }

    /**
     * The SDK's default credential and region chains (environment, profile, SSO, instance role) and its default
     * retries (standard mode; {@code AWS_MAX_ATTEMPTS} and {@code AWS_RETRY_MODE} change them), created per run.
     */
    private static DynamoDbClient client(Options options) {
        DynamoDbClientBuilder builder = DynamoDbClient.builder().httpClientBuilder(UrlConnectionHttpClient.builder());
        if (options.endpoint() != null) {
            builder.endpointOverride(options.endpoint());
        }
        if (options.region() != null) {
            builder.region(Region.of(options.region()));
        }
        return builder.build();
    }

    /** Progress and failures on stderr, one line each (event ids only: never a body). */
    private record Reporter(PrintStream err) implements Reprocessor.Listener {
        @Override
        public void failed(String eventId, String reason) {
            err.println("reprocess: failed " + eventId + ": " + reason);
        }

        @Override
        public void idChanged(String storedId, String mappedId) {
            err.println("reprocess: " + storedId + " now maps to event id " + mappedId + "; kept under " + storedId);
        }

        @Override
        public void leftOut(String eventId, List<String> names) {
            err.println("reprocess: " + eventId + ": left out what DynamoDB refuses: " + String.join(", ", names));
        }

        @Override
        public void orphan(String table, String key, String eventId, Reprocessor.Orphan what) {
            err.println("reprocess: orphan in " + table + ": " + key + " names " + eventId
                    + " as its last event, which no longer gives it; " + switch (what) {
                        case FOUND -> "listed (--remove-orphans removes it)";
                        case REMOVED -> "removed";
                        case NAMES_ANOTHER_EVENT -> "not removed: it names another event now";
                    });
        }

        @Override
        public void progress(Reprocessor.Summary soFar) {
            err.println("reprocess: ... " + soFar);
        }
    }
}
