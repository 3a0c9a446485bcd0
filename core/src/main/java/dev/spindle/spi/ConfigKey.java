package dev.spindle.spi;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * One configuration key of a backend: its name (the part after {@code spindle.executor.<executor>.}), what values it
 * accepts, and its default. Immutable and thread-safe.
 *
 * @param <T> the parsed type
 */
public final class ConfigKey<T> {

    private final String name;
    private final String description;
    private final String expected;
    private final Function<String, T> parser;
    private final Supplier<T> defaultValue;

    private ConfigKey(String name, String description, String expected, Function<String, T> parser,
            Supplier<T> defaultValue) {
        this.name = Objects.requireNonNull(name, "name");
        this.description = Objects.requireNonNull(description, "description");
        this.expected = Objects.requireNonNull(expected, "expected");
        this.parser = Objects.requireNonNull(parser, "parser");
        this.defaultValue = Objects.requireNonNull(defaultValue, "defaultValue");
    }

    /**
     * A whole number within {@code [min, max]}.
     *
     * @param name the key's name, camelCase
     * @param description what it does
     * @param min the smallest allowed value
     * @param max the largest allowed value
     * @param defaultValue the default, computed when an executor is created
     * @return the key
     */
    public static ConfigKey<Integer> intKey(String name, String description, int min, int max,
            Supplier<Integer> defaultValue) {
        String expected = "a whole number from " + min + " to " + max;
        return new ConfigKey<>(name, description, expected, raw -> {
            int value;
            try {
                value = Integer.parseInt(raw.strip().replace("_", ""));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("not a whole number");
            }
            if (value < min || value > max) {
                throw new IllegalArgumentException("out of range");
            }
            return value;
        }, defaultValue);
    }

    /**
     * A duration, written as ISO-8601 ({@code PT2S}) or as a number with a unit: {@code 250ms}, {@code 2s},
     * {@code 1m}, {@code 1h}.
     *
     * @param name the key's name, camelCase
     * @param description what it does
     * @param defaultValue the default
     * @return the key
     */
    public static ConfigKey<Duration> durationKey(String name, String description, Supplier<Duration> defaultValue) {
        return new ConfigKey<>(name, description, "a duration such as 250ms, 2s, 1m, PT2S, or 0", ConfigKey::parseDuration,
                defaultValue);
    }

    /**
     * A duration longer than zero, in the same forms as {@link #durationKey}.
     *
     * @param name the key's name, camelCase
     * @param description what it does
     * @param defaultValue the default, positive
     * @return the key
     */
    public static ConfigKey<Duration> positiveDurationKey(String name, String description,
            Supplier<Duration> defaultValue) {
        return new ConfigKey<>(name, description, "a duration above zero such as 500ms, 2s, 1m or PT0.0005S", raw -> {
            Duration d = parseDuration(raw);
            if (d.isZero()) {
                throw new IllegalArgumentException("zero");
            }
            return d;
        }, defaultValue);
    }

    /**
     * {@code true} or {@code false}.
     *
     * @param name the key's name, camelCase
     * @param description what it does
     * @param defaultValue the default
     * @return the key
     */
    public static ConfigKey<Boolean> booleanKey(String name, String description, boolean defaultValue) {
        return new ConfigKey<>(name, description, "true or false", raw -> {
            String v = raw.strip().toLowerCase(Locale.ROOT);
            if (v.equals("true")) {
                return true;
            }
            if (v.equals("false")) {
                return false;
            }
            throw new IllegalArgumentException("not true or false");
        }, () -> defaultValue);
    }

    /**
     * Free text.
     *
     * @param name the key's name, camelCase
     * @param description what it does
     * @param defaultValue the default
     * @return the key
     */
    public static ConfigKey<String> stringKey(String name, String description, String defaultValue) {
        return new ConfigKey<>(name, description, "text", String::strip, () -> defaultValue);
    }

    static Duration parseDuration(String raw) {
        String v = raw.strip().toLowerCase(Locale.ROOT);
        if (v.startsWith("p")) {
            try {
                Duration d = Duration.parse(raw.strip());
                if (d.isNegative()) {
                    throw new IllegalArgumentException("negative");
                }
                return d;
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException("not a duration");
            }
        }
        if (v.equals("0")) {
            return Duration.ZERO; // zero needs no unit
        }
        int i = 0;
        while (i < v.length() && (Character.isDigit(v.charAt(i)))) {
            i++;
        }
        if (i == 0) {
            throw new IllegalArgumentException("not a duration");
        }
        long amount;
        try {
            amount = Long.parseLong(v.substring(0, i));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a duration");
        }
        try {
            return switch (v.substring(i).strip()) {
                case "ms" -> Duration.ofMillis(amount);
                case "s" -> Duration.ofSeconds(amount);
                case "m" -> Duration.ofMinutes(amount);
                case "h" -> Duration.ofHours(amount);
                default -> throw new IllegalArgumentException("unknown unit");
            };
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("too long");
        }
    }

    /** @return the key's name, e.g. {@code parallelism} */
    public String name() {
        return name;
    }

    /** @return what the key does */
    public String description() {
        return description;
    }

    /** @return the values it accepts, in words, e.g. {@code a whole number from 1 to 32767} */
    public String expected() {
        return expected;
    }

    /** @return the default value */
    public T defaultValue() {
        return defaultValue.get();
    }

    /**
     * @param raw the configured text
     * @return the parsed value
     * @throws IllegalArgumentException if {@code raw} is not one of the accepted values
     */
    public T parse(String raw) {
        return parser.apply(raw);
    }

    @Override
    public String toString() {
        return name;
    }
}
