package dev.broadcast.spring.boot;

import dev.broadcast.core.BroadcastHub;
import dev.broadcast.core.HubStats;
import org.springframework.boot.actuate.autoconfigure.health.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.actuate.health.AbstractHealthIndicator;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * The {@code broadcast} health indicator of Actuator: UP with the hub's connection, channel and
 * subscription counts while the hub runs, OUT_OF_SERVICE once it is shutting down. Turned off with
 * {@code management.health.broadcast.enabled=false}.
 */
@AutoConfiguration(after = BroadcastAutoConfiguration.class)
@ConditionalOnClass(HealthIndicator.class)
@ConditionalOnBean(BroadcastHub.class)
@ConditionalOnEnabledHealthIndicator("broadcast")
public class BroadcastHealthAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean(name = "broadcastHealthIndicator")
    public HealthIndicator broadcastHealthIndicator(BroadcastHub hub, BroadcastLifecycle lifecycle) {
        return new AbstractHealthIndicator("The broadcast hub's health check failed") {
            @Override
            protected void doHealthCheck(Health.Builder builder) {
                HubStats stats = hub.stats();
                (lifecycle.isRunning() ? builder.up() : builder.outOfService())
                        .withDetail("connections", stats.connections())
                        .withDetail("channels", stats.channels())
                        .withDetail("subscriptions", stats.subscriptions());
            }
        };
    }
}
