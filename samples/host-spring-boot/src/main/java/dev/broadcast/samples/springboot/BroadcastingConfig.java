package dev.broadcast.samples.springboot;

import dev.broadcast.core.BroadcastHub;
import dev.broadcast.core.Broadcasters;
import dev.broadcast.core.DispatchingBroadcaster;
import dev.broadcast.core.config.App;
import dev.broadcast.jakarta.Broadcasting;
import org.springframework.boot.web.servlet.ServletContextInitializer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * docs/jakarta.md's plain-container recipe in a Spring Boot application without the starter:
 * the hub, the broadcaster, and {@code Broadcasting.install} from a {@code ServletContextInitializer}.
 * (broadcast-spring-boot-starter does all of this, plus auth routes, properties, health, metrics
 * and closing clients with 4200 before the web server stops.)
 */
@Configuration
public class BroadcastingConfig {

    // tag::recipe[]
    @Bean
    BroadcastHub hub() {
        return BroadcastHub.builder().app(App.builder("shop", "shop-key", "shop-secret").build()).build();
    }

    @Bean
    DispatchingBroadcaster broadcaster(BroadcastHub hub) {
        return Broadcasters.local(hub, "shop");
    }

    @Bean
    ServletContextInitializer broadcasting(BroadcastHub hub) {
        // /app/{key}, /apps/*, /up; the endpoint is deployed once Boot's WebSocket support is up
        return servletContext -> Broadcasting.install(servletContext, hub);
    }
    // end::recipe[]
}
