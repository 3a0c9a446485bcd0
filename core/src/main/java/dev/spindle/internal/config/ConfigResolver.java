package dev.spindle.internal.config;

import dev.spindle.SpindleConfigException;
import dev.spindle.internal.config.Setting.Source;
import dev.spindle.spi.Backend;
import dev.spindle.spi.ConfigKey;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.net.URL;
import java.net.URLConnection;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.ServiceLoader;
import java.util.TreeMap;

/**
 * Works out the configuration of an executor from the builder, system properties, the environment,
 * {@code spindle.properties} and the keys' defaults, in that order of precedence, and validates it.
 *
 * <p>Keys are {@code spindle.executor.<executor>.<key>} in system properties and {@code spindle.properties}, and
 * {@code SPINDLE_EXECUTOR_<EXECUTOR>_<KEY>} in the environment ({@code cpu-bound} and {@code maxConcurrency} give
 * {@code SPINDLE_EXECUTOR_CPU_BOUND_MAX_CONCURRENCY}). An executor whose backend is not set anywhere uses the
 * backend of the executor named {@code default}, else {@code forkjoin}. Only the keys of the executor being
 * resolved are validated; other keys under {@code spindle.} are ignored.
 *
 * <p>The sources are copied when the resolver is made: later changes to them are not seen. Immutable and
 * thread-safe.
 */
public final class ConfigResolver {

    /** The key that selects an executor's backend. */
    static final String BACKEND_KEY = "backend";

    /** The executor whose backend the others inherit. */
    static final String DEFAULT_EXECUTOR = "default";

    /** The backend used when no executor sets one. */
    static final String DEFAULT_BACKEND = "forkjoin";

    /** The name of the configuration file looked up on the class path. */
    static final String FILE_NAME = "spindle.properties";

    private final Map<String, String> systemProperties;
    private final Map<String, String> environment;
    private final Map<String, String> fileProperties;
    private final String fileLocation;
    private final List<Backend> backends;
    /** Every key some present backend reads, and {@code backend}, by its UPPER_SNAKE_CASE spelling. */
    private final Map<String, String> knownKeysByEnvSpelling;

    /**
     * A resolver over the given sources. Only the {@code spindle.executor.} entries of the properties and the
     * {@code SPINDLE_EXECUTOR_} entries of the environment are kept.
     *
     * @param systemProperties values that stand for system properties
     * @param environment values that stand for environment variables
     * @param fileProperties values that stand for {@code spindle.properties}; empty if there is none
     * @param backends the backends present
     */
    public ConfigResolver(Properties systemProperties, Map<String, String> environment, Properties fileProperties,
            List<Backend> backends) {
        this(systemProperties, environment, fileProperties, null, backends);
    }

    /** @param fileUrl where {@code fileProperties} was read from, for messages; {@code null} if not known */
    ConfigResolver(Properties systemProperties, Map<String, String> environment, Properties fileProperties,
            URL fileUrl, List<Backend> backends) {
        this.systemProperties = executorEntries(Objects.requireNonNull(systemProperties, "systemProperties"));
        this.environment = environmentEntries(Objects.requireNonNull(environment, "environment"));
        this.fileProperties = executorEntries(Objects.requireNonNull(fileProperties, "fileProperties"));
        this.fileLocation = fileUrl == null ? null : fileUrl.toString();
        this.backends = List.copyOf(backends);
        this.knownKeysByEnvSpelling = knownKeysByEnvSpelling(this.backends);
    }

    /**
     * A resolver over the real sources: a snapshot of {@link System#getProperties()} and {@link System#getenv()},
     * the first {@code spindle.properties} found by the thread's context class loader (or, if it has none, this
     * class's loader), read as UTF-8, and the backends found by {@link ServiceLoader#load(Class)}.
     *
     * @return the resolver
     * @throws SpindleConfigException if {@code spindle.properties} cannot be read
     * @throws java.util.ServiceConfigurationError if a backend cannot be loaded
     */
    public static ConfigResolver fromEnvironment() {
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        if (loader == null) {
            loader = ConfigResolver.class.getClassLoader();
        }
        URL url = loader == null ? ClassLoader.getSystemResource(FILE_NAME) : loader.getResource(FILE_NAME);
        Properties file = url == null ? new Properties() : load(url);
        List<Backend> backends = new ArrayList<>();
        ServiceLoader.load(Backend.class).forEach(backends::add);
        return new ConfigResolver(System.getProperties(), System.getenv(), file, url, backends);
    }

    private static Properties load(URL url) {
        Properties properties = new Properties();
        try {
            URLConnection connection = url.openConnection();
            connection.setUseCaches(false); // do not keep a jar file open
            try (Reader reader = new InputStreamReader(connection.getInputStream(), StandardCharsets.UTF_8)) {
                properties.load(reader);
            }
        } catch (IOException | IllegalArgumentException e) {
            throw new SpindleConfigException("cannot read " + FILE_NAME + " at " + url + ": " + e
                    + ". Fix the file, or remove it from the class path.");
        }
        return properties;
    }

    private static Map<String, String> executorEntries(Properties properties) {
        Map<String, String> entries = new TreeMap<>();
        for (String name : properties.stringPropertyNames()) {
            if (name.startsWith(ConfigNames.PROPERTY_PREFIX)) {
                entries.put(name, properties.getProperty(name));
            }
        }
        return entries;
    }

    private static Map<String, String> environmentEntries(Map<String, String> environment) {
        Map<String, String> entries = new TreeMap<>();
        environment.forEach((name, value) -> {
            if (name.startsWith(ConfigNames.ENV_PREFIX)) {
                entries.put(name, value);
            }
        });
        return entries;
    }

    private static Map<String, String> knownKeysByEnvSpelling(List<Backend> backends) {
        Map<String, String> known = new HashMap<>();
        known.put(ConfigNames.upperSnake(BACKEND_KEY), BACKEND_KEY);
        for (Backend backend : backends) {
            for (ConfigKey<?> key : backend.keys()) {
                known.put(ConfigNames.upperSnake(key.name()), key.name());
            }
        }
        return known;
    }

    /** @return the backends present, in the order given or found */
    public List<Backend> backends() {
        return backends;
    }

    /**
     * Resolves and validates the configuration of one executor: selects its backend, rejects keys the backend does
     * not read, and parses the value of each of the backend's keys.
     *
     * @param executorName the executor's name: {@code [a-z][a-z0-9-]*}, at most 64 characters
     * @param builderValues values set in code for this executor, by short key (e.g. {@code backend},
     *     {@code parallelism}); no {@code null} keys or values
     * @return the configuration
     * @throws SpindleConfigException if the name is invalid, the backend is unknown, a key is unknown or a value is
     *     invalid; the message names every such problem found
     */
    public ResolvedConfig resolve(String executorName, Map<String, String> builderValues) {
        ConfigNames.checkExecutorName(executorName);
        List<Setting> settings = settingsOf(executorName, Objects.requireNonNull(builderValues, "builderValues"));

        Setting backendSetting = find(settings, BACKEND_KEY);
        if (backendSetting == null && !executorName.equals(DEFAULT_EXECUTOR)) {
            backendSetting = find(settingsOf(DEFAULT_EXECUTOR, Map.of()), BACKEND_KEY);
        }
        Backend backend = selectBackend(executorName, backendSetting);

        List<String> problems = new ArrayList<>();
        List<String> accepted = acceptedKeys(backend);
        for (Setting setting : settings) {
            if (!accepted.contains(setting.key())) {
                problems.add(ConfigMessages.unknownKey(setting, backend, accepted, backends));
            }
        }
        Map<String, Object> values = new LinkedHashMap<>();
        Map<String, String> origins = new HashMap<>();
        for (ConfigKey<?> key : backend.keys()) {
            Setting setting = find(settings, key.name());
            if (setting == null) {
                values.put(key.name(), key.defaultValue());
                origins.put(key.name(), "default");
                continue;
            }
            try {
                values.put(key.name(), key.parse(setting.value()));
                origins.put(key.name(), setting.source().label());
            } catch (IllegalArgumentException e) {
                problems.add(ConfigMessages.badValue(setting, key, e));
            }
        }
        if (!problems.isEmpty()) {
            throw new SpindleConfigException(ConfigMessages.combine(executorName, problems));
        }
        return new ResolvedConfig(executorName, backend, backendOrigin(executorName, backendSetting), values,
                origins);
    }

    /** @return every value set for the executor, highest precedence first, each source sorted by name */
    private List<Setting> settingsOf(String executorName, Map<String, String> builderValues) {
        List<Setting> settings = new ArrayList<>();
        new TreeMap<>(Map.copyOf(builderValues)).forEach(
                (key, value) -> settings.add(new Setting(executorName, key, value, Source.BUILDER, null)));
        addProperties(settings, executorName, systemProperties, Source.SYSTEM_PROPERTY, null);
        addEnvironment(settings, executorName);
        addProperties(settings, executorName, fileProperties, Source.FILE, fileLocation);
        return settings;
    }

    private static void addProperties(List<Setting> settings, String executorName, Map<String, String> properties,
            Source source, String location) {
        String prefix = ConfigNames.propertyPrefix(executorName);
        properties.forEach((name, value) -> {
            if (name.startsWith(prefix)) {
                settings.add(new Setting(executorName, name.substring(prefix.length()), value, source, location));
            }
        });
    }

    private void addEnvironment(List<Setting> settings, String executorName) {
        String prefix = ConfigNames.envPrefix(executorName);
        environment.forEach((name, value) -> {
            if (!name.startsWith(prefix)) {
                return;
            }
            String rest = name.substring(prefix.length());
            String key = knownKeysByEnvSpelling.get(rest);
            if (key == null && isForLongerExecutorName(rest)) {
                return;
            }
            key = key != null ? key : ConfigNames.camelFromUpperSnake(rest);
            settings.add(new Setting(executorName, key, value, Source.ENVIRONMENT, name));
        });
    }

    /**
     * Whether the rest of a variable's name, after this executor's prefix, reads as a longer executor name and a
     * known key: {@code SPINDLE_EXECUTOR_IO_X_BACKEND} is for executor {@code io-x}, not key {@code xBackend} of
     * {@code io}. (An unknown key written after a longer name cannot be told from a misspelt key, so such variables
     * are not reported here.)
     */
    private boolean isForLongerExecutorName(String rest) {
        for (int i = rest.indexOf('_'); i > 0; i = rest.indexOf('_', i + 1)) {
            if (knownKeysByEnvSpelling.containsKey(rest.substring(i + 1))) {
                return true;
            }
        }
        return false;
    }

    private static Setting find(List<Setting> settings, String key) {
        for (Setting setting : settings) {
            if (setting.key().equals(key)) {
                return setting;
            }
        }
        return null;
    }

    private Backend selectBackend(String executorName, Setting setting) {
        String name = setting == null ? DEFAULT_BACKEND : setting.value().strip();
        List<Backend> matches = backends.stream().filter(b -> b.name().equals(name)).toList();
        if (matches.size() == 1) {
            return matches.get(0);
        }
        String problem = matches.isEmpty() ? ConfigMessages.unknownBackend(executorName, setting, name, backends)
                : ConfigMessages.duplicateBackend(setting, name, matches);
        throw new SpindleConfigException(ConfigMessages.combine(executorName, List.of(problem)));
    }

    private static List<String> acceptedKeys(Backend backend) {
        List<String> accepted = new ArrayList<>();
        accepted.add(BACKEND_KEY);
        backend.keys().forEach(key -> accepted.add(key.name()));
        return accepted;
    }

    private static String backendOrigin(String executorName, Setting setting) {
        if (setting == null) {
            return "default";
        }
        if (!setting.executorName().equals(executorName)) {
            return "inherited from executor '" + setting.executorName() + "', " + setting.source().label();
        }
        return setting.source().label();
    }
}
