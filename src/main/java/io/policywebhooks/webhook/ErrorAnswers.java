package io.policywebhooks.webhook;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** Every error the framework raises (404, 405, 415, …) and any fault answer small JSON, never a stack trace. */
public class ErrorAnswers {
    private static final Logger LOG = Logger.getLogger(ErrorAnswers.class);

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
        // The class name only: a message could echo request content.
        LOG.errorf("unexpected failure: %s", e.getClass().getName());
        return error(500, "internal error").build();
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
                return known == null ? "error" : known.getReasonPhrase().toLowerCase();
        }
    }

    private static Response.ResponseBuilder error(int status, String reason) {
        return Response.status(status).type(MediaType.APPLICATION_JSON)
                .entity(WebhookService.JSON.createObjectNode().put("error", reason).toString());
    }
}
