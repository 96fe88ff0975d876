package io.policywebhooks.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** {@link PipeInputTemplate} against the cases the Pipes documentation spells out. */
class PipeInputTemplateTest {
    private static final JsonNode RECORD;

    static {
        try {
            RECORD = new ObjectMapper().readTree("{\"body\":{\"key\":\"v\",\"n\":2,\"b\":true},"
                    + "\"Records\":[\"a\",\"b\"],\"quote\":\"say \\\"hi\\\"\"}");
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void stringsAreQuotedOnceWhetherTheTemplateQuotesThemOrNot() {
        assertEquals("{\"k\": \"v\"}", PipeInputTemplate.apply("{\"k\": \"<$.body.key>\"}", RECORD));
        assertEquals("{\"k\": \"v\"}", PipeInputTemplate.apply("{\"k\": <$.body.key>}", RECORD));
        assertEquals("\"Hello, v\"", PipeInputTemplate.apply("\"Hello, <$.body.key>\"", RECORD));
    }

    @Test
    void numbersBooleansObjectsAndArraysGoInAsJsonUnlessQuoted() {
        assertEquals("{\"n\": 2, \"b\": true}", PipeInputTemplate.apply("{\"n\": <$.body.n>, \"b\": <$.body.b>}", RECORD));
        assertEquals("{\"n\": \"2\", \"b\": \"true\"}",
                PipeInputTemplate.apply("{\"n\": \"<$.body.n>\", \"b\": \"<$.body.b>\"}", RECORD));
        assertEquals("{\"body\": {\"key\":\"v\",\"n\":2,\"b\":true}}", PipeInputTemplate.apply("{\"body\": <$.body>}", RECORD));
        assertEquals("\"Body is {key:v,n:2,b:true}\"", PipeInputTemplate.apply("\"Body is <$.body>\"", RECORD),
                "inside a string an object loses its quotes");
        assertEquals("{\"r\": \"b\"}", PipeInputTemplate.apply("{\"r\": <$.Records[1]>}", RECORD));
    }

    @Test
    void aMissingPathSubstitutesNothingAndValuesAreNotEscaped() {
        assertEquals("{\"m\": \"\"}", PipeInputTemplate.apply("{\"m\": \"<$.body.missing>\"}", RECORD));
        assertEquals("{\"m\": }", PipeInputTemplate.apply("{\"m\": <$.nothing.here>}", RECORD), "invalid JSON, as Pipes");
        assertEquals("{\"q\": \"say \"hi\"\"}", PipeInputTemplate.apply("{\"q\": \"<$.quote>\"}", RECORD),
                "not escaped: invalid JSON, as Pipes");
    }

    @Test
    void reservedVariablesAreNotSimulated() {
        assertThrows(IllegalArgumentException.class,
                () -> PipeInputTemplate.apply("{\"p\": <aws.pipes.pipe-name>}", RECORD));
    }
}
