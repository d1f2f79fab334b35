package dev.broadcast.samples.spring;

import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.httpBasic;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import dev.broadcast.testing.FakeBroadcaster;
import dev.broadcast.testing.spring.FakeBroadcasterBean;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.web.servlet.AutoConfigureMockMvc;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.web.servlet.MockMvc;

/** The controller's broadcast, asserted on the fake: no server, no socket, no network. */
// tag::fake-test[]
@SpringBootTest
@AutoConfigureMockMvc
class OrderControllerTest {

    @FakeBroadcasterBean
    FakeBroadcaster broadcaster;

    @Autowired
    MockMvc mvc;

    @Test
    void shippingAnOrderTellsTheOthersWatchingIt() throws Exception {
        mvc.perform(post("/orders/1/ship").param("carrier", "DHL").header("X-Socket-ID", "123.456")
                        .with(httpBasic("alice", "alice-password")))
                .andExpect(status().isAccepted());

        broadcaster.assertDispatched(OrderShipped.class, e -> e.orderId() == 1 && e.carrier().equals("DHL"));
        broadcaster.assertDispatchedToOthers(OrderShipped.class);
    }

    @Test
    void strangersCannotShip() throws Exception {
        mvc.perform(post("/orders/1/ship").param("carrier", "DHL")).andExpect(status().isUnauthorized());

        broadcaster.assertNothingDispatched();
    }
}
// end::fake-test[]
