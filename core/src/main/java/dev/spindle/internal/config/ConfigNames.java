package dev.spindle.internal.config;

import dev.spindle.SpindleConfigException;
import java.util.Collection;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/** How configuration keys are spelt in each source, and the "did you mean" suggestions. Stateless. */
final class ConfigNames {

    /** Prefix of every executor key in system properties and {@code spindle.properties}. */
    static final String PROPERTY_PREFIX = "spindle.executor.";

    /** Prefix of every executor key in the environment. */
    static final String ENV_PREFIX = "SPINDLE_EXECUTOR_";

    private static final int MAX_EXECUTOR_NAME_LENGTH = 64;
    private static final Pattern EXECUTOR_NAME = Pattern.compile("[a-z][a-z0-9-]*");

    private ConfigNames() {
    }

    /**
     * @param executorName the name to check
     * @throws SpindleConfigException if it is not a valid executor name
     */
    static void checkExecutorName(String executorName) {
        Objects.requireNonNull(executorName, "executorName");
        if (executorName.length() > MAX_EXECUTOR_NAME_LENGTH || !EXECUTOR_NAME.matcher(executorName).matches()) {
            throw new SpindleConfigException("invalid executor name '" + executorName + "': expected "
                    + EXECUTOR_NAME.pattern() + " (a lower-case letter, then lower-case letters, digits or '-'), at"
                    + " most " + MAX_EXECUTOR_NAME_LENGTH + " characters, e.g. 'io' or 'cpu-bound'. Rename the"
                    + " executor.");
        }
    }

    /** @return e.g. {@code spindle.executor.io.maxConcurrency} */
    static String propertyName(String executorName, String key) {
        return propertyPrefix(executorName) + key;
    }

    /** @return e.g. {@code spindle.executor.io.} */
    static String propertyPrefix(String executorName) {
        return PROPERTY_PREFIX + executorName + ".";
    }

    /** @return e.g. {@code SPINDLE_EXECUTOR_IO_MAX_CONCURRENCY} */
    static String envName(String executorName, String key) {
        return envPrefix(executorName) + upperSnake(key);
    }

    /** @return e.g. {@code SPINDLE_EXECUTOR_CPU_BOUND_} for {@code cpu-bound} */
    static String envPrefix(String executorName) {
        return ENV_PREFIX + executorName.toUpperCase(Locale.ROOT).replace('-', '_') + "_";
    }

    /**
     * @param camel a camelCase key, e.g. {@code maxConcurrency} or {@code maxHTTPConnections}
     * @return it in UPPER_SNAKE_CASE, e.g. {@code MAX_CONCURRENCY} or {@code MAX_HTTP_CONNECTIONS}
     */
    static String upperSnake(String camel) {
        StringBuilder sb = new StringBuilder(camel.length() + 8);
        for (int i = 0; i < camel.length(); i++) {
            char c = camel.charAt(i);
            if (i > 0 && Character.isUpperCase(c)) {
                char before = camel.charAt(i - 1);
                boolean wordEnds = Character.isLowerCase(before) || Character.isDigit(before);
                boolean acronymEnds = Character.isUpperCase(before) && i + 1 < camel.length()
                        && Character.isLowerCase(camel.charAt(i + 1));
                if (wordEnds || acronymEnds) {
                    sb.append('_');
                }
            }
            sb.append(Character.toUpperCase(c));
        }
        return sb.toString();
    }

    /**
     * The best guess at the camelCase key an environment variable meant, for messages.
     *
     * @param upperSnake e.g. {@code MAX_CONCURENCY}
     * @return e.g. {@code maxConcurency}
     */
    static String camelFromUpperSnake(String upperSnake) {
        StringBuilder sb = new StringBuilder(upperSnake.length());
        boolean upperNext = false;
        for (int i = 0; i < upperSnake.length(); i++) {
            char c = upperSnake.charAt(i);
            if (c == '_') {
                upperNext = sb.length() > 0;
            } else {
                sb.append(upperNext ? Character.toUpperCase(c) : Character.toLowerCase(c));
                upperNext = false;
            }
        }
        return sb.toString();
    }

    /**
     * @param word what was written
     * @param candidates the names that exist
     * @param maxDistance the largest edit distance still worth suggesting
     * @return the candidate closest to {@code word}, ignoring case, or {@code null} if none is within
     *     {@code maxDistance}; the first of equally close ones
     */
    static String closest(String word, Collection<String> candidates, int maxDistance) {
        String best = null;
        int bestDistance = maxDistance + 1;
        String w = word.toLowerCase(Locale.ROOT);
        for (String candidate : candidates) {
            int d = distance(w, candidate.toLowerCase(Locale.ROOT));
            if (d < bestDistance) {
                best = candidate;
                bestDistance = d;
            }
        }
        return best;
    }

    /**
     * Edit distance counting an insertion, a deletion, a substitution or a swap of two adjacent characters as one
     * edit (optimal string alignment).
     */
    static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }
}
