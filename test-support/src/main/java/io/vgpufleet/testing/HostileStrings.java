package io.vgpufleet.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Random strings for property tests of parsers and validators, weighted towards what an attacker or
 * a broken host would send: path traversal, separators, control and bidi characters, near-valid ids,
 * over-long values. Deterministic for a seed, so a failure names the seed and the value that broke.
 *
 * <pre>{@code
 * for (String value : HostileStrings.sample(42, 2_000)) {
 *     assertThat(parse(value)).satisfiesAnyOf(...);
 * }
 * }</pre>
 */
public final class HostileStrings {

    private static final String ID_ALPHABET = "0123456789abcdefABCDEF-:.GPUnvidia/ \t\n\u0000";
    private static final String[] TOKENS = {
        "..", "/", "../", "GPU-", "nvidia-", "0000:", "3b:", "00.", "0", "a", "-", ".", " ", "\n", "=", ",",
        "6f1c2b3a-4d5e-4f60-8a7b-9c0d1e2f3a4b", "kvm-1", "\u0000", "\u202e", "\u0085", "%2e%2e", "M", "x", "9999999999"
    };

    private HostileStrings() {}

    /** {@code count} strings drawn from the seeded mixture of generators. */
    public static List<String> sample(long seed, int count) {
        Random random = new Random(seed);
        List<String> values = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            values.add(switch (random.nextInt(4)) {
                case 0 -> anyCodePoints(random, random.nextInt(200));
                case 1 -> fromAlphabet(random, "0123456789abcdef-.:/ \n", random.nextInt(17));
                case 2 -> fromAlphabet(random, ID_ALPHABET, random.nextInt(49));
                default -> tokens(random, random.nextInt(7));
            });
        }
        return values;
    }

    /** Joins random tokens of {@code extraTokens} and the built-in hostile ones. */
    public static List<String> sample(long seed, int count, String... extraTokens) {
        Random random = new Random(seed);
        List<String> values = new ArrayList<>(sample(seed, count / 2));
        while (values.size() < count) {
            StringBuilder value = new StringBuilder();
            int parts = random.nextInt(8);
            for (int i = 0; i < parts; i++) {
                value.append(random.nextBoolean() && extraTokens.length > 0
                        ? extraTokens[random.nextInt(extraTokens.length)]
                        : TOKENS[random.nextInt(TOKENS.length)]);
            }
            values.add(value.toString());
        }
        return values;
    }

    private static String anyCodePoints(Random random, int length) {
        StringBuilder value = new StringBuilder();
        for (int i = 0; i < length; i++) {
            int codePoint = random.nextInt(4) == 0 ? random.nextInt(0x80) : random.nextInt(0x3000);
            if (Character.isDefined(codePoint) && !Character.isSurrogate((char) codePoint)) {
                value.appendCodePoint(codePoint);
            }
        }
        return value.toString();
    }

    private static String fromAlphabet(Random random, String alphabet, int length) {
        StringBuilder value = new StringBuilder();
        for (int i = 0; i < length; i++) {
            value.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return value.toString();
    }

    private static String tokens(Random random, int count) {
        StringBuilder value = new StringBuilder();
        for (int i = 0; i < count; i++) {
            value.append(TOKENS[random.nextInt(TOKENS.length)]);
        }
        return value.toString();
    }
}
