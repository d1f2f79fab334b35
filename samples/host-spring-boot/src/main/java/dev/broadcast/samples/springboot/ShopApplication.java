package dev.broadcast.samples.springboot;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * A shop whose {@link ShippingService} broadcasts through a {@link dev.broadcast.Broadcaster}
 * bean, which {@link BroadcastingConfig} makes by hand (no starter); the tests replace it with a fake.
 */
@SpringBootApplication
public class ShopApplication {

    public static void main(String[] args) {
        SpringApplication.run(ShopApplication.class, args);
    }
}
