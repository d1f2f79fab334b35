package dev.broadcast.spring.boot;

import dev.broadcast.core.BroadcastHub;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;

/**
 * {@link BroadcastHealthAutoConfiguration} on Spring Boot 4, whose health API moved to
 * {@code org.springframework.boot.health}.
 */
@AutoConfiguration(after = BroadcastAutoConfiguration.class)
@ConditionalOnClass(name = "org.springframework.boot.health.contributor.HealthIndicator")
@ConditionalOnBean(BroadcastHub.class)
@ConditionalOnEnabledHealthIndicator("broadcast")
public class BroadcastHealthContributorAutoConfiguration {

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
