package dev.broadcast.samples.spring;

import dev.broadcast.Broadcaster;
import dev.broadcast.spring.boot.SocketId;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** Ships an order and tells everyone watching it, except the tab that shipped it. */
@RestController
public class OrderController {

    private final Broadcaster broadcaster;

    public OrderController(Broadcaster broadcaster) {
        this.broadcaster = broadcaster;
    }

    // tag::controller[]
    @PostMapping("/orders/{orderId}/ship")
    @ResponseStatus(HttpStatus.ACCEPTED)
    public void ship(@PathVariable long orderId, @RequestParam String carrier, @SocketId String socketId) {
        broadcaster.toOthers(socketId).broadcast(new OrderShipped(orderId, carrier));
    }
    // end::controller[]
}
