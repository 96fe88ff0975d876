package io.policywebhooks.verticalinsure;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.policywebhooks.provider.Headers;
import io.policywebhooks.provider.InvalidSignatureException;

/** Known answers from Python: {@code hmac.new(b'vi_sig_key_test', BODY, hashlib.sha256).hexdigest()}. */
class VerticalInsureSignatureVerifierTest {
    static final String KEY = "vi_sig_key_test";
    static final byte[] BODY = ("{\"event\":\"policy_bind_complete\",\"webhook\":\"https://www.example.com/my-webhook\","
            + "\"data\":{\"id\":\"3fa85f64-5717-4562-b3fc-2c963f66afa6\",\"policy_status\":\"ACTIVE\"}}")
            .getBytes(StandardCharsets.UTF_8);
    static final String LOWER = "7d4cb97f2cd0fbb0e68f0a4818ee02492ba76cca65f138cd70718d4777980554";
    /** json.dumps(json.loads(BODY)): the same JSON re-serialized with spaces, signed. */
    static final String RESERIALIZED = "e817da90898fd8f4b7429a282ff7fc721837b68be139b78b64735b159f9a8292";

    private final VerticalInsureSignatureVerifier verifier = new VerticalInsureSignatureVerifier(List.of(KEY));

    static Headers signature(String value) {
        return Headers.of(Map.of("VerticalInsure-Signature", value));
    }

    String reason(VerticalInsureSignatureVerifier v, byte[] body, Headers headers) {
        return assertThrows(InvalidSignatureException.class, () -> v.verify(body, headers)).getMessage();
    }

    @Test
    void javaStyleLowerCaseHexVerifies() {
        assertDoesNotThrow(() -> verifier.verify(BODY, signature(LOWER)));
        assertEquals(LOWER, VerticalInsureSigner.sign(KEY, BODY));
    }

    @Test
    void pythonStyleUpperCaseHexVerifies() {
        assertDoesNotThrow(() -> verifier.verify(BODY, signature(LOWER.toUpperCase(java.util.Locale.ROOT))));
    }

    @Test
    void headerNameIsCaseInsensitive() {
        assertDoesNotThrow(() -> verifier.verify(BODY, Headers.of(Map.of("verticalinsure-signature", LOWER))));
    }

    @Test
    void wrongKeyFails() {
        assertEquals("signature mismatch", reason(new VerticalInsureSignatureVerifier(List.of("wrong")), BODY, signature(LOWER)));
    }

    @Test
    void oneTamperedByteFails() {
        byte[] tampered = BODY.clone();
        tampered[BODY.length - 3] ^= 0x01;
        assertEquals("signature mismatch", reason(verifier, tampered, signature(LOWER)));
    }

    @Test
    void signatureOfReserializedJsonFails() {
        assertEquals("signature mismatch", reason(verifier, BODY, signature(RESERIALIZED)));
    }

    @Test
    void anyConfiguredKeyVerifies() {
        VerticalInsureSignatureVerifier rotating = new VerticalInsureSignatureVerifier(List.of("next-key", KEY));
        assertDoesNotThrow(() -> rotating.verify(BODY, signature(LOWER)));
    }

    @Test
    void missingOrMalformedSignatureFails() {
        assertEquals("missing signature", reason(verifier, BODY, Headers.of(Map.of())));
        assertEquals("missing signature", reason(verifier, BODY, signature("")));
        assertEquals("malformed signature", reason(verifier, BODY, signature("zz" + LOWER.substring(2))));
        assertEquals("malformed signature", reason(verifier, BODY, signature(LOWER + "00")));
    }

    /**
     * Every byte of the MAC counts, in either hex case: the right MAC with only its last byte changed is a mismatch,
     * and cut to its first 8 or 16 bytes it is refused (by the length check before any comparison).
     */
    @ParameterizedTest(name = "upper case {0}")
    @ValueSource(booleans = {false, true})
    void onlyTheWholeMacVerifies(boolean upperCase) {
        byte[] mac = HexFormat.of().parseHex(LOWER);
        HexFormat hex = upperCase ? HexFormat.of().withUpperCase() : HexFormat.of();
        assertDoesNotThrow(() -> verifier.verify(BODY, signature(hex.formatHex(mac))), "the untouched MAC");

        byte[] lastChanged = mac.clone();
        lastChanged[mac.length - 1] ^= 0x01;
        String changed = hex.formatHex(lastChanged);
        assertEquals(upperCase, changed.equals(changed.toUpperCase(Locale.ROOT)), "sent in the case under test");
        assertAll(
                () -> assertEquals("signature mismatch", reason(verifier, BODY, signature(changed)), "last byte changed"),
                () -> assertEquals("malformed signature",
                        reason(verifier, BODY, signature(hex.formatHex(Arrays.copyOf(mac, 8)))), "first 8 bytes"),
                () -> assertEquals("malformed signature",
                        reason(verifier, BODY, signature(hex.formatHex(Arrays.copyOf(mac, 16)))), "first 16 bytes"));
    }
}
