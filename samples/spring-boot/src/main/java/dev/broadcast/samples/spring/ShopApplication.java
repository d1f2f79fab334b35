package dev.broadcast.samples.spring;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * A shop that tells its customers' browsers when their orders ship. The starter mounts the
 * Pusher endpoint, the HTTP API and {@code /broadcasting/auth} into the embedded container and
 * provides the {@link dev.broadcast.Broadcaster} bean; the application adds its channel routes
 * ({@link ChannelsConfig}), its users ({@link SecurityConfig}) and a controller
 * ({@link OrderController}).
 */
@SpringBootApplication
public class ShopApplication {

    public static void main(String[] args) {
        SpringApplication.run(ShopApplication.class, args);
    }
}
