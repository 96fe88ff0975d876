package io.policywebhooks.ten99policy;

import static io.policywebhooks.ten99policy.ConvoySignatureVerifier.Encoding.BASE64;
import static io.policywebhooks.ten99policy.ConvoySignatureVerifier.Encoding.HEX;
import static io.policywebhooks.ten99policy.ConvoySignatureVerifier.Hash.SHA256;
import static io.policywebhooks.ten99policy.ConvoySignatureVerifier.Hash.SHA512;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import io.policywebhooks.provider.Headers;
import io.policywebhooks.provider.InvalidSignatureException;

/**
 * Known-answer vectors computed independently with Python's hmac module:
 * {@code hmac.new(b'whsec_test_1099', b'1696015731,' + BODY, hashlib.sha512).hexdigest()} and so on.
 */
class ConvoySignatureVerifierTest {
    static final String SECRET = "whsec_test_1099";
    static final byte[] BODY = "{\"type\":\"policy.active\",\"created\":1696015731,\"data\":{\"id\":\"pl_iJ5A9JKnG8\"}}"
            .getBytes(StandardCharsets.UTF_8);
    static final long T = 1696015731L;

    static final String SHA512_HEX_TS = "e8d16fab4ee468640b397aff163f921e53bcebda20bd2a6cb72722ec3f7195dab3ef7934c779290484027801033a3423047bd808ed3d43b5fe5532a94afc5315";
    static final String SHA256_HEX_TS = "52c00707a569da91c4d0ea1297c2334518ccf254f5522301fed450f3633b820c";
    static final String SHA512_B64_TS = "6NFvq07kaGQLOXr/Fj+SHlO869ogvSpstyci7D9xldqz73k0x3kpBIQCeAEDOjQjBHvYCO09Q7X+VTKpSvxTFQ==";
    static final String SHA256_B64_TS = "UsAHB6Vp2pHE0OoSl8IzRRjM8lT1UiMB/tRQ82M7ggw=";
    static final String SHA512_HEX_SIMPLE = "bb891ca303063cefa00921413b1d8773f38eb8836bdcc7635e6767cf8f272e3df40d4636c5c3855af0eae7d9ddb929848bf55df097edd15d3d66ea8a7e540154";
    static final String SHA256_HEX_SIMPLE = "9deef1ad5cc5eee643d0b1cec7a63eafc71cbfb2441871c6ba570fc5327358f8";

    static Clock at(long epochSeconds) {
        return Clock.fixed(Instant.ofEpochSecond(epochSeconds), ZoneOffset.UTC);
    }

    static ConvoySignatureVerifier verifier(ConvoySignatureVerifier.Hash hash, ConvoySignatureVerifier.Encoding enc,
            List<String> secrets, long now) {
        return new ConvoySignatureVerifier(secrets, hash, enc, 300, at(now));
    }

    static ConvoySignatureVerifier sha512Hex() {
        return verifier(SHA512, HEX, List.of(SECRET), T);
    }

    static Headers headers(String... nameValues) {
        Map<String, String> map = new java.util.HashMap<>();
        for (int i = 0; i < nameValues.length; i += 2) {
            map.put(nameValues[i], nameValues[i + 1]);
        }
        return Headers.of(map);
    }

    static String reason(ConvoySignatureVerifier verifier, byte[] body, Headers headers) {
        return assertThrows(InvalidSignatureException.class, () -> verifier.verify(body, headers)).getMessage();
    }

    @Test
    void documentedFormVerifiesKnownAnswer() {
        assertDoesNotThrow(() -> sha512Hex().verify(BODY,
                headers("Convoy-Timestamp", "1696015731", "X-Convoy-Signature", SHA512_HEX_TS)));
    }

    @Test
    void headerNamesAreCaseInsensitive() {
        assertDoesNotThrow(() -> sha512Hex().verify(BODY,
                headers("convoy-timestamp", "1696015731", "x-convoy-signature", SHA512_HEX_TS)));
    }

    @Test
    void advancedFormVerifiesKnownAnswerInAnyElementOrder() {
        ConvoySignatureVerifier verifier = sha512Hex();
        assertDoesNotThrow(() -> verifier.verify(BODY, headers("X-Convoy-Signature", "t=1696015731,v1=" + SHA512_HEX_TS)));
        assertDoesNotThrow(() -> verifier.verify(BODY, headers("X-Convoy-Signature", "v1=" + SHA512_HEX_TS + ",t=1696015731")));
        assertDoesNotThrow(() -> verifier.verify(BODY,
                headers("X-Convoy-Signature", "t=1696015731, v1=" + "00".repeat(64) + ", v1=" + SHA512_HEX_TS)));
    }

    @Test
    void simpleFormVerifiesKnownAnswer() {
        assertDoesNotThrow(() -> sha512Hex().verify(BODY, headers("X-Convoy-Signature", SHA512_HEX_SIMPLE)));
        assertDoesNotThrow(() -> verifier(SHA256, HEX, List.of(SECRET), T).verify(BODY,
                headers("X-Convoy-Signature", SHA256_HEX_SIMPLE)));
    }

    @Test
    void sha256AndBase64AreConfigurable() {
        assertDoesNotThrow(() -> verifier(SHA256, HEX, List.of(SECRET), T).verify(BODY,
                headers("X-Convoy-Signature", "t=1696015731,v1=" + SHA256_HEX_TS)));
        assertDoesNotThrow(() -> verifier(SHA512, BASE64, List.of(SECRET), T).verify(BODY,
                headers("X-Convoy-Signature", "t=1696015731,v1=" + SHA512_B64_TS)));
        assertDoesNotThrow(() -> verifier(SHA256, BASE64, List.of(SECRET), T).verify(BODY,
                headers("Convoy-Timestamp", "1696015731", "X-Convoy-Signature", SHA256_B64_TS)));
        // configured for SHA-256, a SHA-512 signature does not verify
        assertEquals("signature mismatch", reason(verifier(SHA256, HEX, List.of(SECRET), T), BODY,
                headers("X-Convoy-Signature", "t=1696015731,v1=" + SHA512_HEX_TS)));
    }

    @Test
    void signersProduceTheKnownAnswers() {
        assertEquals(SHA512_HEX_TS, Ten99PolicySigner.signWithTimestamp(SECRET, T, BODY, SHA512, HEX));
        assertEquals(SHA256_B64_TS, Ten99PolicySigner.signWithTimestamp(SECRET, T, BODY, SHA256, BASE64));
        assertEquals(SHA512_HEX_SIMPLE, Ten99PolicySigner.signSimple(SECRET, BODY, SHA512, HEX));
        assertEquals("t=1696015731,v1=" + SHA256_HEX_TS,
                Ten99PolicySigner.signAdvanced(List.of(SECRET), T, BODY, SHA256, HEX));
    }

    @Test
    void wrongSecretFails() {
        assertEquals("signature mismatch", reason(verifier(SHA512, HEX, List.of("other-secret"), T), BODY,
                headers("X-Convoy-Signature", "t=1696015731,v1=" + SHA512_HEX_TS)));
    }

    @Test
    void tamperedBodyFails() {
        byte[] tampered = BODY.clone();
        tampered[10] ^= 1;
        assertEquals("signature mismatch", reason(sha512Hex(), tampered,
                headers("X-Convoy-Signature", "t=1696015731,v1=" + SHA512_HEX_TS)));
        assertEquals("signature mismatch", reason(sha512Hex(), tampered,
                headers("X-Convoy-Signature", SHA512_HEX_SIMPLE)));
    }

    @Test
    void signedTimestampCannotBeSwapped() {
        // the signature covers the timestamp: re-dating a captured delivery breaks it
        ConvoySignatureVerifier verifier = verifier(SHA512, HEX, List.of(SECRET), T + 10);
        assertEquals("signature mismatch", reason(verifier, BODY,
                headers("X-Convoy-Signature", "t=" + (T + 10) + ",v1=" + SHA512_HEX_TS)));
    }

    @Test
    void anyConfiguredSecretVerifies() {
        ConvoySignatureVerifier rotating = verifier(SHA512, HEX, List.of("new-secret", SECRET), T);
        assertDoesNotThrow(() -> rotating.verify(BODY, headers("X-Convoy-Signature", "t=1696015731,v1=" + SHA512_HEX_TS)));
        String both = Ten99PolicySigner.signAdvanced(List.of("retired", "new-secret"), T, BODY, SHA512, HEX);
        assertDoesNotThrow(() -> rotating.verify(BODY, headers("X-Convoy-Signature", both)));
    }

    @Test
    void toleranceEdgesOnBothSides() {
        Headers signed = headers("X-Convoy-Signature", "t=1696015731,v1=" + SHA512_HEX_TS);
        assertDoesNotThrow(() -> verifier(SHA512, HEX, List.of(SECRET), T + 300).verify(BODY, signed));
        assertDoesNotThrow(() -> verifier(SHA512, HEX, List.of(SECRET), T - 300).verify(BODY, signed));
        assertEquals("timestamp outside tolerance", reason(verifier(SHA512, HEX, List.of(SECRET), T + 301), BODY, signed));
        assertEquals("timestamp outside tolerance", reason(verifier(SHA512, HEX, List.of(SECRET), T - 301), BODY, signed));
        Headers documented = headers("Convoy-Timestamp", "1696015731", "X-Convoy-Signature", SHA512_HEX_TS);
        assertEquals("timestamp outside tolerance", reason(verifier(SHA512, HEX, List.of(SECRET), T + 301), BODY, documented));
    }

    @Test
    void timestampMustBeAPlainInteger() {
        for (String t : new String[] {"1696015731.0", "-1696015731", "+1696015731", "1e9", "Infinity", "NaN", "",
                "0x6517", "99999999999999999999"}) {
            assertEquals("invalid timestamp", reason(sha512Hex(), BODY,
                    headers("X-Convoy-Signature", "t=" + t + ",v1=" + SHA512_HEX_TS)), t);
        }
    }

    @Test
    void malformedHeadersFailWithFixedReasons() {
        assertEquals("missing signature", reason(sha512Hex(), BODY, headers()));
        assertEquals("missing signature", reason(sha512Hex(), BODY, headers("X-Convoy-Signature", "  ")));
        assertEquals("malformed signature", reason(sha512Hex(), BODY, headers("X-Convoy-Signature", "not-hex!")));
        assertEquals("missing signature", reason(sha512Hex(), BODY, headers("X-Convoy-Signature", "t=1696015731")));
        assertEquals("missing timestamp", reason(sha512Hex(), BODY, headers("X-Convoy-Signature", "v1=" + SHA512_HEX_TS)));
        assertEquals("malformed signature", reason(sha512Hex(), BODY,
                headers("X-Convoy-Signature", "t=1696015731,t=1696015731,v1=" + SHA512_HEX_TS)));
        assertEquals("malformed signature", reason(sha512Hex(), BODY,
                headers("X-Convoy-Signature", "t=1696015731,v1=" + "a".repeat(5000))));
    }

    @Test
    void manySignaturesAreRefusedBeforeAnyHmac() {
        String many = "t=1696015731" + (",v1=" + SHA512_HEX_TS).repeat(ConvoySignatureVerifier.MAX_SIGNATURES + 1);
        assertEquals("too many signatures", reason(sha512Hex(), BODY, headers("X-Convoy-Signature",
                many.substring(0, Math.min(many.length(), ConvoySignatureVerifier.MAX_HEADER_CHARS)))));
        String exactlyMax = "t=1696015731" + ",v1=00".repeat(ConvoySignatureVerifier.MAX_SIGNATURES - 1) + ",v1=" + SHA512_HEX_TS;
        assertDoesNotThrow(() -> sha512Hex().verify(BODY, headers("X-Convoy-Signature", exactlyMax)));
    }

    @Test
    void capturedTimestampedSignatureCannotBeReplayedAsTheSimpleForm() {
        // S = HMAC("1696015731," + BODY) is also HMAC of the body "1696015731,BODY": that body must not verify.
        byte[] replayed = ("1696015731," + new String(BODY, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8);
        assertEquals("signature mismatch", reason(verifier(SHA512, HEX, List.of(SECRET), T + 86_400), replayed,
                headers("X-Convoy-Signature", SHA512_HEX_TS)));
    }

    @Test
    void advancedElementsMayBeSpacedAndPrecededByOtherSchemes() {
        assertDoesNotThrow(() -> sha512Hex().verify(BODY,
                headers("X-Convoy-Signature", "v0=abcd, t=1696015731, v1=" + SHA512_HEX_TS)));
        assertDoesNotThrow(() -> sha512Hex().verify(BODY,
                headers("X-Convoy-Signature", "t= 1696015731 ,v1=" + SHA512_HEX_TS)));
        // blanks after a signature, spaces included, are dropped as String#trim would
        assertDoesNotThrow(() -> sha512Hex().verify(BODY,
                headers("X-Convoy-Signature", "t=1696015731,v1=" + SHA512_HEX_TS + "  ,v0=abcd")));
        assertDoesNotThrow(() -> sha512Hex().verify(BODY,
                headers("X-Convoy-Signature", "t=1696015731,v1=" + SHA512_HEX_TS + " \t ")));
    }

    @Test
    void blanksAroundASimpleOrDocumentedSignatureAreDropped() {
        assertDoesNotThrow(() -> sha512Hex().verify(BODY, headers("X-Convoy-Signature", "  " + SHA512_HEX_SIMPLE + "  ")));
        assertDoesNotThrow(() -> sha512Hex().verify(BODY,
                headers("Convoy-Timestamp", " 1696015731 ", "X-Convoy-Signature", " " + SHA512_HEX_TS + " ")));
    }

    @Test
    void aTimestampHasAtMostElevenDigitsLeadingZerosIncluded() {
        long far = 99_999_999_999L; // the largest 11-digit timestamp (year 5138)
        ConvoySignatureVerifier verifier = verifier(SHA512, HEX, List.of(SECRET), far);
        String eleven = Ten99PolicySigner.signAdvanced(List.of(SECRET), far, BODY, SHA512, HEX);
        assertDoesNotThrow(() -> verifier.verify(BODY, headers("X-Convoy-Signature", eleven)));
        // The same value in 12 digits: within the tolerance, but too long to be a timestamp.
        String sig = Ten99PolicySigner.signWithTimestamp(SECRET, far, BODY, SHA512, HEX);
        assertEquals("invalid timestamp", reason(verifier, BODY,
                headers("X-Convoy-Signature", "t=0" + far + ",v1=" + sig)));
        assertEquals("invalid timestamp", reason(verifier, BODY,
                headers("Convoy-Timestamp", "0" + far, "X-Convoy-Signature", sig)));
    }

    @Test
    void aHeaderOfExactlyTheMaximumLengthIsRead() {
        String signed = "t=1696015731,v1=" + SHA512_HEX_TS;
        String padding = ",v0=" + "a".repeat(ConvoySignatureVerifier.MAX_HEADER_CHARS - signed.length() - 4);
        String exactlyMax = signed + padding;
        assertEquals(ConvoySignatureVerifier.MAX_HEADER_CHARS, exactlyMax.length());
        assertDoesNotThrow(() -> sha512Hex().verify(BODY, headers("X-Convoy-Signature", exactlyMax)));
        assertEquals("malformed signature", reason(sha512Hex(), BODY,
                headers("X-Convoy-Signature", exactlyMax + "a")));
    }

    @Test
    void emptyElementsOfAnAdvancedHeaderAreSkipped() {
        assertDoesNotThrow(() -> sha512Hex().verify(BODY,
                headers("X-Convoy-Signature", ",t=1696015731,,v1=" + SHA512_HEX_TS + ",")));
    }

    @Test
    void aBlankV1DecodesAsEmptyAndNeverVerifiesInEitherEncoding() {
        for (ConvoySignatureVerifier.Encoding encoding : ConvoySignatureVerifier.Encoding.values()) {
            ConvoySignatureVerifier verifier = verifier(SHA512, encoding, List.of(SECRET), T);
            for (String blank : new String[] {"", "   "}) {
                assertEquals("signature mismatch", reason(verifier, BODY,
                        headers("X-Convoy-Signature", "t=1696015731,v1=" + blank)), encoding + " '" + blank + "'");
            }
        }
    }

    @Test
    void aBodyLooksTimestampedOnlyWhenDigitsAreFollowedByAComma() {
        for (String body : new String[] {"0,{}", "9,{}", "1696015731,{}", "0123456789,"}) {
            assertEquals(true, ConvoySignatureVerifier.looksTimestamped(body.getBytes(StandardCharsets.US_ASCII)), body);
        }
        // '/' and ':' are the characters either side of the digits
        for (String body : new String[] {"", ",{}", "{}", "1696015731", "/,{}", ":,{}", "12a,{}", "12 ,{}"}) {
            assertEquals(false, ConvoySignatureVerifier.looksTimestamped(body.getBytes(StandardCharsets.US_ASCII)), body);
        }
    }

    // ---- every byte of the MAC counts, in every hash, encoding and form ----

    enum Form {
        SIMPLE, ADVANCED, DOCUMENTED
    }

    static Stream<Arguments> everyHashEncodingAndForm() {
        return Stream.of(SHA512, SHA256).flatMap(hash -> Stream.of(HEX, BASE64)
                .flatMap(encoding -> Stream.of(Form.values()).map(form -> Arguments.of(hash, encoding, form))));
    }

    /**
     * A comparison that stopped early (a prefix, or all but the last byte) would let a forger who knows part of the
     * MAC through: the right MAC with only its last byte changed, or cut to its first 8 or 16 bytes, is refused.
     */
    @ParameterizedTest(name = "{0} {1} {2}")
    @MethodSource("everyHashEncodingAndForm")
    void onlyTheWholeMacVerifies(ConvoySignatureVerifier.Hash hash, ConvoySignatureVerifier.Encoding encoding,
            Form form) {
        ConvoySignatureVerifier verifier = verifier(hash, encoding, List.of(SECRET), T);
        byte[] mac = decode(encoding, form == Form.SIMPLE
                ? Ten99PolicySigner.signSimple(SECRET, BODY, hash, encoding)
                : Ten99PolicySigner.signWithTimestamp(SECRET, T, BODY, hash, encoding));
        assertDoesNotThrow(() -> verifier.verify(BODY, inForm(form, encode(encoding, mac))), "the untouched MAC");

        byte[] lastChanged = mac.clone();
        lastChanged[mac.length - 1] ^= 0x01;
        Map<String, byte[]> wrong = new LinkedHashMap<>();
        wrong.put("last byte changed", lastChanged);
        wrong.put("first 8 bytes", Arrays.copyOf(mac, 8));
        wrong.put("first 16 bytes", Arrays.copyOf(mac, 16));
        assertAll(wrong.entrySet().stream().map(w -> () -> assertEquals("signature mismatch",
                reason(verifier, BODY, inForm(form, encode(encoding, w.getValue()))), w.getKey())));
    }

    static Headers inForm(Form form, String signature) {
        return switch (form) {
            case SIMPLE -> headers("X-Convoy-Signature", signature);
            case ADVANCED -> headers("X-Convoy-Signature", "t=" + T + ",v1=" + signature);
            case DOCUMENTED -> headers("Convoy-Timestamp", Long.toString(T), "X-Convoy-Signature", signature);
        };
    }

    static byte[] decode(ConvoySignatureVerifier.Encoding encoding, String signature) {
        return encoding == HEX ? HexFormat.of().parseHex(signature) : Base64.getDecoder().decode(signature);
    }

    static String encode(ConvoySignatureVerifier.Encoding encoding, byte[] mac) {
        return encoding == HEX ? HexFormat.of().formatHex(mac) : Base64.getEncoder().encodeToString(mac);
    }
}
