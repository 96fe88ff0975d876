package io.policywebhooks.webhook;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;

import io.policywebhooks.provider.Headers;

/**
 * The HTTP edge: {@code POST /webhooks/<provider name>} to the provider of that name (404 for
 * any other), raw body and headers in, one call to {@link WebhookService}, a status and small JSON out. The Lambda
 * invocation and the API Gateway event (request-scoped beans of the Lambda HTTP extension) give only their request
 * ids, for the log line.
 */
@Path("/webhooks")
@Consumes(MediaType.WILDCARD)
@Produces(MediaType.APPLICATION_JSON)
public class WebhookResource {
    private final WebhookService service;
    private final WebhookProviders providers;

    public WebhookResource(WebhookService service, WebhookProviders providers) {
        this.service = service;
        this.providers = providers;
    }

    @POST
    @Path("/{provider}")
    public Response receive(@PathParam("provider") String name, byte[] body, @Context HttpHeaders headers,
            @Context com.amazonaws.services.lambda.runtime.Context lambda, @Context APIGatewayV2HTTPEvent event) {
        Endpoint endpoint = providers.get(name);
        if (endpoint == null) {
            throw new NotFoundException(); // answered by ErrorAnswers as {"error":"not found"}
        }
        Outcome outcome = service.receive(endpoint, body == null ? new byte[0] : body,
                Headers.ofMulti(headers.getRequestHeaders()), Invocation.of(lambda, event));
        return Response.status(outcome.status()).type(MediaType.APPLICATION_JSON).entity(Answer.of(outcome)).build();
    }
}
