package io.policywebhooks.webhook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import org.junit.jupiter.api.Test;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;

import io.quarkus.amazon.lambda.http.LambdaHttpHandler;
import io.quarkus.arc.Arc;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The handler the Lambda runtime gets is {@link LambdaHttpDispatch} in front of Quarkus's, and it answers as
 * Quarkus's does. (Every rest-assured test goes through it as well; that the lost message is gone is shown by the
 * bench's {@code VirtualChannelRace}: a race too rare for a quick test.)
 */
@QuarkusTest
class LambdaHttpDispatchTest {
    /** The Lambda recorder asks the container for the extension's handler bean: it must come decorated. */
    private static APIGatewayV2HTTPResponse invoke(APIGatewayV2HTTPEvent event) {
        return Arc.container().instance(LambdaHttpHandler.class).get().handleRequest(event, null);
    }

    @Test
    void anEventWithoutMethodGetsTheProjectsErrorAnswerNotQuarkus() {
        APIGatewayV2HTTPResponse response = invoke(new APIGatewayV2HTTPEvent());
        assertEquals(500, response.getStatusCode());
        assertEquals("{\"error\":\"internal error\"}", response.getBody());
    }

    @Test
    void requestsGoThroughTheVirtualChannelBothWays() {
        APIGatewayV2HTTPEvent event = APIGatewayV2HTTPEvent.builder()
                .withRawPath("/webhooks/nobody")
                .withHeaders(Map.of("Content-Type", "application/json", "Accept", "application/json,text/plain"))
                .withBody("{\"a\":1}")
                .withRequestContext(APIGatewayV2HTTPEvent.RequestContext.builder()
                        .withHttp(APIGatewayV2HTTPEvent.RequestContext.Http.builder().withMethod("POST")
                                .withSourceIp("192.0.2.7").build())
                        .build())
                .build();
        for (int i = 0; i < 200; i++) {
            APIGatewayV2HTTPResponse response = invoke(event);
            assertEquals(404, response.getStatusCode());
            assertEquals("{\"error\":\"not found\"}", response.getBody());
            assertTrue(response.getHeaders().get("Content-Type").startsWith("application/json"),
                    response.getHeaders().toString());
        }
    }
}
