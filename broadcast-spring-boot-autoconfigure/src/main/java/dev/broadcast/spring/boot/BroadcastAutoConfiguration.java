package dev.broadcast.spring.boot;

import dev.broadcast.Broadcaster;
import dev.broadcast.core.BroadcastHub;
import dev.broadcast.core.Broadcasters;
import dev.broadcast.core.DispatchingBroadcaster;
import dev.broadcast.core.config.App;
import dev.broadcast.core.driver.BroadcastDriver;
import java.net.URI;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.core.io.ResourceLoader;
import org.springframework.util.ClassUtils;

/**
 * The app, the hub (local driver only) and the {@link Broadcaster}, from {@link BroadcastProperties}.
 * Each bean backs off when the application defines its own of the same type.
 */
@AutoConfiguration
@EnableConfigurationProperties(BroadcastProperties.class)
public class BroadcastAutoConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(BroadcastAutoConfiguration.class);

    /** The one app, from {@code broadcast.app-*} and its policy properties. */
    @Bean
    @ConditionalOnMissingBean
    public App broadcastApp(BroadcastProperties properties) {
        if (BroadcastProperties.DEFAULT_SECRET.equals(properties.getAppSecret())) {
            LOG.warn("broadcast.app-secret is not set: the default secret is public, so anyone can sign channel auths"
                    + " and HTTP API requests for app '{}'. Set broadcast.app-secret before this application faces users.",
                    properties.getAppId());
        }
        App.Builder app = App.builder(properties.getAppId(), properties.getAppKey(), properties.getAppSecret())
                .clientEvents(properties.isClientEvents())
                .allowedOrigins(properties.getAllowedOrigins())
                .activityTimeout(properties.getActivityTimeout());
        URI webhook = properties.getWebhooks().getUrl();
        if (webhook != null) {
            app.webhook(webhook);
        }
        return app.build();
    }

    /** The hub that serves the app from this application (driver {@code local}, the default). */
    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnProperty(prefix = "broadcast", name = "driver", havingValue = "local", matchIfMissing = true)
    public BroadcastHub broadcastHub(App app, BroadcastProperties properties, ResourceLoader resources) {
        BroadcastHub.Builder hub = BroadcastHub.builder().app(app);
        String redis = properties.getRedis().getUrl();
        if (redis != null && !redis.isBlank()) {
            if (!ClassUtils.isPresent("dev.broadcast.redis.RedisBus", resources.getClassLoader())) {
                throw new IllegalStateException("broadcast.redis.url is set but broadcast-redis is not on the class path:"
                        + " add the dependency dev.broadcast:broadcast-redis");
            }
            hub.cluster(ClusterSupport.bus(redis, properties.getRedis().getPrefix()));
        }
        return hub.build();
    }

    /** Kept apart so that broadcast-redis is loaded only when {@code broadcast.redis.url} is set. */
    static final class ClusterSupport {
        private ClusterSupport() {
        }

        static dev.broadcast.core.cluster.ClusterBus bus(String url, String prefix) {
            try {
                return dev.broadcast.redis.RedisBus.builder(url).prefix(prefix).connect();
            } catch (IllegalArgumentException | IllegalStateException e) {
                throw new IllegalStateException("broadcast.redis: " + e.getMessage(), e);
            }
        }
    }

    /**
     * Sends to the driver {@code broadcast.driver} names, notifications on
     * {@code broadcast.notification-channel}. Closed with the context, after what it still queues
     * is sent.
     */
    @Bean
    @ConditionalOnMissingBean(Broadcaster.class)
    public DispatchingBroadcaster broadcaster(BroadcastProperties properties, App app, ObjectProvider<BroadcastHub> hub) {
        BroadcastDriver driver = switch (properties.getDriver()) {
            case LOCAL -> Broadcasters.localDriver(hub.getObject(), app.id());
            case PUSHER -> Broadcasters.pusherDriver(pusherUrl(properties.getPusher()), app.id(), app.key(), app.secret());
            case LOG -> Broadcasters.logDriver();
            case NONE -> Broadcasters.noDriver();
        };
        DispatchingBroadcaster.Builder broadcaster = Broadcasters.builder(driver);
        try {
            broadcaster.notificationChannel(properties.getNotificationChannel());
        } catch (IllegalArgumentException | NullPointerException e) {
            driver.close();
            throw new IllegalStateException("broadcast.notification-channel is not a valid notification channel template: "
                    + e.getMessage(), e);
        }
        return broadcaster.build();
    }

    /** Closes the hub with 4200 before the web server stops (local driver only). */
    @Bean
    public static BroadcastLifecycle broadcastLifecycle(ObjectProvider<BroadcastHub> hub) {
        return new BroadcastLifecycle(hub);
    }

    static URI pusherUrl(BroadcastProperties.Pusher pusher) {
        if (pusher.getHost() == null || pusher.getHost().isBlank()) {
            throw new IllegalStateException("broadcast.driver=pusher needs broadcast.pusher.host: the host of the"
                    + " Pusher-compatible server to send to (e.g. api-eu.pusher.com)");
        }
        String scheme = pusher.getScheme();
        if (!"https".equals(scheme) && !"http".equals(scheme)) {
            throw new IllegalStateException("broadcast.pusher.scheme must be https or http, not " + scheme);
        }
        int port = pusher.getPort() != null ? pusher.getPort() : "https".equals(scheme) ? 443 : 80;
        return URI.create(scheme + "://" + pusher.getHost() + ":" + port);
    }
}
