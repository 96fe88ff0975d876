package io.policywebhooks;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A loopback TCP proxy in front of dynalite that can fail like DynamoDB does: refuse service, hang, throttle, answer
 * late, or apply a request and lose its answer. Tests switch it with {@link #set} and {@link #loseAnswers} (JVM-wide
 * system properties, because Quarkus loads test classes and test resources in different class loaders).
 */
public final class FaultProxy implements AutoCloseable {
    public enum Mode {
        /** forward to dynalite */
        UP,
        /** accept and drop every connection: DynamoDB unreachable */
        DOWN,
        /** hold every request past the SDK's attempt timeout */
        SLOW,
        /** answer every request with DynamoDB's throttling error */
        THROTTLE,
        /**
         * forward each request to dynalite, which applies it, but lose the answer of the chosen ones
         * ({@link #loseAnswers}): the connection closes where the answer was due, as when a network path fails
         */
        LOSE_ANSWER,
        /** forward, holding each answer {@link #DELAY_MILLIS} before passing it on */
        DELAY
    }

    private static final String PROPERTY = "test.fault-proxy.mode";
    private static final String LOSE_TARGET = "test.fault-proxy.lose.target";
    private static final String LOSE_TABLE = "test.fault-proxy.lose.table";
    private static final String LOSE_LEFT = "test.fault-proxy.lose.left";
    private static final String LOST = "test.fault-proxy.lost";
    private static final String DELAY = "test.fault-proxy.delay-millis";
    private static final Object LOSING = new Object();

    private final ServerSocket server;
    private final int targetPort;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    public static void set(Mode mode) {
        System.setProperty(PROPERTY, mode.name());
    }

    /**
     * Switches to {@link Mode#LOSE_ANSWER}: the next {@code times} requests of {@code operation} (e.g.
     * {@code PutItem}) to {@code table} are applied by dynalite and their answers lost; every other request passes.
     */
    public static void loseAnswers(String operation, String table, int times) {
        synchronized (LOSING) {
            System.setProperty(LOSE_TARGET, "DynamoDB_20120810." + operation);
            System.setProperty(LOSE_TABLE, "\"TableName\":\"" + table + "\"");
            System.setProperty(LOSE_LEFT, Integer.toString(times));
            System.setProperty(LOST, "0");
        }
        set(Mode.LOSE_ANSWER);
    }

    /** How many answers were lost since {@link #loseAnswers}: a test checks the fault really happened. */
    public static int answersLost() {
        return Integer.parseInt(System.getProperty(LOST, "0"));
    }

    /** Switches to {@link Mode#DELAY}: every answer reaches the client {@code millis} late. */
    public static void delayAnswers(long millis) {
        System.setProperty(DELAY, Long.toString(millis));
        set(Mode.DELAY);
    }

    static Mode mode() {
        return Mode.valueOf(System.getProperty(PROPERTY, Mode.UP.name()).toUpperCase(Locale.ROOT));
    }

    public FaultProxy(int targetPort) throws IOException {
        this.targetPort = targetPort;
        this.server = new ServerSocket(0, 100, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::acceptLoop, "fault-proxy");
        acceptor.setDaemon(true);
        acceptor.start();
        Thread watcher = new Thread(this::dropConnectionsOnFault, "fault-proxy-watch");
        watcher.setDaemon(true);
        watcher.start();
    }

    public int port() {
        return server.getLocalPort();
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                Socket client = server.accept();
                Thread handler = new Thread(() -> handle(client), "fault-proxy-conn");
                handler.setDaemon(true);
                handler.start();
            } catch (IOException e) {
                if (closed) {
                    return;
                }
            }
        }
    }

    /** Pooled keep-alive connections must not outlive a switch to a fault. */
    private void dropConnectionsOnFault() {
        while (!closed) {
            if (mode() != Mode.UP) {
                open.forEach(FaultProxy::closeQuietly);
            }
            sleep(20);
        }
    }

    private void handle(Socket client) {
        try {
            switch (mode()) {
                case DOWN:
                    closeQuietly(client);
                    return;
                case SLOW:
                    sleep(5_000);
                    closeQuietly(client);
                    return;
                case THROTTLE:
                    throttle(client);
                    return;
                case LOSE_ANSWER:
                case DELAY:
                    exchange(client);
                    return;
                default:
                    forward(client);
            }
        } catch (IOException e) {
            closeQuietly(client);
        }
    }

    private void forward(Socket client) throws IOException {
        Socket upstream = new Socket(InetAddress.getLoopbackAddress(), targetPort);
        open.add(client);
        open.add(upstream);
        Thread back = new Thread(() -> pump(upstream, client, false), "fault-proxy-back");
        back.setDaemon(true);
        back.start();
        pump(client, upstream, true);
    }

    /**
     * @param requests whether this is the client-to-dynalite direction: there every chunk is checked against the
     *        mode, so a request sent on a pooled connection right after a switch to a fault never reaches dynalite
     *        (the watcher alone left a window of up to 20 ms in which it still did)
     */
    private void pump(Socket from, Socket to, boolean requests) {
        byte[] buffer = new byte[16 * 1024];
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            int n;
            while ((n = in.read(buffer)) >= 0) {
                if (requests && mode() != Mode.UP) {
                    break; // both sockets are closed below
                }
                out.write(buffer, 0, n);
                out.flush();
            }
        } catch (IOException ignored) {
            // either side closed
        } finally {
            open.remove(from);
            open.remove(to);
            closeQuietly(from);
            closeQuietly(to);
        }
    }

    /**
     * One request at a time, each on a connection of its own to dynalite, so each answer is known whole: passed on
     * (after the delay in {@link Mode#DELAY}), or lost when the request is one chosen by {@link #loseAnswers}.
     */
    private void exchange(Socket client) throws IOException {
        InputStream in = client.getInputStream();
        OutputStream out = client.getOutputStream();
        while (!closed) {
            byte[] request = readMessage(in);
            Mode mode = mode();
            if (request == null || mode != Mode.LOSE_ANSWER && mode != Mode.DELAY) {
                break; // the mode ended: unsent, so the client's next connection gets the mode now in force
            }
            byte[] answer;
            try (Socket upstream = new Socket(InetAddress.getLoopbackAddress(), targetPort)) {
                upstream.getOutputStream().write(request);
                upstream.getOutputStream().flush();
                answer = readMessage(upstream.getInputStream());
            }
            if (answer == null || loses(request)) {
                break; // dynalite has applied it; the client never hears
            }
            if (mode() == Mode.DELAY) {
                sleep(Long.parseLong(System.getProperty(DELAY, "0")));
            }
            out.write(answer);
            out.flush();
        }
        closeQuietly(client);
    }

    private static boolean loses(byte[] request) {
        String text = new String(request, StandardCharsets.UTF_8);
        synchronized (LOSING) {
            int left = Integer.parseInt(System.getProperty(LOSE_LEFT, "0"));
            if (mode() != Mode.LOSE_ANSWER || left <= 0 || !text.contains(System.getProperty(LOSE_TARGET))
                    || !text.contains(System.getProperty(LOSE_TABLE))) {
                return false;
            }
            System.setProperty(LOSE_LEFT, Integer.toString(left - 1));
            System.setProperty(LOST, Integer.toString(answersLost() + 1));
            return true;
        }
    }

    /** One HTTP/1.1 message (head, then Content-Length bytes), as sent; null at the end of the stream. */
    private static byte[] readMessage(InputStream in) throws IOException {
        ByteArrayOutputStream message = new ByteArrayOutputStream();
        int c;
        int matched = 0;
        while (matched < 4 && (c = in.read()) >= 0) {
            message.write(c);
            matched = c == "\r\n\r\n".charAt(matched) ? matched + 1 : c == '\r' ? 1 : 0;
        }
        if (matched < 4) {
            return null;
        }
        int length = 0;
        for (String line : message.toString(StandardCharsets.US_ASCII).split("\r\n")) {
            if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                length = Integer.parseInt(line.substring(15).trim());
            }
        }
        message.write(in.readNBytes(length));
        return message.toByteArray();
    }

    private static void throttle(Socket client) throws IOException {
        readMessage(client.getInputStream());
        byte[] body = ("{\"__type\":\"com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException\","
                + "\"message\":\"The level of configured provisioned throughput for the table was exceeded.\"}")
                .getBytes(StandardCharsets.UTF_8);
        String head = "HTTP/1.1 400 Bad Request\r\nContent-Type: application/x-amz-json-1.0\r\n"
                + "x-amzn-RequestId: fault-proxy\r\nContent-Length: " + body.length + "\r\nConnection: close\r\n\r\n";
        OutputStream out = client.getOutputStream();
        out.write(head.getBytes(StandardCharsets.US_ASCII));
        out.write(body);
        out.flush();
        closeQuietly(client);
    }


    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        open.forEach(FaultProxy::closeQuietly);
    }
}
