package dev.broadcast.spring.boot;

import dev.broadcast.ChannelRoutes;
import dev.broadcast.core.AuthEndpoint;
import dev.broadcast.core.BroadcastHub;
import dev.broadcast.core.UserData;
import dev.broadcast.core.config.App;
import dev.broadcast.jakarta.ApiServlet;
import dev.broadcast.jakarta.AuthServlet;
import dev.broadcast.jakarta.FallbackServlet;
import dev.broadcast.jakarta.UserResolver;
import jakarta.servlet.Servlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.websocket.server.ServerContainer;
import java.util.List;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.method.support.HandlerMethodArgumentResolver;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * Mounts the broadcast endpoints into the application's own servlet container (Tomcat, Jetty or
 * Undertow, embedded or not): the Pusher WebSocket endpoint at {@code {path}/app/{key}}, the HTTP
 * API at {@code {path}/apps/*}, the health check at {@code {path}/up} and pusher-js's HTTP
 * transports at {@code {path}/pusher/*} when the hub runs here;
 * the auth endpoints at {@code broadcast.auth-path} when the application defines a
 * {@link ChannelRoutes} bean; and the {@link SocketId @SocketId} controller argument.
 */
@AutoConfiguration(after = BroadcastAutoConfiguration.class)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass({Servlet.class, ServerContainer.class})
public class BroadcastServletAutoConfiguration {

    /** The HTTP API and {@code /up}, served by the hub. */
    @Bean
    @ConditionalOnBean(BroadcastHub.class)
    public ServletRegistrationBean<ApiServlet> broadcastApiServlet(BroadcastHub hub, BroadcastProperties properties) {
        String path = Paths.prefix("broadcast.path", properties.getPath());
        ServletRegistrationBean<ApiServlet> registration =
                new ServletRegistrationBean<>(new ApiServlet(hub), path + "/apps/*", path + "/up");
        registration.setName("broadcastApiServlet");
        return registration;
    }

    /**
     * pusher-js's HTTP fallback transports ({@code xhr_streaming}, {@code xhr_polling}) at
     * {@code {path}/pusher/*}, pusher-js's default {@code httpPath}; async, so a held stream
     * holds no container thread.
     */
    @Bean
    @ConditionalOnBean(BroadcastHub.class)
    public ServletRegistrationBean<FallbackServlet> broadcastHttpTransportsServlet(BroadcastHub hub,
            BroadcastProperties properties) {
        String path = Paths.prefix("broadcast.path", properties.getPath());
        ServletRegistrationBean<FallbackServlet> registration =
                new ServletRegistrationBean<>(new FallbackServlet(hub), path + "/pusher/*");
        registration.setName("broadcastHttpTransportsServlet");
        registration.setAsyncSupported(true);
        return registration;
    }

    /** The WebSocket endpoint, added once the container's WebSocket support is ready. */
    @Bean
    @ConditionalOnBean(BroadcastHub.class)
    public static EndpointDeployer broadcastEndpointDeployer(ObjectProvider<BroadcastHub> hub,
            ObjectProvider<BroadcastProperties> properties) {
        return new EndpointDeployer(hub, properties);
    }

    /** {@code /broadcasting/auth} and {@code /broadcasting/user-auth}, for the app's {@link ChannelRoutes}. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnBean(ChannelRoutes.class)
    static class Auth {

        /**
         * Signs for the app's routes; {@code UserData} for {@code pusher.signin()} comes from a
         * {@link UserDataResolver} bean (without one, user authentication answers 404).
         */
        @Bean
        @ConditionalOnMissingBean
        @SuppressWarnings({"unchecked", "rawtypes"})
        public AuthEndpoint<Object> broadcastAuthEndpoint(App app, ChannelRoutes<?> routes,
                BroadcastProperties properties, ObjectProvider<UserDataResolver<?>> userData) {
            AuthEndpoint.Builder<Object> endpoint = AuthEndpoint.builder(app, (ChannelRoutes<Object>) routes);
            if (properties.getEncryptionMasterKey() != null) {
                endpoint.encryptionMasterKey(properties.getEncryptionMasterKey());
            }
            UserDataResolver<Object> resolver = (UserDataResolver<Object>) (UserDataResolver) userData.getIfAvailable();
            if (resolver != null) {
                endpoint.userData(user -> resolver.resolve(user));
            }
            return endpoint.build();
        }

        /**
         * The request's {@link java.security.Principal} (Spring Security's {@code Authentication}),
         * or null when nobody is signed in; define a {@link UserResolver} bean to use your own user type.
         */
        @Bean
        @ConditionalOnMissingBean
        public UserResolver<?> broadcastUserResolver() {
            return HttpServletRequest::getUserPrincipal;
        }

        @Bean
        @SuppressWarnings({"unchecked", "rawtypes"})
        public ServletRegistrationBean<AuthServlet<Object>> broadcastAuthServlet(AuthEndpoint<Object> endpoint,
                UserResolver<?> users, BroadcastProperties properties) {
            String path = Paths.route("broadcast.auth-path", properties.getAuthPath());
            ServletRegistrationBean<AuthServlet<Object>> registration =
                    new ServletRegistrationBean<>(AuthServlet.channels(endpoint, (UserResolver) users), path);
            registration.setName("broadcastAuthServlet");
            return registration;
        }

        @Bean
        @SuppressWarnings({"unchecked", "rawtypes"})
        public ServletRegistrationBean<AuthServlet<Object>> broadcastUserAuthServlet(AuthEndpoint<Object> endpoint,
                UserResolver<?> users, BroadcastProperties properties) {
            Paths.route("broadcast.auth-path", properties.getAuthPath());
            ServletRegistrationBean<AuthServlet<Object>> registration =
                    new ServletRegistrationBean<>(AuthServlet.users(endpoint, (UserResolver) users), properties.userAuthPath());
            registration.setName("broadcastUserAuthServlet");
            return registration;
        }
    }

    /** {@code @SocketId String socketId} in Spring MVC controller methods. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(WebMvcConfigurer.class)
    static class Mvc {

        @Bean
        public WebMvcConfigurer broadcastSocketIdArgument() {
            return new WebMvcConfigurer() {
                @Override
                public void addArgumentResolvers(List<HandlerMethodArgumentResolver> resolvers) {
                    resolvers.add(new SocketId.Resolver());
                }
            };
        }
    }
}
