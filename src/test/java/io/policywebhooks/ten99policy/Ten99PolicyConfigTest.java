package io.policywebhooks.ten99policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URL;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.smallrye.config.EnvConfigSource;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfigBuilder;

/** TEN99POLICY_SIGNATURE_HASH and _ENCODING through application.properties into the enums, as at startup. */
class Ten99PolicyConfigTest {
    static Ten99PolicyConfig read(Map<String, String> environment) throws Exception {
        URL properties = Ten99PolicyConfigTest.class.getClassLoader().getResource("application.properties");
        return new SmallRyeConfigBuilder().addDefaultInterceptors()
                .withSources(new PropertiesConfigSource(properties, 250), new EnvConfigSource(environment, 300))
                .withMapping(Ten99PolicyConfig.class).build().getConfigMapping(Ten99PolicyConfig.class);
    }

    @Test
    void defaultsAreSha512AndHex() throws Exception {
        Ten99PolicyConfig config = read(Map.of());
        assertEquals(ConvoySignatureVerifier.Hash.SHA512, config.signatureHash());
        assertEquals(ConvoySignatureVerifier.Encoding.HEX, config.signatureEncoding());
    }

    @ParameterizedTest
    @CsvSource({"SHA256, base64, SHA256, BASE64", "sha256, BASE64, SHA256, BASE64", "SHA512, hex, SHA512, HEX"})
    void theDocumentedValuesAreRead(String hash, String encoding, ConvoySignatureVerifier.Hash expectedHash,
            ConvoySignatureVerifier.Encoding expectedEncoding) throws Exception {
        Ten99PolicyConfig config = read(Map.of("TEN99POLICY_SIGNATURE_HASH", hash,
                "TEN99POLICY_SIGNATURE_ENCODING", encoding));
        assertEquals(expectedHash, config.signatureHash());
        assertEquals(expectedEncoding, config.signatureEncoding());
    }

    @Test
    void anUnknownValueStopsStartupNamingTheSetting() {
        String message = assertThrows(RuntimeException.class,
                () -> read(Map.of("TEN99POLICY_SIGNATURE_HASH", "MD5"))).getMessage();
        assertTrue(message.contains("policy-webhooks.ten99policy.signature-hash"), message);
    }
}
