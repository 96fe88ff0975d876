package io.policywebhooks.local;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import io.policywebhooks.DynaliteResource;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** The local DynamoDB the project starts (dev mode, tests, benchmarks). */
class LocalDynamoDbTest {
    /**
     * An AWS SDK attempt timeout closes the socket mid-request; plain dynalite rethrows that as an uncaught error
     * and dies (seen under load in the end-to-end benchmark), so every later write failed. It must keep serving.
     */
    @Test
    void survivesAClientThatAbortsARequestMidBody() throws Exception {
        int port = DynaliteResource.freePort();
        Process dynalite = LocalDynamoDb.startIfAbsent(port);
        try (DynamoDbClient client = DynaliteResource.client(URI.create("http://" + LocalDynamoDb.HOST + ":" + port))) {
            for (int i = 0; i < 3; i++) {
                try (Socket socket = new Socket(LocalDynamoDb.HOST, port)) {
                    OutputStream out = socket.getOutputStream();
                    out.write(("POST / HTTP/1.1\r\nHost: " + LocalDynamoDb.HOST + "\r\n"
                            + "Content-Type: application/x-amz-json-1.0\r\nX-Amz-Target: DynamoDB_20120810.ListTables\r\n"
                            + "Content-Length: 1000\r\n\r\n{\"Lim").getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    Thread.sleep(100); // the server has read the headers and part of the body; now the client gives up
                }
            }
            Thread.sleep(300);
            assertTrue(dynalite.isAlive(), "dynalite died after a client aborted a request");
            client.listTables(); // and still answers
        } finally {
            dynalite.destroy();
        }
    }
}
