package dev.broadcast.samples.springboot;

import dev.broadcast.Broadcaster;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;

/** Ships orders and tells the browsers watching them. */
@Service
public class ShippingService {

    private static final Logger LOG = LoggerFactory.getLogger(ShippingService.class);

    private final Broadcaster broadcaster;

    public ShippingService(Broadcaster broadcaster) {
        this.broadcaster = broadcaster;
    }

    public void ship(long orderId, String carrier) {
        LOG.info("order {} shipped with {}", orderId, carrier);
        broadcaster.broadcast(new OrderShipped(orderId, carrier, Instant.now()));
    }
}
