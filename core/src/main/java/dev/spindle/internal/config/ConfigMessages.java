package dev.spindle.internal.config;

import dev.spindle.spi.Backend;
import dev.spindle.spi.ConfigKey;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The texts of configuration errors: each names the key, the value, where it came from, what is expected and what
 * to do. Stateless.
 */
final class ConfigMessages {

    /** Backends that are not in core, by the Maven artifact that provides them. */
    static final Map<String, String> ARTIFACTS = Map.of(
            "virtual", "dev.spindle:spindle-executors-virtual",
            "process", "dev.spindle:spindle-executors-process");

    private static final int MAX_BACKEND_TYPO = 2;
    private static final int MAX_KEY_TYPO = 3;

    private ConfigMessages() {
    }

    /**
     * @param setting the value that names the backend, or {@code null} if none does and the default was used
     * @param name the backend's name as configured
     */
    static String unknownBackend(String executorName, Setting setting, String name, List<Backend> backends) {
        TreeSet<String> present = new TreeSet<>();
        backends.forEach(b -> present.add(b.name()));
        StringBuilder sb = new StringBuilder();
        if (setting == null) {
            sb.append("no backend is configured and the default backend '").append(name)
                    .append("' is not present. ");
        } else {
            sb.append(setting.describe()).append(": unknown backend '").append(name).append("'. ");
        }
        TreeSet<String> known = new TreeSet<>(present);
        known.addAll(ARTIFACTS.keySet());
        String suggestion = known.contains(name) ? null : ConfigNames.closest(name, known, MAX_BACKEND_TYPO);
        if (suggestion != null) {
            sb.append("Did you mean '").append(suggestion).append("'? ");
        }
        sb.append("Present backends: ").append(present.isEmpty() ? "none" : String.join(", ", present)).append(". ");
        String missing = suggestion != null ? suggestion : name;
        if (ARTIFACTS.containsKey(missing) && !present.contains(missing)) {
            sb.append("Backend '").append(missing).append("' is provided by ").append(ARTIFACTS.get(missing))
                    .append(", which is not present: add it as a dependency, or choose a present backend.");
        } else if (setting == null) {
            sb.append("Set ").append(ConfigNames.propertyName(executorName, ConfigResolver.BACKEND_KEY))
                    .append(" or ")
                    .append(ConfigNames.propertyName(ConfigResolver.DEFAULT_EXECUTOR, ConfigResolver.BACKEND_KEY))
                    .append(" to a present backend.");
        } else {
            sb.append("Set ").append(setting.spellingOf(ConfigResolver.BACKEND_KEY))
                    .append(" to a present backend.");
        }
        return sb.toString();
    }

    static String duplicateBackend(Setting setting, String name, List<Backend> matches) {
        String classes = matches.stream().map(b -> b.getClass().getName()).collect(Collectors.joining(", "));
        String subject = setting == null ? "the default backend '" + name + "'" : setting.describe();
        return subject + ": more than one backend is named '" + name + "' (" + classes
                + "). Remove all but one of the dependencies that provide them.";
    }

    /** @param accepted the keys the selected backend accepts, {@code backend} first */
    static String unknownKey(Setting setting, Backend backend, List<String> accepted, List<Backend> backends) {
        TreeSet<String> owners = new TreeSet<>();
        for (Backend other : backends) {
            if (other != backend && other.keys().stream().anyMatch(k -> k.name().equals(setting.key()))) {
                owners.add(other.name());
            }
        }
        StringBuilder sb = new StringBuilder(setting.describe()).append(": ");
        if (!owners.isEmpty()) {
            sb.append(setting.key()).append(" is a key of backend").append(owners.size() > 1 ? "s " : " ")
                    .append(quoted(owners, ", ")).append(", not of '").append(backend.name())
                    .append("', the backend of executor '").append(setting.executorName()).append("'. ");
        } else {
            sb.append("unknown key '").append(setting.key()).append("' for executor '")
                    .append(setting.executorName()).append("' with backend '").append(backend.name()).append("'. ");
            String suggestion = ConfigNames.closest(setting.key(), accepted, MAX_KEY_TYPO);
            if (suggestion != null) {
                sb.append("Did you mean '").append(suggestion).append("'");
                if (setting.source() != Setting.Source.BUILDER) {
                    sb.append(" (").append(setting.spellingOf(suggestion)).append(')');
                }
                sb.append("? ");
            }
        }
        sb.append("Backend '").append(backend.name()).append("' accepts: ").append(String.join(", ", accepted))
                .append(". ");
        if (owners.isEmpty()) {
            sb.append("Correct or remove the key.");
        } else {
            sb.append("Remove the key, or select backend ").append(quoted(owners, " or ")).append('.');
        }
        return sb.toString();
    }

    static String badValue(Setting setting, ConfigKey<?> key, IllegalArgumentException e) {
        String reason = e.getMessage() == null || e.getMessage().isBlank() ? "invalid value" : e.getMessage();
        return setting.describe() + ": " + reason + ". Expected " + key.expected() + ". Correct the value, or remove"
                + " it to use the default.";
    }

    /** @return one problem as it is, or several numbered, all for the executor */
    static String combine(String executorName, List<String> problems) {
        if (problems.size() == 1) {
            return "executor '" + executorName + "': " + problems.get(0);
        }
        StringBuilder sb = new StringBuilder("executor '").append(executorName).append("' has ")
                .append(problems.size()).append(" configuration problems:");
        for (int i = 0; i < problems.size(); i++) {
            sb.append("\n  ").append(i + 1).append(". ").append(problems.get(i));
        }
        return sb.toString();
    }

    private static String quoted(Collection<String> names, String separator) {
        return names.stream().map(n -> "'" + n + "'").collect(Collectors.joining(separator));
    }
}
