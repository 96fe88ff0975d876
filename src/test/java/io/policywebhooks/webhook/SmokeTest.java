package io.policywebhooks.webhook;

import static io.restassured.RestAssured.given;

import org.junit.jupiter.api.Test;

import io.policywebhooks.DynaliteResource;
import io.policywebhooks.ten99policy.ConvoySignatureVerifier;
import io.policywebhooks.ten99policy.Ten99PolicyProvider;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
@QuarkusTestResource(value = DynaliteResource.class, restrictToAnnotatedClass = false)
class SmokeTest {
    @Test
    void smoke() {
        byte[] body = "{\"type\":\"policy.active\",\"created\":1696015731,\"data\":{\"id\":\"pl_1\"}}".getBytes();
        long t = System.currentTimeMillis() / 1000;
        String header = ConvoySignatureVerifier.signAdvanced(java.util.List.of("x", Ten99PolicyProvider.LOCAL_SECRET), t, body,
                ConvoySignatureVerifier.Hash.SHA512, ConvoySignatureVerifier.Encoding.HEX);
        System.out.println(given().contentType("application/json").header("X-Convoy-Signature", header).body(body)
                .post("/webhooks/1099policy").then().extract().asString());
        System.out.println(given().get("/webhooks/1099policy").then().extract().statusCode());
        System.out.println(given().post("/nope").then().extract().asString());
    }
}
