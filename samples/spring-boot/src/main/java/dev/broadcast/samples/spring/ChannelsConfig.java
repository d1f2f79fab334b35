package dev.broadcast.samples.spring;

import dev.broadcast.Authorization;
import dev.broadcast.ChannelRoutes;
import java.security.Principal;
import java.util.Map;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Laravel's routes/channels.php: who may listen to which private and presence channel. */
@Configuration
public class ChannelsConfig {

    // tag::routes[]
    @Bean
    ChannelRoutes<Principal> channelRoutes(Orders orders) {
        return ChannelRoutes.<Principal>create()
                .channel("orders.{orderId}", (user, p) -> orders.isOwner(user.getName(), p.getLong("orderId")))
                .presence("orders.{orderId}.viewers", (user, p) -> orders.isOwner(user.getName(), p.getLong("orderId"))
                        ? Authorization.member(user.getName(), Map.of("name", user.getName()))
                        : Authorization.deny());
    }
    // end::routes[]
}
