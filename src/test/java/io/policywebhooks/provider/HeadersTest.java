package io.policywebhooks.provider;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** Header names in any case; values split on commas by the Lambda HTTP layer are joined back as sent. */
class HeadersTest {
    @Test
    void namesAreCaseInsensitive() {
        Headers headers = Headers.of(Map.of("X-Convoy-Signature", "s"));
        assertEquals("s", headers.get("x-convoy-signature"));
        assertEquals("s", headers.get("X-CONVOY-SIGNATURE"));
        assertNull(headers.get("X-Convoy-Signatur"));
    }

    @Test
    void nullNamesAndValuesAreDropped() {
        Map<String, String> single = new HashMap<>();
        single.put(null, "v");
        single.put("a", null);
        single.put("b", "v");
        Headers headers = Headers.of(single);
        assertNull(headers.get("a"));
        assertEquals("v", headers.get("b"));

        Map<String, List<String>> multi = new HashMap<>();
        multi.put(null, List.of("v"));
        multi.put("a", null);
        multi.put("e", List.of());
        multi.put("b", List.of("v"));
        Headers fromMulti = Headers.ofMulti(multi);
        assertNull(fromMulti.get("a"));
        assertNull(fromMulti.get("e"), "no values is no header, not an empty one");
        assertEquals("v", fromMulti.get("b"));
    }

    @Test
    void splitValuesAreJoinedWithCommasInOrder() {
        Headers headers = Headers.ofMulti(Map.of("X-Convoy-Signature", List.of("t=1", "v1=a", "v1=b")));
        assertEquals("t=1,v1=a,v1=b", headers.get("x-convoy-signature"));
    }

    @Test
    void theSameNameInTwoCasesIsOneHeaderWithBothValues() {
        Map<String, List<String>> multi = new LinkedHashMap<>();
        multi.put("X-Convoy-Signature", List.of("t=1", "v1=a"));
        multi.put("x-convoy-signature", new ArrayList<>(List.of("v1=b")));
        assertEquals("t=1,v1=a,v1=b", Headers.ofMulti(multi).get("X-Convoy-Signature"));
    }
}
