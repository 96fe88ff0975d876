package io.policywebhooks.webhook;

import io.policywebhooks.provider.Headers;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Supplier;

/** Random inputs for {@link PropertyCheck} trials, biased towards the edges that break header parsers. */
public final class Gen {
    private static final String[] TOKENS = {",", "=", ";", " ", "\t", "t=", "v1=", "v0=", ",t=", ",v1=", "\"", ":"};
    /** Characters that case-fold onto ASCII letters in {@link String#CASE_INSENSITIVE_ORDER}, BOM, odd spaces. */
    private static final char[] TRICKY = {'\u0131', '\u017f', '\u212a', '\u0130', '\ufeff', '\u00a0', '\u2028',
            '\u200b', '\uff10', '\uff11', '\uff19', '\uff41', '\u0661', '\u06f1', '\u0966'};
    private static final String SECRET_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-+/=.";

    private final SplittableRandom random;

    public Gen(SplittableRandom random) {
        this.random = random;
    }

    /** A weighted alternative for {@link #frequency}. */
    public record Weighted<T>(int weight, Supplier<? extends T> supplier) {
    }

    public static <T> Weighted<T> w(int weight, Supplier<? extends T> supplier) {
        return new Weighted<>(weight, supplier);
    }

    // ---- primitives ----

    /** Uniform in [min, max], both inclusive. */
    public int between(int min, int max) {
        return random.nextInt(min, max + 1);
    }

    /** Uniform in [min, max], both inclusive ({@code max < Long.MAX_VALUE}). */
    public long between(long min, long max) {
        return random.nextLong(min, max + 1);
    }

    public boolean chance(double probability) {
        return random.nextDouble() < probability;
    }

    @SafeVarargs
    public final <T> T pick(T... values) {
        return values[random.nextInt(values.length)];
    }

    public <T> T pick(List<T> values) {
        return values.get(random.nextInt(values.size()));
    }

    public <E extends Enum<E>> E pick(Class<E> type) {
        return pick(type.getEnumConstants());
    }

    @SafeVarargs
    public final <T> T frequency(Weighted<T>... choices) {
        int total = 0;
        for (Weighted<T> choice : choices) {
            total += choice.weight();
        }
        int roll = random.nextInt(total);
        for (Weighted<T> choice : choices) {
            roll -= choice.weight();
            if (roll < 0) {
                return choice.supplier().get();
            }
        }
        throw new AssertionError("unreachable");
    }

    /** Inserts {@code item} at a random position of {@code list}. */
    public <T> void insertAnywhere(List<T> list, T item) {
        list.add(between(0, list.size()), item);
    }

    // ---- strings ----

    /** Any string up to {@code maxLength} chars: ASCII, separators, controls, BMP, astral, lone surrogates. */
    public String string(int maxLength) {
        int length = chance(0.1) ? maxLength : between(0, maxLength);
        StringBuilder s = new StringBuilder(length + 4);
        while (s.length() < length) {
            switch (frequency(w(50, () -> 0), w(15, () -> 1), w(5, () -> 2), w(5, () -> 3), w(8, () -> 4),
                    w(5, () -> 5), w(4, () -> 6), w(8, () -> 7))) {
                case 0 -> s.append((char) between(0x20, 0x7e));
                case 1 -> s.append(pick(TOKENS));
                case 2 -> s.append((char) (int) pick(between(0x00, 0x1f), 0x7f));
                case 3 -> s.append((char) between(0x80, 0xff));
                case 4 -> s.append((char) (int) pick(between(0x100, 0xd7ff), between(0xe000, 0xfffd)));
                case 5 -> s.appendCodePoint(between(0x10000, 0x10ffff));
                case 6 -> s.append((char) between(0xd800, 0xdfff));
                default -> s.append(TRICKY[random.nextInt(TRICKY.length)]);
            }
        }
        return s.toString();
    }

    /** {@code s} in lower, upper, as-is or per-character random case. */
    public String caseVariant(String s) {
        return switch (between(0, 3)) {
            case 0 -> s;
            case 1 -> s.toLowerCase(Locale.ROOT);
            case 2 -> s.toUpperCase(Locale.ROOT);
            default -> {
                StringBuilder b = new StringBuilder(s.length());
                for (char c : s.toCharArray()) {
                    b.append(chance(0.5) ? Character.toUpperCase(c) : Character.toLowerCase(c));
                }
                yield b.toString();
            }
        };
    }

    /** Digits only, {@code min..max} of them. */
    public String digits(int min, int max) {
        StringBuilder s = new StringBuilder();
        for (int i = between(min, max); i > 0; i--) {
            s.append((char) between('0', '9'));
        }
        return s.toString();
    }

    /** Hex of {@code bytes} in lower, upper or mixed case. */
    public String hex(byte[] bytes) {
        String lower = HexFormat.of().formatHex(bytes);
        return switch (between(0, 2)) {
            case 0 -> lower;
            case 1 -> lower.toUpperCase(Locale.ROOT);
            default -> caseVariant(lower);
        };
    }

    public String randomHex(int byteCount) {
        return hex(bytes(byteCount, byteCount));
    }

    public String randomBase64(int byteCount) {
        byte[] b = bytes(byteCount, byteCount);
        return frequency(w(6, () -> Base64.getEncoder().encodeToString(b)),
                w(1, () -> Base64.getEncoder().withoutPadding().encodeToString(b)),
                w(1, () -> Base64.getUrlEncoder().encodeToString(b)),
                w(1, () -> Base64.getMimeEncoder().encodeToString(bytes(60, 120))));
    }

    /**
     * A plausible secret: 1..64 chars, mostly the base64/hex alphabet, sometimes BMP letters or emoji. Never a NUL
     * or a lone surrogate, so distinct secrets are distinct HMAC keys (HMAC pads keys with zero bytes, and UTF-8
     * turns every lone surrogate into '?').
     */
    public String secret() {
        StringBuilder s = new StringBuilder(chance(0.3) ? "whsec_" : "");
        for (int i = between(1, 64); i > 0; i--) {
            if (chance(0.9)) {
                s.append(SECRET_CHARS.charAt(random.nextInt(SECRET_CHARS.length())));
            } else if (chance(0.5)) {
                s.append((char) between(0xc0, 0x24f));
            } else {
                s.appendCodePoint(between(0x1f300, 0x1f64f));
            }
        }
        return s.toString();
    }

    /** A secret that differs from every one of {@code others}. */
    public String secretOtherThan(List<String> others) {
        while (true) {
            String s = secret();
            if (!others.contains(s)) {
                return s;
            }
        }
    }

    // ---- bodies ----

    public byte[] bytes(int min, int max) {
        byte[] b = new byte[between(min, max)];
        random.nextBytes(b);
        return b;
    }

    /** Any request body: empty, random bytes, text, JSON-shaped, invalid UTF-8, a few KB. */
    public byte[] body() {
        return frequency(
                w(4, () -> new byte[0]),
                w(25, () -> bytes(1, 64)),
                w(15, () -> bytes(65, 2048)),
                w(20, () -> string(200).getBytes(StandardCharsets.UTF_8)),
                w(20, () -> ("{\"type\":\"policy." + pick("active", "canceled", "bound") + "\",\"id\":\""
                        + string(12).replace("\"", "") + "\",\"created\":" + digits(1, 11) + ",\"data\":{\"n\":"
                        + between(-5, 5) + "}}").getBytes(StandardCharsets.UTF_8)),
                w(10, () -> {
                    byte[] b = bytes(1, 40);
                    b[random.nextInt(b.length)] = pick((byte) 0xc3, (byte) 0xff, (byte) 0xed, (byte) 0x80);
                    return b;
                }),
                w(6, () -> bytes(4096, 16384)));
    }

    /** A body that differs from {@code a}: one flipped bit, one byte more or less, re-spaced JSON, or new bytes. */
    public byte[] bodyOtherThan(byte[] a) {
        while (true) {
            byte[] b = frequency(
                    w(3, () -> {
                        if (a.length == 0) {
                            return new byte[] {0};
                        }
                        byte[] c = a.clone();
                        c[random.nextInt(c.length)] ^= (byte) (1 << between(0, 7));
                        return c;
                    }),
                    w(1, () -> {
                        byte[] c = Arrays.copyOf(a, a.length + 1);
                        c[a.length] = (byte) random.nextInt(256);
                        return c;
                    }),
                    w(1, () -> a.length == 0 ? new byte[] {' '} : Arrays.copyOf(a, a.length - 1)),
                    w(1, () -> {
                        byte[] c = new byte[a.length + 1];
                        System.arraycopy(a, 0, c, 1, a.length);
                        c[0] = pick((byte) ' ', (byte) '\n', (byte) 0xef);
                        return c;
                    }),
                    w(1, () -> {
                        int at = between(0, a.length);
                        byte[] c = new byte[a.length + 1];
                        System.arraycopy(a, 0, c, 0, at);
                        c[at] = ' ';
                        System.arraycopy(a, at, c, at + 1, a.length - at);
                        return c;
                    }),
                    w(2, this::body));
            if (!Arrays.equals(a, b)) {
                return b;
            }
        }
    }

    // ---- headers ----

    /** Headers built as a plain map, or as the multi-value map the Lambda layer delivers (values split on ","). */
    public Headers headers(Map<String, String> single) {
        if (chance(0.7)) {
            return Headers.of(single);
        }
        Map<String, List<String>> multi = new HashMap<>();
        single.forEach((name, value) -> {
            if (value == null) {
                multi.put(name, chance(0.5) ? null : List.of());
            } else {
                multi.put(name, chance(0.8) ? Arrays.asList(value.split(",", -1)) : new ArrayList<>(List.of(value)));
            }
        });
        return Headers.ofMulti(multi);
    }

    /** For failure messages: escaped, and cut to 300 chars with the full length. */
    public static String show(Object value) {
        String s = value instanceof byte[] b ? "bytes[" + b.length + "] " + HexFormat.of().formatHex(b, 0,
                Math.min(b.length, 100)) : String.valueOf(value);
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < s.length() && out.length() < 300; i++) {
            char c = s.charAt(i);
            if (c >= 0x20 && c < 0x7f) {
                out.append(c);
            } else {
                out.append(String.format("\\u%04x", (int) c));
            }
        }
        return out.length() >= 300 || s.length() > 300 ? out + "...(" + s.length() + " chars)" : out.toString();
    }
}
