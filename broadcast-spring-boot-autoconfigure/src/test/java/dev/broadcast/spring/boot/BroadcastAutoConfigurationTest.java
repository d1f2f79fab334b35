package dev.broadcast.spring.boot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.broadcast.Authorization;
import dev.broadcast.Broadcaster;
import dev.broadcast.Channel;
import dev.broadcast.ChannelRoutes;
import dev.broadcast.core.AuthEndpoint;
import dev.broadcast.core.BroadcastHub;
import dev.broadcast.core.DispatchingBroadcaster;
import dev.broadcast.core.config.App;
import dev.broadcast.jakarta.UserResolver;
import dev.broadcast.micrometer.BroadcastMetrics;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.InputStream;
import java.security.Principal;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.actuate.health.Status;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.web.context.WebServerGracefulShutdownLifecycle;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.MethodParameter;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.web.context.request.ServletWebRequest;

/** The starter's contract, bean by bean and property by property, without a container. */
@ExtendWith(OutputCaptureExtension.class)
class BroadcastAutoConfigurationTest {

    private final ApplicationContextRunner plain = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(BroadcastAutoConfiguration.class, BroadcastHealthAutoConfiguration.class,
                    BroadcastMetricsAutoConfiguration.class));

    private final WebApplicationContextRunner web = new WebApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(BroadcastAutoConfiguration.class, BroadcastServletAutoConfiguration.class));

    @Configuration
    static class Routes {
        @Bean
        ChannelRoutes<Principal> routes() {
            return ChannelRoutes.<Principal>create().channel("orders.{id}", (user, p) -> user != null);
        }
    }

    @Test
    void byDefaultALocalHubServesTheDefaultAppAndWarnsAboutItsSecret(CapturedOutput output) {
        plain.run(context -> {
            App app = context.getBean(App.class);
            assertEquals(List.of("app-id", "app-key", "app-secret"), List.of(app.id(), app.key(), app.secret()));
            assertFalse(app.clientEvents());
            assertEquals(List.of("*"), app.allowedOrigins());
            assertEquals(Duration.ofSeconds(120), app.activityTimeout());
            BroadcastHub hub = context.getBean(BroadcastHub.class);
            assertSame(app, hub.apps().get(0));
            assertTrue(context.getBean(Broadcaster.class) instanceof DispatchingBroadcaster);
        });
        assertTrue(output.toString().contains("broadcast.app-secret is not set: the default secret is public"), output::toString);
    }

    @Test
    void everyPropertyReachesTheApp(CapturedOutput output) {
        plain.withPropertyValues("broadcast.app-id=shop", "broadcast.app-key=shop-key", "broadcast.app-secret=s3cret",
                "broadcast.client-events=true", "broadcast.activity-timeout=30s",
                "broadcast.allowed-origins=https://shop.example.com,*.example.org",
                "broadcast.webhooks.url=http://127.0.0.1:9/hooks").run(context -> {
            App app = context.getBean(App.class);
            assertEquals(List.of("shop", "shop-key", "s3cret"), List.of(app.id(), app.key(), app.secret()));
            assertTrue(app.clientEvents());
            assertEquals(Duration.ofSeconds(30), app.activityTimeout());
            assertEquals(List.of("https://shop.example.com", "*.example.org"), app.allowedOrigins());
            assertEquals("http://127.0.0.1:9/hooks", app.webhooks().get(0).toString());
        });
        assertFalse(output.toString().contains("broadcast.app-secret is not set"), "no warning with a secret of its own");
        assertFalse(output.toString().contains("s3cret"), "the secret is never logged");
    }

    @Test
    void otherDriversRunNoHub() {
        for (String driver : List.of("log", "none", "pusher")) {
            plain.withPropertyValues("broadcast.driver=" + driver, "broadcast.pusher.host=127.0.0.1").run(context -> {
                assertTrue(context.getBeansOfType(BroadcastHub.class).isEmpty(), driver);
                assertTrue(context.getBean(Broadcaster.class) instanceof DispatchingBroadcaster, driver);
                assertTrue(context.getBeansOfType(HealthIndicator.class).isEmpty(), driver + ": no hub, no health");
            });
        }
    }

    @Test
    void notificationsGoToLaravelsUserChannelByDefaultAndToTheConfiguredOneWithEveryDriver() {
        for (String driver : List.of("local", "pusher", "log", "none")) {
            plain.withPropertyValues("broadcast.driver=" + driver, "broadcast.pusher.host=127.0.0.1").run(context ->
                    assertEquals(Channel.privateChannel("App.Models.User.42"),
                            context.getBean(DispatchingBroadcaster.class).notificationChannel(42L), driver));
            plain.withPropertyValues("broadcast.driver=" + driver, "broadcast.pusher.host=127.0.0.1",
                    "broadcast.notification-channel=tenants.{tenant}.users.{id}").run(context ->
                    assertEquals(Channel.privateChannel("tenants.acme.users.42"),
                            context.getBean(DispatchingBroadcaster.class).notificationChannel(new TenantUser("acme", 42)), driver));
        }
    }

    record TenantUser(String tenant, long id) {
    }

    @Test
    void aBadNotificationChannelFailsAtStartNamingTheProperty() {
        for (String driver : List.of("local", "pusher", "log", "none")) {
            plain.withPropertyValues("broadcast.driver=" + driver, "broadcast.pusher.host=127.0.0.1",
                    "broadcast.notification-channel=users.{id").run(context -> {
                assertNotNull(context.getStartupFailure(), driver);
                assertEquals("broadcast.notification-channel is not a valid notification channel template:"
                        + " notificationChannel(\"users.{id\"): unbalanced '{' at index 6", startupMessage(context.getStartupFailure()));
            });
        }
        plain.withPropertyValues("broadcast.notification-channel=private-users.{id}").run(context -> assertEquals(
                "broadcast.notification-channel is not a valid notification channel template: notificationChannel("
                        + "\"private-users.{id}\") starts with private-: give the name without its prefix, e.g. \"users.{id}\"",
                startupMessage(context.getStartupFailure())));
    }

    @Test
    void thePusherDriverWithoutAHostFailsAtStartWithWhatToSet() {
        plain.withPropertyValues("broadcast.driver=pusher").run(context -> {
            assertNotNull(context.getStartupFailure());
            assertTrue(rootMessage(context.getStartupFailure()).startsWith("broadcast.driver=pusher needs broadcast.pusher.host"),
                    rootMessage(context.getStartupFailure()));
        });
        assertEquals("https://api-eu.pusher.com:443", BroadcastAutoConfiguration.pusherUrl(pusher("api-eu.pusher.com", null, "https")).toString());
        assertEquals("http://reverb:8080", BroadcastAutoConfiguration.pusherUrl(pusher("reverb", 8080, "http")).toString());
        assertEquals("http://reverb:80", BroadcastAutoConfiguration.pusherUrl(pusher("reverb", null, "http")).toString());
    }

    @Test
    void theApplicationsOwnBeansWin() {
        Broadcaster own = dev.broadcast.core.Broadcasters.none();
        plain.withBean("myBroadcaster", Broadcaster.class, () -> own).run(context -> assertSame(own, context.getBean(Broadcaster.class)));
    }

    @Test
    void healthIsUpWithTheHubsCountsAndOutOfServiceOnceItStops() {
        plain.run(context -> {
            HealthIndicator health = context.getBean("broadcastHealthIndicator", HealthIndicator.class);
            assertEquals(Status.UP, health.health().getStatus());
            assertEquals(0, health.health().getDetails().get("connections"));
            context.getBean(BroadcastLifecycle.class).stop();
            assertEquals(Status.OUT_OF_SERVICE, health.health().getStatus());
        });
        plain.withPropertyValues("management.health.broadcast.enabled=false")
                .run(context -> assertFalse(context.containsBean("broadcastHealthIndicator")));
    }

    @Test
    void theHubsMetersAreAMeterBinderBeanWhenMicrometerIsPresent() {
        plain.run(context -> {
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            context.getBean(MeterBinder.class).bindTo(registry);
            assertEquals(0.0, registry.get("broadcast.connections").gauge().value());
        });
        plain.withClassLoader(new FilteredClassLoader(MeterBinder.class))
                .run(context -> assertTrue(context.getBeansOfType(BroadcastMetrics.class).isEmpty(), "no Micrometer, no meters"));
        plain.withPropertyValues("broadcast.driver=log")
                .run(context -> assertTrue(context.getBeansOfType(BroadcastMetrics.class).isEmpty(), "no hub, no meters"));
    }

    @Test
    void theHubStopsBeforeBootsGracefulShutdownAndTheWebServer() {
        // lifecycles stop from the highest phase down
        assertTrue(BroadcastLifecycle.PHASE > WebServerGracefulShutdownLifecycle.SMART_LIFECYCLE_PHASE);
        plain.run(context -> {
            BroadcastHub hub = context.getBean(BroadcastHub.class);
            context.getBean(BroadcastLifecycle.class).stop();
            assertThrowsOnTrigger(hub);
        });
    }

    @Test
    void theApiServletIsMountedUnderThePath() {
        web.withPropertyValues("broadcast.path=/ws").run(context -> {
            ServletRegistrationBean<?> api = context.getBean("broadcastApiServlet", ServletRegistrationBean.class);
            assertEquals(Set.of("/ws/apps/*", "/ws/up"), Set.copyOf(api.getUrlMappings()));
            assertTrue(context.containsBean("broadcastEndpointDeployer"));
            assertFalse(context.containsBean("broadcastAuthServlet"), "no ChannelRoutes bean, no auth endpoints");
        });
        web.withPropertyValues("broadcast.driver=log").run(context -> {
            assertFalse(context.containsBean("broadcastApiServlet"), "no hub, nothing to serve");
            assertFalse(context.containsBean("broadcastEndpointDeployer"));
        });
    }

    @Test
    void aBadPathFailsAtStartNamingTheProperty() {
        web.withPropertyValues("broadcast.path=/ws/").run(context -> assertEquals(
                "broadcast.path must start with / and not end with one, without * or spaces (e.g. /broadcasting/auth), but is '/ws/'",
                rootMessage(context.getStartupFailure())));
        web.withUserConfiguration(Routes.class).withPropertyValues("broadcast.auth-path=broadcasting/auth").run(context ->
                assertTrue(rootMessage(context.getStartupFailure()).startsWith("broadcast.auth-path must start with /"),
                        rootMessage(context.getStartupFailure())));
    }

    @Test
    void channelRoutesMountTheAuthEndpointsWithThePrincipalAsUser() {
        web.withUserConfiguration(Routes.class).run(context -> {
            assertEquals(List.of("/broadcasting/auth"),
                    List.copyOf(context.getBean("broadcastAuthServlet", ServletRegistrationBean.class).getUrlMappings()));
            assertEquals(List.of("/broadcasting/user-auth"),
                    List.copyOf(context.getBean("broadcastUserAuthServlet", ServletRegistrationBean.class).getUrlMappings()));
            MockHttpServletRequest request = new MockHttpServletRequest();
            Principal alice = () -> "alice";
            request.setUserPrincipal(alice);
            assertSame(alice, context.getBean(UserResolver.class).resolve(request));
            AuthEndpoint<?> endpoint = context.getBean(AuthEndpoint.class);
            assertEquals(404, endpoint.authenticateUser(null, "1.2").status(), "no UserDataResolver: user auth is off");
        });
        web.withUserConfiguration(Routes.class).withPropertyValues("broadcast.auth-path=/api/broadcasting/auth").run(context ->
                assertEquals(List.of("/api/broadcasting/user-auth"),
                        List.copyOf(context.getBean("broadcastUserAuthServlet", ServletRegistrationBean.class).getUrlMappings())));
    }

    @Test
    void aUserDataResolverTurnsUserAuthenticationOn() {
        web.withUserConfiguration(Routes.class)
                .withBean(UserDataResolver.class, () -> (UserDataResolver<Principal>) p -> new dev.broadcast.core.UserData(p.getName()))
                .run(context -> {
                    @SuppressWarnings("unchecked")
                    AuthEndpoint<Principal> endpoint = context.getBean(AuthEndpoint.class);
                    var answer = endpoint.authenticateUser(() -> "alice", "1.2");
                    assertEquals(200, answer.status(), answer.json());
                    assertTrue(answer.json().contains("\\\"id\\\":\\\"alice\\\""), answer.json());
                });
    }

    @Test
    void socketIdArgumentsComeFromTheHeader() throws Exception {
        SocketId.Resolver resolver = new SocketId.Resolver();
        MethodParameter socketId = new MethodParameter(Controller.class.getDeclaredMethod("ship", String.class, String.class), 0);
        MethodParameter other = new MethodParameter(Controller.class.getDeclaredMethod("ship", String.class, String.class), 1);
        assertTrue(resolver.supportsParameter(socketId));
        assertFalse(resolver.supportsParameter(other));
        MockHttpServletRequest request = new MockHttpServletRequest();
        request.addHeader("X-Socket-Id", " 123.456 ");
        assertEquals("123.456", resolver.resolveArgument(socketId, null, new ServletWebRequest(request), null));
        MockHttpServletRequest forged = new MockHttpServletRequest();
        forged.addHeader("X-Socket-ID", "not-a-socket");
        assertNull(resolver.resolveArgument(socketId, null, new ServletWebRequest(forged), null));
        assertNull(resolver.resolveArgument(socketId, null, new ServletWebRequest(new MockHttpServletRequest()), null));
    }

    @Test
    void theConfigurationMetadataListsEveryProperty() throws Exception {
        JsonNode metadata;
        try (InputStream in = getClass().getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
            assertNotNull(in, "spring-configuration-metadata.json was not generated");
            metadata = new ObjectMapper().readTree(in);
        }
        Set<String> names = new TreeSet<>();
        metadata.get("properties").forEach(p -> {
            names.add(p.get("name").asText());
            assertTrue(p.hasNonNull("description"), p + " has no description");
        });
        assertEquals(new TreeSet<>(List.of("broadcast.app-id", "broadcast.app-key", "broadcast.app-secret",
                "broadcast.client-events", "broadcast.activity-timeout", "broadcast.allowed-origins", "broadcast.webhooks.url",
                "broadcast.path", "broadcast.auth-path", "broadcast.driver", "broadcast.pusher.host", "broadcast.pusher.port",
                "broadcast.redis.url", "broadcast.redis.prefix", "broadcast.notification-channel",
                "broadcast.pusher.scheme", "broadcast.encryption-master-key")), names);
    }

    static final class Controller {
        @SuppressWarnings("unused")
        void ship(@SocketId String socketId, String carrier) {
        }
    }

    private static BroadcastProperties.Pusher pusher(String host, Integer port, String scheme) {
        BroadcastProperties.Pusher pusher = new BroadcastProperties.Pusher();
        pusher.setHost(host);
        pusher.setPort(port);
        pusher.setScheme(scheme);
        return pusher;
    }

    private static void assertThrowsOnTrigger(BroadcastHub hub) {
        // a closed hub has no connections left to reach
        assertEquals(0, hub.stats().connections());
    }

    /** The message of the IllegalStateException the configuration threw, under Spring's wrappers. */
    private static String startupMessage(Throwable failure) {
        Throwable cause = failure;
        while (cause != null && !(cause instanceof IllegalStateException)) {
            cause = cause.getCause();
        }
        assertNotNull(cause, () -> "no IllegalStateException in " + failure);
        return cause.getMessage();
    }

    private static String rootMessage(Throwable failure) {
        Throwable cause = failure;
        while (cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause.getMessage();
    }

    @Test
    void redisUrlMakesTheHubANodeOfACluster() throws Exception {
        try (dev.broadcast.redis.RedisProcess redis = dev.broadcast.redis.RedisProcess.start()) {
            plain.withPropertyValues("broadcast.redis.url=" + redis.url(), "broadcast.redis.prefix=spring:").run(context -> {
                BroadcastHub hub = context.getBean(BroadcastHub.class);
                assertTrue(hub.cluster().isPresent(), "a cluster node");
                assertTrue(hub.cluster().get().toString().contains("prefix 'spring:'"), hub.cluster().get().toString());
            });
            plain.withPropertyValues("broadcast.redis.url=localhost:6379").run(context -> {
                Throwable failure = context.getStartupFailure();
                assertTrue(failure != null, "refused");
                assertTrue(rootMessage(failure).startsWith("Redis URL must look like"), rootMessage(failure));
            });
            plain.withClassLoader(new FilteredClassLoader("dev.broadcast.redis")).withPropertyValues("broadcast.redis.url=" + redis.url())
                    .run(context -> assertTrue(rootMessage(context.getStartupFailure()).contains("add the dependency dev.broadcast:broadcast-redis"),
                            String.valueOf(context.getStartupFailure())));
        }
    }

}
