package dev.broadcast.spring.boot;

import dev.broadcast.core.BroadcastHub;
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
 * The {@code broadcast} health indicator of Actuator on Spring Boot 3: UP with the hub's
 * connection, channel and subscription counts while the hub runs, OUT_OF_SERVICE once it is
 * shutting down. Turned off with {@code management.health.broadcast.enabled=false}.
 * {@link BroadcastHealthContributorAutoConfiguration} does the same on Boot 4.
 */
@AutoConfiguration(after = BroadcastAutoConfiguration.class)
@ConditionalOnClass(name = "org.springframework.boot.actuate.health.HealthIndicator")
@ConditionalOnBean(BroadcastHub.class)
@ConditionalOnEnabledHealthIndicator("broadcast")
public class BroadcastHealthAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean(name = "broadcastHealthIndicator")
    public HealthIndicator broadcastHealthIndicator(BroadcastHub hub, BroadcastLifecycle lifecycle) {
        return new AbstractHealthIndicator("The broadcast hub's health check failed") {
            @Override
            protected void doHealthCheck(Health.Builder builder) {
                HubHealth health = HubHealth.of(hub, lifecycle);
                (health.up() ? builder.up() : builder.outOfService()).withDetails(health.details());
            }
        };
    }
}
