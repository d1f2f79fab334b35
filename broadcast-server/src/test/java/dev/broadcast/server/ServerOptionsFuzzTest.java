package dev.broadcast.server;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.broadcast.core.config.App;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Fuzzes the standalone server's option parsing ({@link ServerOptions#parse}): flags, the
 * {@code BROADCAST_*} environment and the {@code --config} file, with the webhook and Redis URLs
 * they carry. Regression inputs:
 * {@code src/test/resources/dev/broadcast/server/ServerOptionsFuzzTestInputs/}; see docs/fuzzing.md.
 *
 * <p>The input is lines: each {@code BROADCAST_NAME=value} line is an environment variable, each
 * other line an argument, until a line {@code %config}, after which the rest is the config file
 * (every {@code --config} and {@code BROADCAST_CONFIG} names that file). Secrets given by flag or
 * environment get {@code ~s3cr3t} appended, so that a message can only hold one by printing it;
 * a config file's secrets are checked when they hold that mark.
 */
class ServerOptionsFuzzTest {

    private static final String SECRET_MARK = "~s3cr3t";
    private static final String CONFIG_MARKER = "%config";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path CONFIG = temporaryConfig();

    /**
     * Any arguments, environment and config file give options or an
     * {@link IllegalArgumentException} with a message: never another exception (a
     * {@code NumberFormatException}, {@code NullPointerException} or index error). No message holds
     * an app secret or the password of the Redis URL or of a webhook URL; the server prints the
     * message when it refuses to start. Options given hold at least one app, a port in 0 to 65535
     * and 1 to 1024 I/O threads, and webhooks that are http or https.
     *
     * <p>Inputs that were findings, fixed: {@code webhook-password} ({@code --webhook-url
     * ftp://hook:hunter2@example.com/x}) and {@code webhook-not-a-uri} were refused with the URL,
     * password included; {@code redis-password-in-path}, a Redis URL whose password holds a '/',
     * with the part after it.
     */
    @FuzzTest(maxDuration = "10s")
    void optionsAreParsedOrRefusedClearly(byte[] input) throws IOException {
        String text = new String(input, StandardCharsets.UTF_8);
        int split = text.indexOf(CONFIG_MARKER);
        String config = split < 0 ? "" : text.substring(Math.min(text.length(), split + CONFIG_MARKER.length() + 1));
        List<String> args = new ArrayList<>();
        Map<String, String> env = new LinkedHashMap<>();
        for (String line : (split < 0 ? text : text.substring(0, split)).split("\n")) {
            int eq = line.indexOf('=');
            if (line.startsWith("BROADCAST_") && eq > 0) {
                env.put(line.substring(0, eq), line.substring(eq + 1));
            } else if (!line.isEmpty()) {
                args.add(line);
            }
        }
        Files.writeString(CONFIG, config);
        // name and value of each option as parse reads them: --name=value, or --name and the next argument
        List<String> secrets = new ArrayList<>();
        List<String> passwords = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (arg.equals("--help") || arg.equals("-h")) {
                continue;
            }
            if (!arg.startsWith("--")) {
                break;
            }
            int eq = arg.indexOf('=');
            String name = arg.substring(2, eq < 0 ? arg.length() : eq);
            int at = eq < 0 ? i + 1 : i;
            if (at >= args.size()) {
                break;
            }
            String value = eq < 0 ? args.get(at) : arg.substring(eq + 1);
            String given = switch (name) {
                case "config" -> CONFIG.toString();
                case "app-secret" -> value + SECRET_MARK;
                default -> value;
            };
            args.set(at, eq < 0 ? given : arg.substring(0, eq + 1) + given);
            i = at;
            noteValue(name, given, secrets, passwords);
        }
        for (Map.Entry<String, String> variable : env.entrySet()) {
            String name = variable.getKey().substring("BROADCAST_".length()).toLowerCase(Locale.ROOT).replace('_', '-');
            String given = switch (name) {
                case "config" -> CONFIG.toString();
                case "app-secret" -> variable.getValue() + SECRET_MARK;
                default -> variable.getValue();
            };
            variable.setValue(given);
            noteValue(name, given, secrets, passwords);
        }
        collectConfigSecrets(config, secrets, passwords);

        ServerOptions options;
        try {
            options = ServerOptions.parse(args.toArray(String[]::new), env);
        } catch (IllegalArgumentException refused) {
            String message = refused.getMessage();
            assertNotNull(message, "a refusal without a message");
            assertFalse(message.isBlank(), "a refusal without a message");
            // a secret or password that the input also holds elsewhere may be printed as that other value
            String everything = String.join("\n", args) + "\n" + String.join("\n", env.keySet()) + "\n"
                    + String.join("\n", env.values()) + "\n" + config;
            for (String secret : secrets) {
                assertTrue(occurrences(everything, secret) > 1 || !message.contains(secret), () -> "an app secret is in: " + message);
            }
            for (String password : passwords) {
                assertTrue(occurrences(everything, password) > 1 || !message.contains(password),
                        () -> "a URL password is in: " + message);
            }
            return;
        }
        if (options.help()) {
            return;
        }
        assertFalse(options.apps().isEmpty(), "no app");
        assertTrue(options.port() >= 0 && options.port() <= 65535, "port " + options.port());
        assertTrue(options.ioThreads() >= 1 && options.ioThreads() <= 1024, "ioThreads " + options.ioThreads());
        for (App app : options.apps()) {
            for (URI webhook : app.webhooks()) {
                assertTrue(webhook.getScheme().equalsIgnoreCase("http") || webhook.getScheme().equalsIgnoreCase("https"),
                        () -> "webhook " + webhook);
            }
        }
    }

    /** The secrets that hold the mark and the webhook URL passwords of a config file. */
    private static void collectConfigSecrets(String config, List<String> secrets, List<String> passwords) {
        JsonNode root;
        try {
            root = JSON.readTree(config);
        } catch (IOException notJson) {
            return;
        }
        if (root == null) {
            return;
        }
        for (JsonNode app : root.path("apps")) {
            String secret = app.path("secret").asText("");
            if (secret.contains(SECRET_MARK)) {
                secrets.add(secret);
            }
            app.path("webhooks").forEach(url -> addIfAny(passwords, password(url.asText())));
        }
    }

    /** Notes one option's secret (marked) and the password of its URL. */
    private static void noteValue(String name, String value, List<String> secrets, List<String> passwords) {
        if (name.equals("app-secret")) {
            secrets.add(value);
        }
        if (name.equals("redis-url") || name.equals("webhook-url")) {
            addIfAny(passwords, password(value));
            addIfAny(passwords, passwordTail(value));
        }
    }

    /**
     * The part of a URL's password after its last '/' with the '@' that ends it, or null: a URI
     * reads {@code user:6379/rest@host} as the host {@code user}, port 6379 and the path
     * {@code /rest@host}, which messages about the path may quote.
     */
    static String passwordTail(String value) {
        String password = credentialsPassword(value);
        int slash = password == null ? -1 : password.lastIndexOf('/');
        return slash < 0 || password.length() - slash - 1 < 5 ? null : password.substring(slash + 1);
    }

    private static int occurrences(String text, String part) {
        int count = 0;
        for (int at = text.indexOf(part); at >= 0; at = text.indexOf(part, at + 1)) {
            count++;
        }
        return count;
    }

    private static void addIfAny(List<String> list, String value) {
        if (value != null) {
            list.add(value);
        }
    }

    /**
     * {@code :password@} of a URL-like {@code value} ({@code scheme://user:password@host…}), or
     * null when it has none worth checking (short ones could be any text). A value that is a URI
     * is read as a URI reads it: {@code p://host:port//x:y@z} has no user information, its
     * {@code @} being in the path, nor has the opaque {@code p:://x:y@z} (the path is printed as it is; {@link #passwordTail} covers a
     * password that a '/' split into the path).
     */
    static String password(String value) {
        URI uri;
        try {
            uri = new URI(value);
        } catch (URISyntaxException notAUri) {
            return credentialsPassword(value);
        }
        String userInfo = uri.getRawUserInfo(); // none in an opaque URI such as p:://x:y@z
        int colon = userInfo == null ? -1 : userInfo.indexOf(':');
        return colon < 0 || userInfo.length() - colon - 1 < 4 ? null : userInfo.substring(colon) + "@";
    }

    /** {@link #password} read by hand: from the first {@code ://} to the last {@code @}. */
    private static String credentialsPassword(String value) {
        int start = value.indexOf("://");
        int at = value.lastIndexOf('@');
        if (start < 0 || at < start) {
            return null;
        }
        String credentials = value.substring(start + 3, at);
        int colon = credentials.indexOf(':');
        if (colon < 0 || credentials.length() - colon - 1 < 4) {
            return null;
        }
        return ":" + credentials.substring(colon + 1) + "@";
    }

    private static Path temporaryConfig() {
        try {
            Path file = Files.createTempFile("broadcast-options-fuzz", ".json");
            file.toFile().deleteOnExit();
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
