package io.policywebhooks.bench;

import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.DefaultEventLoopGroup;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.policywebhooks.webhook.BenchAccess;
import io.quarkus.netty.runtime.virtual.VirtualAddress;
import io.quarkus.netty.runtime.virtual.VirtualChannel;
import io.quarkus.netty.runtime.virtual.VirtualClientConnection;
import io.quarkus.netty.runtime.virtual.VirtualResponseHandler;
import io.quarkus.netty.runtime.virtual.VirtualServerChannel;

/**
 * BENCHMARKS.md section 2b: the smallest reproduction of the hung Lambda HTTP adapter, with Quarkus's own virtual
 * channel (quarkus-netty, the version the project uses) and no Quarkus application.
 * <p>
 * A Netty server bound to a {@link VirtualServerChannel} on 4 event loops (as Vert.x binds the virtual HTTP server),
 * whose handler answers once a request's last content has arrived. Client threads each do, in a loop, what
 * Quarkus's {@code LambdaHttpHandler.nettyDispatch} does per invocation: connect, queue the request head and its
 * last content, wait for the answer; in mode {@code quarkus} the two {@code sendMessage} calls are made from the
 * client thread, as that handler makes them; in mode {@code project} they are made on the channel's event loop, as
 * {@code LambdaHttpDispatch} makes them. A request not answered within 2 s is <b>stuck</b> (with Quarkus's handler
 * it would wait forever); for each, the channel's state is printed: {@code readInProgress} (set by the event loop
 * when it found nothing to read) and the message still waiting in its inbound queue.
 * <p>
 * Options ({@code -Drace.args="…"}): {@code --threads 8 --seconds 30 --rounds 2 --modes quarkus,project}; each round
 * runs each mode once, for the given time or until 20 requests are stuck. Only in-JVM channels, no sockets.
 * Run: {@code ./mvnw -B -Pbench -DskipTests test-compile exec:exec@race}.
 */
public final class VirtualChannelRace {
    private static final VirtualAddress ADDRESS = new VirtualAddress("virtual-channel-race");
    private static final int MAX_STUCK = 20;

    public static void main(String[] args) throws Exception {
        int threads = 8;
        int seconds = 30;
        int rounds = 2;
        List<String> modes = List.of("quarkus", "project");
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--threads" -> threads = Integer.parseInt(args[i + 1]);
                case "--seconds" -> seconds = Integer.parseInt(args[i + 1]);
                case "--rounds" -> rounds = Integer.parseInt(args[i + 1]);
                case "--modes" -> modes = List.of(args[i + 1].split(","));
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        System.out.println("# The virtual channel's lost message: Quarkus's dispatch vs the project's");
        System.out.println("machine: " + Measures.machine());
        System.out.printf(Locale.ROOT, "threads %d, %d s per mode and round, %d rounds, load average %s%n", threads,
                seconds, rounds, Measures.loadAverage());
        EventLoopGroup loops = new DefaultEventLoopGroup(4);
        try {
            new ServerBootstrap().group(loops).channel(VirtualServerChannel.class)
                    .handler(new ChannelInboundHandlerAdapter())
                    .childHandler(new ChannelInitializer<VirtualChannel>() {
                        @Override
                        protected void initChannel(VirtualChannel channel) {
                            channel.pipeline().addLast(new AnswerWhenComplete());
                        }
                    }).bind(ADDRESS).sync();
            System.out.println("| round | mode | requests | answered | stuck | requests/s |");
            System.out.println("|---|---|---|---|---|---|");
            List<String> states = new ArrayList<>();
            for (int round = 1; round <= rounds; round++) {
                for (String mode : modes) {
                    states.addAll(run(round, mode, threads, seconds));
                }
            }
            states.forEach(state -> System.out.println("stuck: " + state));
        } finally {
            loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }

    /**
     * Answers 200 once the request's last content has been read, as an HTTP server does for a request with a body;
     * pauses reading when the head arrives and resumes in a later task, as Vert.x pauses a request until its handler
     * takes the body (each resume is another {@code doBeginRead}).
     */
    private static final class AnswerWhenComplete extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            boolean last = msg instanceof LastHttpContent;
            ReferenceCountUtil.release(msg);
            if (!last) {
                ctx.channel().config().setAutoRead(false);
                ctx.executor().execute(() -> ctx.channel().config().setAutoRead(true));
            } else {
                ctx.writeAndFlush(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                        Unpooled.copiedBuffer("{}", StandardCharsets.UTF_8)));
            }
        }
    }

    private static List<String> run(int round, String mode, int threads, int seconds) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        AtomicLong requests = new AtomicLong();
        AtomicLong answered = new AtomicLong();
        Queue<String> stuck = new ConcurrentLinkedQueue<>();
        List<Thread> clients = new ArrayList<>();
        long started = System.nanoTime();
        for (int t = 0; t < threads; t++) {
            Thread client = new Thread(() -> {
                while (System.nanoTime() < end && stuck.size() < MAX_STUCK) {
                    requests.incrementAndGet();
                    String state = exchange(mode);
                    if (state == null) {
                        answered.incrementAndGet();
                    } else {
                        stuck.add(mode + ", round " + round + ": " + state);
                    }
                }
            }, "race-client-" + t);
            client.start();
            clients.add(client);
        }
        for (Thread client : clients) {
            client.join();
        }
        double wall = (System.nanoTime() - started) / 1e9;
        System.out.printf(Locale.ROOT, "| %d | %s | %d | %d | %d | %.0f |%n", round, mode, requests.get(),
                answered.get(), stuck.size(), requests.get() / wall);
        return new ArrayList<>(stuck);
    }

    /** One request as LambdaHttpHandler sends it; null when answered, else the stuck channel's state. */
    private static String exchange(String mode) {
        CompletableFuture<Void> answer = new CompletableFuture<>();
        VirtualResponseHandler handler = new VirtualResponseHandler() {
            @Override
            public void handleMessage(Object msg) {
                boolean last = msg instanceof LastHttpContent;
                ReferenceCountUtil.release(msg);
                if (last) {
                    answer.complete(null);
                }
            }

            @Override
            public void close() {
                answer.completeExceptionally(new IllegalStateException("closed"));
            }
        };
        VirtualClientConnection<?> connection = VirtualClientConnection.connect(handler, ADDRESS, null);
        DefaultHttpRequest head = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/webhooks/x");
        DefaultLastHttpContent body = new DefaultLastHttpContent(Unpooled.copiedBuffer("{}", StandardCharsets.UTF_8));
        if (mode.equals("quarkus")) {
            connection.sendMessage(head); // LambdaHttpHandler.java:247-248 (quarkus-amazon-lambda-http 3.33.2)
            connection.sendMessage(body);
        } else {
            BenchAccess.sendOnEventLoop(connection, head, body);
        }
        try {
            answer.get(2, TimeUnit.SECONDS);
            return null;
        } catch (TimeoutException e) {
            return state(connection.peer());
        } catch (Exception e) {
            return e.toString();
        } finally {
            connection.close();
        }
    }

    /** The channel's read flag and the head of its inbound queue (package-private in quarkus-netty). */
    private static String state(VirtualChannel channel) {
        try {
            Field readInProgress = VirtualChannel.class.getDeclaredField("readInProgress");
            readInProgress.setAccessible(true);
            Field inbound = VirtualChannel.class.getDeclaredField("inboundBuffer");
            inbound.setAccessible(true);
            Object waiting = ((Queue<?>) inbound.get(channel)).peek();
            return "active=" + channel.isActive() + ", readInProgress=" + readInProgress.get(channel)
                    + ", waiting in the inbound queue: " + (waiting == null ? "nothing" : waiting.getClass()
                            .getSimpleName());
        } catch (ReflectiveOperationException e) {
            return "state unknown: " + e;
        }
    }

    private VirtualChannelRace() {
    }
}
