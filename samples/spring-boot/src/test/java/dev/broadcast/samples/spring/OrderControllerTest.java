package dev.broadcast.samples.spring;

import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.httpBasic;
import static org.springframework.security.test.web.servlet.setup.SecurityMockMvcConfigurers.springSecurity;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import dev.broadcast.testing.FakeBroadcaster;
import dev.broadcast.testing.spring.FakeBroadcasterBean;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;
import org.springframework.web.context.WebApplicationContext;

/**
 * The controller's broadcast, asserted on the fake: no server, no socket, no network. MockMvc is
 * built by hand rather than with {@code @AutoConfigureMockMvc}, whose package differs between
 * Boot 3 and Boot 4, so that samples/spring-boot-4 runs this same test.
 */
// tag::fake-test[]
@SpringBootTest
class OrderControllerTest {

    @FakeBroadcasterBean
    FakeBroadcaster broadcaster;

    MockMvc mvc;

    @BeforeEach
    void mockMvc(@Autowired WebApplicationContext context) {
        mvc = MockMvcBuilders.webAppContextSetup(context).apply(springSecurity()).build();
    }

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
