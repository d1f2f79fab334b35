package dev.broadcast.spring.boot;

import dev.broadcast.core.BroadcastHub;
import dev.broadcast.micrometer.BroadcastMetrics;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * The hub's Micrometer meters ({@code broadcast.connections}, {@code broadcast.deliveries},
 * {@code broadcast.closes} by code, ...; see {@link BroadcastMetrics}) when the application has
 * Micrometer (Actuator brings it): a {@code MeterBinder} bean, which Boot binds to every registry,
 * so {@code /actuator/prometheus} shows them. The meters are read from the hub's counters when
 * scraped; nothing is added to the broadcast path.
 */
@AutoConfiguration(after = BroadcastAutoConfiguration.class)
@ConditionalOnClass(name = {"io.micrometer.core.instrument.binder.MeterBinder", "dev.broadcast.micrometer.BroadcastMetrics"})
@ConditionalOnBean(BroadcastHub.class)
public class BroadcastMetricsAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    public BroadcastMetrics broadcastMetrics(BroadcastHub hub) {
        return new BroadcastMetrics(hub);
    }
}
