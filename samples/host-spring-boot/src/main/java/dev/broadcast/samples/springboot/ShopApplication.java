package dev.broadcast.samples.springboot;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * A shop whose {@link ShippingService} broadcasts through a {@link dev.broadcast.Broadcaster}
 * bean. The application does not make that bean itself: the host's wiring provides it (a local
 * hub or a Pusher-compatible server, from broadcast-core), and the tests provide a fake.
 */
@SpringBootApplication
public class ShopApplication {

    public static void main(String[] args) {
        SpringApplication.run(ShopApplication.class, args);
    }
}
