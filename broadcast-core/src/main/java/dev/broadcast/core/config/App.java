package dev.broadcast.core.config;

import dev.broadcast.core.internal.text.Urls;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One application: its credentials and the policy its clients are held to. A hub hosts one or
 * more apps; clients pick theirs by key ({@code /app/{key}}), API callers by id
 * ({@code /apps/{id}/…}).
 *
 * <p>Immutable; build with {@link #builder(String, String, String)}.
 */
public final class App {

    private final String id;
    private final String key;
    private final String secret;
    private final boolean clientEvents;
    private final List<String> allowedOrigins;
    private final Duration activityTimeout;
    private final Duration pongTimeout;
    private final Limits limits;
    private final List<URI> webhooks;

    private App(Builder builder) {
        this.id = builder.id;
        this.key = builder.key;
        this.secret = builder.secret;
        this.clientEvents = builder.clientEvents;
        this.allowedOrigins = List.copyOf(builder.allowedOrigins);
        this.activityTimeout = builder.activityTimeout;
        this.pongTimeout = builder.pongTimeout;
        this.limits = builder.limits;
        this.webhooks = List.copyOf(builder.webhooks);
    }

    /**
     * Starts an app with Pusher's defaults: client events off, any origin, activity timeout 120 s,
     * pong timeout 30 s, {@link Limits#DEFAULTS}, no webhooks.
     *
     * @throws IllegalArgumentException if a value is empty or contains whitespace
     */
    public static Builder builder(String id, String key, String secret) {
        return new Builder(id, key, secret);
    }

    /** The id API callers address, {@code /apps/{id}}. */
    public String id() {
        return id;
    }

    /** The public key clients connect with, {@code /app/{key}}, and the first half of every {@code auth}. */
    public String key() {
        return key;
    }

    /** The secret every signature is made with. Never logged. */
    public String secret() {
        return secret;
    }

    /** Whether clients may send {@code client-*} events (whispers) to each other. */
    public boolean clientEvents() {
        return clientEvents;
    }

    /**
     * Origins browsers may connect from: {@code *} for any, an exact origin
     * ({@code https://app.example.com}), or a host pattern where {@code *} matches any characters
     * ({@code *.example.com}). Clients that send no {@code Origin} header (servers, Node) are only
     * accepted under {@code *}.
     */
    public List<String> allowedOrigins() {
        return allowedOrigins;
    }

    /** Silence after which the server pings a client; also advertised to clients. */
    public Duration activityTimeout() {
        return activityTimeout;
    }

    /** How long the server waits for any message after its ping before closing with 4201. */
    public Duration pongTimeout() {
        return pongTimeout;
    }

    /** The limits of this app. */
    public Limits limits() {
        return limits;
    }

    /** Where webhooks are posted; empty for none. */
    public List<URI> webhooks() {
        return webhooks;
    }

    @Override
    public String toString() {
        return "App[id=" + id + ", key=" + key + "]";
    }

    /** Builds an {@link App}. */
    public static final class Builder {
        private final String id;
        private final String key;
        private final String secret;
        private boolean clientEvents;
        private List<String> allowedOrigins = List.of("*");
        private Duration activityTimeout = Duration.ofSeconds(120);
        private Duration pongTimeout = Duration.ofSeconds(30);
        private Limits limits = Limits.DEFAULTS;
        private final List<URI> webhooks = new ArrayList<>();

        private Builder(String id, String key, String secret) {
            this.id = token("id", id);
            this.key = token("key", key);
            this.secret = token("secret", secret);
        }

        /** Allows or refuses client events; off by default. */
        public Builder clientEvents(boolean enabled) {
            this.clientEvents = enabled;
            return this;
        }

        /** Replaces the allowed origins; see {@link App#allowedOrigins()}. */
        public Builder allowedOrigins(List<String> origins) {
            if (origins.isEmpty()) {
                throw new IllegalArgumentException("allowedOrigins must not be empty; use \"*\" to allow any origin");
            }
            origins.forEach(o -> token("origin", o));
            this.allowedOrigins = List.copyOf(origins);
            return this;
        }

        /** Sets the activity timeout, at least one second. */
        public Builder activityTimeout(Duration timeout) {
            if (timeout.compareTo(Duration.ofSeconds(1)) < 0) {
                throw new IllegalArgumentException("activityTimeout must be at least 1 s: " + timeout);
            }
            this.activityTimeout = timeout;
            return this;
        }

        /** Sets the pong timeout, at least one second. */
        public Builder pongTimeout(Duration timeout) {
            if (timeout.compareTo(Duration.ofSeconds(1)) < 0) {
                throw new IllegalArgumentException("pongTimeout must be at least 1 s: " + timeout);
            }
            this.pongTimeout = timeout;
            return this;
        }

        /** Replaces the limits. */
        public Builder limits(Limits limits) {
            this.limits = Objects.requireNonNull(limits, "limits");
            return this;
        }

        /** Adds a webhook URL ({@code http} or {@code https}). */
        public Builder webhook(URI url) {
            String scheme = url.getScheme();
            if (!"http".equalsIgnoreCase(scheme) && !"https".equalsIgnoreCase(scheme)) {
                throw new IllegalArgumentException("webhook URL must be http or https: " + Urls.forMessages(url));
            }
            if (url.getHost() == null || url.getHost().isEmpty()) {
                throw new IllegalArgumentException("webhook URL needs a host: " + Urls.forMessages(url));
            }
            webhooks.add(url);
            return this;
        }

        /** The app. */
        public App build() {
            return new App(this);
        }

        private static String token(String what, String value) {
            if (value == null || value.isBlank()) {
                throw new IllegalArgumentException("app " + what + " must not be empty");
            }
            if (!value.strip().equals(value) || value.chars().anyMatch(Character::isWhitespace)) {
                throw new IllegalArgumentException("app " + what + " must not contain whitespace");
            }
            return value;
        }
    }
}
