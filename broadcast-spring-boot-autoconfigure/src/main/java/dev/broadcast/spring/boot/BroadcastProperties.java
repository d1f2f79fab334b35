package dev.broadcast.spring.boot;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The {@code broadcast.*} properties: the one app the Spring application hosts or sends to, where
 * its endpoints are mounted, and which driver its {@link dev.broadcast.Broadcaster} uses.
 *
 * <pre>
 * broadcast.app-id=my-app
 * broadcast.app-key=my-key
 * broadcast.app-secret=${BROADCAST_APP_SECRET}
 * broadcast.allowed-origins=https://app.example.com
 * </pre>
 */
@ConfigurationProperties("broadcast")
public class BroadcastProperties {

    /** The secret every installation knows; a WARN is logged at start while it is in use. */
    static final String DEFAULT_SECRET = "app-secret";

    /** Where the {@link dev.broadcast.Broadcaster} sends events. */
    public enum Driver {
        /** To a hub running inside this application, served by its embedded container (the default). */
        LOCAL,
        /** To a remote Pusher-compatible server over its HTTP API (see {@code broadcast.pusher.*}). */
        PUSHER,
        /** To the log at INFO, nowhere else: development without a server. */
        LOG,
        /** Nowhere: events are resolved, checked and dropped. */
        NONE
    }

    /** The app's id, which the HTTP API addresses ({@code /apps/{id}/events}). */
    private String appId = "app-id";

    /** The app's public key, which clients connect with ({@code /app/{key}}). */
    private String appKey = "app-key";

    /** The app's secret, which signs channel auths and HTTP API requests. Set it: the default is public. */
    private String appSecret = DEFAULT_SECRET;

    /** Whether clients may send client-* events (whispers) to each other. */
    private boolean clientEvents = false;

    /** Silence after which the server pings a client; also advertised to clients. */
    private Duration activityTimeout = Duration.ofSeconds(120);

    /** Origins browsers may connect from: "*", an exact origin, or a host pattern such as "*.example.com". */
    private List<String> allowedOrigins = new ArrayList<>(List.of("*"));

    /**
     * Where the WebSocket endpoint ({path}/app/{key}), the HTTP API ({path}/apps/...) and the
     * health check ({path}/up) are mounted, relative to the context path: empty (the root) or a
     * path such as "/ws".
     */
    private String path = "";

    /**
     * Where channel authorization is served when the application defines a ChannelRoutes bean;
     * user authentication (pusher.signin()) is served beside it, at "user-auth" in the same folder.
     */
    private String authPath = "/broadcasting/auth";

    /** Base64 of the 32-byte master key for private-encrypted channels (openssl rand -base64 32). */
    private String encryptionMasterKey;

    /** Where the Broadcaster sends events: local, pusher, log or none. */
    private Driver driver = Driver.LOCAL;

    /**
     * The channel Broadcaster.notify(user, notification) sends on, without its private- prefix; its
     * placeholders are read from the user ({id}, {team.id}). The default is what laravel-echo's
     * echo.private('App.Models.User.' + id).notification(...) expects of Laravel's default user model.
     */
    private String notificationChannel = "App.Models.User.{id}";

    private final Webhooks webhooks = new Webhooks();

    private final Pusher pusher = new Pusher();

    private final Redis redis = new Redis();

    public String getAppId() {
        return appId;
    }

    public void setAppId(String appId) {
        this.appId = appId;
    }

    public String getAppKey() {
        return appKey;
    }

    public void setAppKey(String appKey) {
        this.appKey = appKey;
    }

    public String getAppSecret() {
        return appSecret;
    }

    public void setAppSecret(String appSecret) {
        this.appSecret = appSecret;
    }

    public boolean isClientEvents() {
        return clientEvents;
    }

    public void setClientEvents(boolean clientEvents) {
        this.clientEvents = clientEvents;
    }

    public Duration getActivityTimeout() {
        return activityTimeout;
    }

    public void setActivityTimeout(Duration activityTimeout) {
        this.activityTimeout = activityTimeout;
    }

    public List<String> getAllowedOrigins() {
        return allowedOrigins;
    }

    public void setAllowedOrigins(List<String> allowedOrigins) {
        this.allowedOrigins = allowedOrigins;
    }

    public String getPath() {
        return path;
    }

    public void setPath(String path) {
        this.path = path;
    }

    public String getAuthPath() {
        return authPath;
    }

    public void setAuthPath(String authPath) {
        this.authPath = authPath;
    }

    public String getEncryptionMasterKey() {
        return encryptionMasterKey;
    }

    public void setEncryptionMasterKey(String encryptionMasterKey) {
        this.encryptionMasterKey = encryptionMasterKey;
    }

    public Driver getDriver() {
        return driver;
    }

    public void setDriver(Driver driver) {
        this.driver = driver;
    }

    public String getNotificationChannel() {
        return notificationChannel;
    }

    public void setNotificationChannel(String notificationChannel) {
        this.notificationChannel = notificationChannel;
    }

    public Webhooks getWebhooks() {
        return webhooks;
    }

    public Redis getRedis() {
        return redis;
    }

    public Pusher getPusher() {
        return pusher;
    }

    /**
     * The user authentication path: {@code user-auth} beside {@link #getAuthPath()}
     * ({@code /broadcasting/auth} → {@code /broadcasting/user-auth}).
     */
    String userAuthPath() {
        return authPath.substring(0, authPath.lastIndexOf('/') + 1) + "user-auth";
    }

    /** Webhooks of the local hub. */
    public static class Webhooks {

        /** Where the hub posts its webhooks (channel_occupied, member_added, ...); none when unset. */
        private URI url;

        public URI getUrl() {
            return url;
        }

        public void setUrl(URI url) {
            this.url = url;
        }
    }

    /** The Redis that joins the hubs of several instances into one cluster (needs dev.broadcast:broadcast-redis). */
    public static class Redis {

        /**
         * redis://[user:password@]host[:port][/db], or rediss:// for TLS; when set, every instance
         * with the same URL and prefix serves the same channels, presence and counts.
         */
        private String url;

        /** What this deployment's Redis keys and channels start with, so deployments can share a Redis. */
        private String prefix = "broadcast:";

        public String getUrl() {
            return url;
        }

        public void setUrl(String url) {
            this.url = url;
        }

        public String getPrefix() {
            return prefix;
        }

        public void setPrefix(String prefix) {
            this.prefix = prefix;
        }
    }

    /** The remote server of the pusher driver. */
    public static class Pusher {

        /** Host of the Pusher-compatible server, e.g. "api-eu.pusher.com" or "reverb.internal". */
        private String host;

        /** Its port; by default 443 for https and 80 for http. */
        private Integer port;

        /** "https" or "http". */
        private String scheme = "https";

        public String getHost() {
            return host;
        }

        public void setHost(String host) {
            this.host = host;
        }

        public Integer getPort() {
            return port;
        }

        public void setPort(Integer port) {
            this.port = port;
        }

        public String getScheme() {
            return scheme;
        }

        public void setScheme(String scheme) {
            this.scheme = scheme;
        }
    }
}
