package io.policywebhooks.webhook;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Locale;
import java.util.Set;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** Every error the framework raises (404, 405, 415, …) and any fault answer small JSON, never a stack trace. */
public class ErrorAnswers {
    private static final Logger LOG = Logger.getLogger(ErrorAnswers.class);
    /** Enough frames to find the failing line from a log line, few enough to keep it one readable line. */
    private static final int FRAMES = 6;
    /** Causes followed at most; a cause chain can loop (A caused by B caused by A). */
    private static final int CAUSES = 8;

    @ServerExceptionMapper
    public Response http(WebApplicationException e) {
        Response original = e.getResponse();
        int status = original.getStatus();
        Response.ResponseBuilder answer = error(status, reason(status));
        String allow = original.getHeaderString(HttpHeaders.ALLOW);
        if (allow != null) {
            answer.header(HttpHeaders.ALLOW, allow);
        }
        return answer.build();
    }

    @ServerExceptionMapper
    public Response fault(Throwable e) {
        // Class names and code locations only: a message could echo request content, a frame cannot.
        LOG.errorf("unexpected failure: %s", where(e));
        return error(500, "internal error").build();
    }

    /** {@code Type at frame < frame …}, for each cause in turn (a few, each once), with no exception message. */
    static String where(Throwable e) {
        StringBuilder text = new StringBuilder();
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Throwable t = e; t != null && seen.size() < CAUSES && seen.add(t); t = t.getCause()) {
            text.append(text.length() == 0 ? "" : "; caused by ").append(t.getClass().getName());
            StackTraceElement[] frames = t.getStackTrace();
            for (int i = 0; i < Math.min(frames.length, FRAMES); i++) {
                text.append(i == 0 ? " at " : " < ").append(frames[i]);
            }
        }
        return text.toString();
    }

    private static String reason(int status) {
        switch (status) {
            case 404:
                return "not found";
            case 405:
                return "method not allowed";
            case 413:
                return "body too large";
            case 415:
                return "unsupported media type";
            default:
                Response.Status known = Response.Status.fromStatusCode(status);
                return known == null ? "error" : known.getReasonPhrase().toLowerCase(Locale.ROOT);
        }
    }

    private static Response.ResponseBuilder error(int status, String reason) {
        return Response.status(status).type(MediaType.APPLICATION_JSON).entity(Answer.error(reason));
    }
}
