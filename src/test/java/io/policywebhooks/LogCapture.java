package io.policywebhooks;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

/**
 * Captures the application's log records (messages with their stack traces) while open: the root logger's and the
 * request log's, which does not reach the root.
 */
public final class LogCapture extends Handler implements AutoCloseable {
    public static final String REQUESTS = "io.policywebhooks.requests";

    private final List<String> lines = new ArrayList<>();
    private final List<String> requestLines = new ArrayList<>();
    private final SimpleFormatter formatter = new SimpleFormatter();
    private final List<Logger> loggers = List.of(Logger.getLogger(""), Logger.getLogger(REQUESTS));

    public LogCapture() {
        loggers.forEach(logger -> logger.addHandler(this));
    }

    @Override
    public synchronized void publish(LogRecord record) {
        String text = formatter.formatMessage(record);
        if (record.getThrown() != null) {
            StringWriter trace = new StringWriter();
            record.getThrown().printStackTrace(new PrintWriter(trace));
            text += trace;
        }
        lines.add(text);
        if (REQUESTS.equals(record.getLoggerName())) {
            requestLines.add(text);
        }
    }

    /** Every captured line. */
    public synchronized List<String> lines() {
        return List.copyOf(lines);
    }

    /** The request log's lines: one JSON document per request. */
    public synchronized List<String> requestLines() {
        return List.copyOf(requestLines);
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
        loggers.forEach(logger -> logger.removeHandler(this));
    }
}
