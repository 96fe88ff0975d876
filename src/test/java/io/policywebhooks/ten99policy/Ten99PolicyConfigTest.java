package io.policywebhooks.ten99policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.policywebhooks.AppConfig;

/** TEN99POLICY_SIGNATURE_HASH and _ENCODING from the environment into the enums, as at startup. */
class Ten99PolicyConfigTest {
    static Ten99PolicyProvider.Settings read(Map<String, String> environment) throws Exception {
        return Ten99PolicyProvider.Settings.read(AppConfig.read(environment));
    }

    @Test
    void defaultsAreSha512AndHex() throws Exception {
        Ten99PolicyProvider.Settings settings = read(Map.of());
        assertEquals(ConvoySignatureVerifier.Hash.SHA512, settings.hash());
        assertEquals(ConvoySignatureVerifier.Encoding.HEX, settings.encoding());
    }

    @ParameterizedTest
    @CsvSource({"SHA256, base64, SHA256, BASE64", "sha256, BASE64, SHA256, BASE64", "SHA512, hex, SHA512, HEX"})
    void theDocumentedValuesAreRead(String hash, String encoding, ConvoySignatureVerifier.Hash expectedHash,
            ConvoySignatureVerifier.Encoding expectedEncoding) throws Exception {
        Ten99PolicyProvider.Settings settings = read(Map.of(Ten99PolicyProvider.HASH_VARIABLE, hash,
                Ten99PolicyProvider.ENCODING_VARIABLE, encoding));
        assertEquals(expectedHash, settings.hash());
        assertEquals(expectedEncoding, settings.encoding());
    }

    @Test
    void anUnknownValueStopsStartupNamingTheVariable() {
        String message = assertThrows(IllegalStateException.class,
                () -> read(Map.of(Ten99PolicyProvider.HASH_VARIABLE, "MD5"))).getMessage();
        assertTrue(message.startsWith("TEN99POLICY_SIGNATURE_HASH must be one of [SHA512, SHA256]"), message);
    }
}
