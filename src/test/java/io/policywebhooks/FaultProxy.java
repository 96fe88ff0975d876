package io.policywebhooks;

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
 * A loopback TCP proxy in front of dynalite that can fail like DynamoDB does: refuse service, hang, or throttle.
 * Tests switch it with {@link #set} (a JVM-wide system property, because Quarkus loads test classes and test
 * resources in different class loaders).
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
        THROTTLE
    }

    private static final String PROPERTY = "test.fault-proxy.mode";

    private final ServerSocket server;
    private final int targetPort;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    public static void set(Mode mode) {
        System.setProperty(PROPERTY, mode.name());
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

    private static void throttle(Socket client) throws IOException {
        InputStream in = client.getInputStream();
        readRequest(in);
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

    /** Reads one HTTP request (headers, then Content-Length bytes) so the client sees a complete exchange. */
    private static void readRequest(InputStream in) throws IOException {
        StringBuilder headers = new StringBuilder();
        int c;
        while ((c = in.read()) >= 0) {
            headers.append((char) c);
            if (headers.length() >= 4 && headers.substring(headers.length() - 4).equals("\r\n\r\n")) {
                break;
            }
        }
        int length = 0;
        for (String line : headers.toString().split("\r\n")) {
            if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                length = Integer.parseInt(line.substring(15).trim());
            }
        }
        in.readNBytes(length);
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
