package io.policywebhooks.bench;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

/**
 * The request bodies the benchmarks use, built from the providers' own documented samples (1099Policy
 * "policy.active", Vertical Insure "policy_bind_complete", byte for byte as the docs print them: 596 and 553 bytes)
 * grown deterministically to the benchmark size: the 1099Policy event gets more certificate links, the Vertical
 * Insure event a list of registered participants in its free-form {@code policy_attributes}. Sizes: {@code 1k}
 * (first size at or above 1,024 bytes: 1,028 and 1,218 bytes) and {@code 100k} (102,404 and 102,483 bytes).
 */
public final class Payloads {
    private Payloads() {
    }

    /** Size parameter values. */
    public static final String SMALL = "1k";
    public static final String LARGE = "100k";


    /** Signing time (a few seconds after the sample's "created"): the verifiers' fixed clock reads the same. */
    public static final long SIGNED_AT = 1696015735L;
    public static final Clock CLOCK = Clock.fixed(Instant.ofEpochSecond(SIGNED_AT), ZoneOffset.UTC);

    public static final String TEN99_SECRET = "whsec_bench_1099policy_6f1c2d7e9a4b4e0f8c3d";
    public static final String VI_KEY = "bench_vertical_insure_key_0b7e41c2f9d84a6a";

    /** 1099Policy docs, "Using webhook events to track compliance": the policy.active event. */
    static final String TEN99_POLICY_ACTIVE = """
            {
            "data": {
            "id": "pl_iJ5A9JKnG8",
            "is_active": true,
            "quote": "qt_aFjVlfRrAe",
            "pdf_url": "https://storage.googleapis.com/bound-policies/sandbox/ten99policy_gl_coi_pl_WzFRszJhoY_1696015724.pdf",
            "certificates": {
            "wc_coi_pdf_url": "https://storage.googleapis.com/bound-policies/sandbox/ten99policy_wc_coi_pl_WzFRszJhoY_1696015722.pdf",
            "gl_coi_pdf_url": "https://storage.googleapis.com/bound-policies/sandbox/ten99policy_gl_coi_pl_WzFRszJhoY_1696015724.pdf"
            },
            "expiration_date": 1698796800,
            "effective_date": 1695793026,
            "created": 1696015592
            },
            "type": "policy.active",
            "created": 1696015731
            }""";

    /** Vertical Insure docs, "Types of events": policy_bind_complete. */
    static final String VI_POLICY_BIND_COMPLETE = """
            {
            "event": "policy_bind_complete",
            "webhook": "https://www.example.com/my-webhook",
            "data": {
            "id": "3fa85f64-5717-4562-b3fc-2c963f66afa6",
            "master_policy_id": "3fa85f64-5717-4562-b3fc-2c963f66afa6",
            "policy_number": "string",
            "customer": {
            "first_name": "string",
            "last_name": "string",
            "email_address": "string"
            },
            "policy_status": "ACTIVE",
            "issued_date": "2022-09-05",
            "expiration_date": "2022-09-05",
            "effective_date": "2022-09-05",
            "quote_date": "2022-09-05",
            "policy_attributes": {},
            "premium_amount": 0,
            "quote_id": "string",
            "is_test": true
            }
            }""";

    public static byte[] ten99(String size) {
        return ten99Grown(bytes(size)).getBytes(StandardCharsets.UTF_8);
    }

    public static byte[] verticalInsure(String size) {
        return viGrown(bytes(size)).getBytes(StandardCharsets.UTF_8);
    }

    private static int bytes(String size) {
        return switch (size) {
            case SMALL -> 1024;
            case LARGE -> 100 * 1024;
            default -> throw new IllegalArgumentException(size);
        };
    }

    /** policy.active with one more COI link per assignment in "certificates" until the body has target bytes. */
    static String ten99Grown(int target) {
        String anchor = "_1696015724.pdf\"\n},";
        int at = TEN99_POLICY_ACTIVE.indexOf(anchor);
        if (at < 0) {
            throw new IllegalStateException("sample changed");
        }
        String head = TEN99_POLICY_ACTIVE.substring(0, at + anchor.length() - 3);
        String tail = TEN99_POLICY_ACTIVE.substring(at + anchor.length() - 3);
        StringBuilder body = new StringBuilder(target + 256).append(head);
        for (int i = 0; body.length() + tail.length() < target; i++) {
            body.append(",\n\"an_").append(String.format("%08d", i * 7919)).append("_coi_pdf_url\": ")
                    .append("\"https://storage.googleapis.com/bound-policies/sandbox/")
                    .append("ten99policy_gl_coi_pl_WzFRszJhoY_an_")
                    .append(String.format("%08d", i * 7919)).append('_').append(1696015724L + i).append(".pdf\"");
        }
        return body.append(tail).toString();
    }

    /** policy_bind_complete listing participants in "policy_attributes" until the body has target bytes. */
    static String viGrown(int target) {
        String anchor = "\"policy_attributes\": {}";
        int at = VI_POLICY_BIND_COMPLETE.indexOf(anchor);
        if (at < 0) {
            throw new IllegalStateException("sample changed");
        }
        String head = VI_POLICY_BIND_COMPLETE.substring(0, at) + "\"policy_attributes\": {\n\"participants\": [";
        String tail = "\n]\n}" + VI_POLICY_BIND_COMPLETE.substring(at + anchor.length());
        StringBuilder body = new StringBuilder(target + 256).append(head);
        for (int i = 0; body.length() + tail.length() < target; i++) {
            body.append(i == 0 ? "\n" : ",\n")
                    .append(String.format("{\"first_name\": \"Participant%04d\", \"last_name\": \"Family%04d\", "
                            + "\"email_address\": \"participant%04d@example.com\", "
                            + "\"date_of_birth\": \"2012-%02d-%02d\", \"team\": \"U12 Team %02d\", "
                            + "\"registration_id\": \"reg_%08d\", \"amount\": %d}",
                            i, i / 2, i, 1 + i % 12, 1 + i % 28, i % 40, 1_000_003L * i % 100_000_000L,
                            2500 + i % 7 * 250));
        }
        return body.append(tail).toString();
    }
}
