package io.policywebhooks.webhook;

import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import jakarta.annotation.Priority;
import jakarta.decorator.Decorator;
import jakarta.decorator.Delegate;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerAdapter;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.FileRegion;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.quarkus.netty.runtime.virtual.VirtualClientConnection;
import io.quarkus.netty.runtime.virtual.VirtualResponseHandler;
import io.quarkus.vertx.http.runtime.QuarkusHttpHeaders;
import io.quarkus.vertx.http.runtime.VertxHttpRecorder;
import io.vertx.core.net.SocketAddress;
import io.vertx.core.net.impl.ConnectionBase;

/**
 * The Lambda HTTP extension's handler (Quarkus's {@code LambdaHttpHandler}, which turns each API Gateway v2 event into
 * an HTTP request on a virtual Netty channel to Vert.x and waits for the answer), with one difference: the request is
 * handed to the channel on the channel's own event loop.
 * <p>
 * Quarkus's handler calls {@code VirtualClientConnection.sendMessage} from the invoking thread. That method queues the
 * message and then, on the invoking thread, reads the channel's {@code readInProgress} flag, which the event loop
 * sets in {@code VirtualChannel.doBeginRead} after finding the queue empty. When the event loop checks the queue just
 * before the message is queued and sets the flag just after the invoking thread read it, nobody reads the message:
 * the channel waits for a read that already happened, Vert.x for the rest of the request, and the invocation waits
 * forever ({@code CompletableFuture.get()} without a timeout). On the same thread the check and the flag cannot
 * interleave. {@code VirtualChannelDispatchTest} holds that schedule and shows the message lost Quarkus's way and
 * answered this way; docs/lambda-http-adapter.md has Quarkus's source lines, BENCHMARKS.md section 2b the soak.
 * <p>
 * A decorator because the extension allows no other handler class in the application; everything else (headers,
 * cookies, base64 bodies, the answer's conversion) is what Quarkus 3.33's handler does.
 */
@Decorator
@Priority(1)
public abstract class LambdaHttpDispatch implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {
    private static final Logger LOG = Logger.getLogger("quarkus.amazon.lambda.http");
    /** Header values API Gateway joins with commas that must not be split again. */
    private static final Set<String> COMMA_HEADERS = Set.of("access-control-request-headers");

    @Inject
    @Delegate
    RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> quarkusHandler;

    @Override
    public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
        try {
            return dispatch(event, context);
        } catch (Exception e) {
            LOG.errorf("Request Failure: %s", ErrorAnswers.where(e)); // types and frames, no message
            APIGatewayV2HTTPResponse failure = new APIGatewayV2HTTPResponse();
            failure.setStatusCode(500);
            failure.setBody("{\"error\":\"internal error\"}");
            failure.setMultiValueHeaders(Map.of("Content-Type", List.of("application/json")));
            return failure;
        }
    }

    private static APIGatewayV2HTTPResponse dispatch(APIGatewayV2HTTPEvent event, Context context) throws Exception {
        APIGatewayV2HTTPEvent.RequestContext.Http http = event.getRequestContext() == null ? null
                : event.getRequestContext().getHttp();
        if (http == null || http.getMethod() == null) {
            throw new IllegalStateException("Missing HTTP method in request event");
        }
        QuarkusHttpHeaders headers = new QuarkusHttpHeaders();
        headers.setContextObject(Context.class, context);
        headers.setContextObject(APIGatewayV2HTTPEvent.class, event);
        headers.setContextObject(APIGatewayV2HTTPEvent.RequestContext.class, event.getRequestContext());
        String query = event.getRawQueryString();
        String uri = query == null || query.isEmpty() ? event.getRawPath() : event.getRawPath() + '?' + query;
        DefaultHttpRequest request = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.valueOf(http.getMethod()),
                uri, headers);
        if (event.getHeaders() != null) {
            event.getHeaders().forEach((name, value) -> {
                if (value == null) {
                    return;
                }
                if (COMMA_HEADERS.contains(name.toLowerCase(Locale.ROOT))) {
                    request.headers().add(name, value);
                } else {
                    for (String part : value.split(",")) {
                        request.headers().add(name, part);
                    }
                }
            });
        }
        if (event.getCookies() != null) {
            request.headers().add(HttpHeaderNames.COOKIE, String.join("; ", event.getCookies()));
        }
        if (!request.headers().contains(HttpHeaderNames.HOST)) {
            request.headers().add(HttpHeaderNames.HOST, "localhost");
        }
        LastHttpContent content = LastHttpContent.EMPTY_LAST_CONTENT;
        if (event.getBody() != null) {
            request.headers().add(HttpHeaderNames.TRANSFER_ENCODING, "chunked");
            content = new DefaultLastHttpContent(event.getIsBase64Encoded()
                    ? Unpooled.wrappedBuffer(Base64.getDecoder().decode(event.getBody()))
                    : Unpooled.copiedBuffer(event.getBody(), StandardCharsets.UTF_8));
        }

        String sourceIp = http.getSourceIp();
        Answer answer = new Answer();
        VirtualClientConnection<?> connection = VirtualClientConnection.connect(answer, VertxHttpRecorder.VIRTUAL_HTTP,
                sourceIp == null ? null : new InetSocketAddress(sourceIp, 443));
        if (sourceIp != null && !sourceIp.isEmpty()) {
            String forwardedPort = event.getHeaders() == null ? null : event.getHeaders().get("X-Forwarded-Port");
            connection.peer().attr(ConnectionBase.REMOTE_ADDRESS_OVERRIDE).set(SocketAddress.inetSocketAddress(
                    forwardedPort == null ? 443 : Integer.parseInt(forwardedPort), sourceIp));
        }
        sendOnEventLoop(connection, request, content);
        try {
            return answer.future.get();
        } finally {
            connection.close();
        }
    }

    /**
     * Queues the messages from the channel's event loop: a handler added to the channel's pipeline has its
     * {@code handlerAdded} called there, once the channel is registered (at once if it already is).
     */
    static void sendOnEventLoop(VirtualClientConnection<?> connection, Object... messages) {
        connection.peer().pipeline().addFirst(new ChannelHandlerAdapter() {
            @Override
            public void handlerAdded(ChannelHandlerContext ctx) {
                ctx.pipeline().remove(this);
                for (Object message : messages) {
                    connection.sendMessage(message);
                }
            }
        });
    }

    /** Collects the answer written to the virtual channel into an API Gateway v2 response. */
    private static final class Answer implements VirtualResponseHandler {
        final CompletableFuture<APIGatewayV2HTTPResponse> future = new CompletableFuture<>();
        private final APIGatewayV2HTTPResponse response = new APIGatewayV2HTTPResponse();
        private final ByteArrayOutputStream body = new ByteArrayOutputStream();

        @Override
        public void handleMessage(Object msg) {
            try {
                if (msg instanceof HttpResponse head) {
                    response.setStatusCode(head.status().code());
                    Map<String, String> headers = new HashMap<>();
                    for (String name : head.headers().names()) {
                        List<String> values = head.headers().getAll(name);
                        if (name.equalsIgnoreCase("set-cookie")) {
                            response.setCookies(values); // joined with commas they could not be told apart
                        } else if (!values.isEmpty()) {
                            // chunked framing means nothing in a Lambda answer and corrupts it
                            List<String> kept = name.equalsIgnoreCase("transfer-encoding")
                                    ? values.stream().filter(v -> !v.equals("chunked")).toList() : values;
                            headers.put(name, String.join(",", kept));
                        }
                    }
                    response.setHeaders(headers);
                }
                if (msg instanceof HttpContent part) {
                    part.content().readBytes(body, part.content().readableBytes());
                }
                if (msg instanceof FileRegion file && file.count() > 0 && file.transferred() < file.count()) {
                    file.transferTo(Channels.newChannel(body), file.transferred());
                }
                if (msg instanceof LastHttpContent) {
                    if (body.size() > 0) {
                        if (isText(response.getHeaders().get("Content-Type"))) {
                            response.setBody(body.toString(StandardCharsets.UTF_8));
                        } else {
                            response.setIsBase64Encoded(true);
                            response.setBody(Base64.getEncoder().encodeToString(body.toByteArray()));
                        }
                    }
                    future.complete(response);
                }
            } catch (Throwable e) {
                future.completeExceptionally(e);
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        @Override
        public void close() {
            future.completeExceptionally(new IllegalStateException("Connection closed"));
        }

        private static boolean isText(String contentType) {
            if (contentType == null) {
                return false;
            }
            String type = contentType.toLowerCase(Locale.ROOT);
            return type.startsWith("text") || type.contains("json") || type.contains("yaml")
                    || (type.contains("xml") && !type.contains("openxmlformats"));
        }
    }
}
