package io.policywebhooks.webhook;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import io.policywebhooks.ten99policy.Ten99PolicyProvider;
import io.policywebhooks.verticalinsure.VerticalInsureProvider;

/** The HTTP edge: raw body and headers in, one call to {@link WebhookService}, a status and small JSON out. */
@Path("/webhooks")
@Consumes(MediaType.WILDCARD)
@Produces(MediaType.APPLICATION_JSON)
public class WebhookResource {
    private final WebhookService service;
    private final Ten99PolicyProvider ten99policy;
    private final VerticalInsureProvider verticalInsure;

    public WebhookResource(WebhookService service, Ten99PolicyProvider ten99policy,
            VerticalInsureProvider verticalInsure) {
        this.service = service;
        this.ten99policy = ten99policy;
        this.verticalInsure = verticalInsure;
    }

    @POST
    @Path("/1099policy")
    public Response ten99policy(byte[] body, @Context HttpHeaders headers) {
        return answer(service.receive(ten99policy, body(body), Headers.ofMulti(headers.getRequestHeaders())));
    }

    @POST
    @Path("/vertical-insure")
    public Response verticalInsure(byte[] body, @Context HttpHeaders headers) {
        return answer(service.receive(verticalInsure, body(body), Headers.ofMulti(headers.getRequestHeaders())));
    }

    private static byte[] body(byte[] body) {
        return body == null ? new byte[0] : body;
    }

    static Response answer(Outcome outcome) {
        var json = WebhookService.JSON.createObjectNode();
        if (outcome.error() == null) {
            json.put("event_id", outcome.eventId()).put("duplicate", outcome.duplicate());
        } else {
            json.put("error", outcome.error());
        }
        return Response.status(outcome.status()).type(MediaType.APPLICATION_JSON).entity(json.toString()).build();
    }
}
