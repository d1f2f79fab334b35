package dev.broadcast.testing.spring;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.springframework.test.context.bean.override.BeanOverride;

/**
 * Replaces the application's {@link dev.broadcast.Broadcaster} bean with a
 * {@link dev.broadcast.testing.FakeBroadcaster} for a Spring test, and injects that fake into the
 * annotated field, in the spirit of {@code @MockitoBean}:
 *
 * <pre>{@code
 * @SpringBootTest
 * @AutoConfigureMockMvc
 * class OrderControllerTest {
 *     @FakeBroadcasterBean
 *     FakeBroadcaster broadcaster;
 *
 *     @Test
 *     void shippingBroadcasts(@Autowired MockMvc mvc) throws Exception {
 *         mvc.perform(post("/orders/1/ship").param("carrier", "DHL")).andExpect(status().isAccepted());
 *         broadcaster.assertDispatched(OrderShipped.class, e -> e.carrier().equals("DHL"));
 *     }
 * }
 * }</pre>
 *
 * <p>Every bean that injects {@code Broadcaster} gets the fake, so nothing reaches the network.
 * When the context has no {@code Broadcaster} bean, the fake is added as one. The fake is
 * {@linkplain dev.broadcast.testing.FakeBroadcaster#clear() cleared} after each test method, so
 * test classes share one cached context and each test sees only its own broadcasts. The field's
 * type must be {@code FakeBroadcaster} (or a supertype such as {@code Broadcaster}).
 *
 * <p>Needs Spring Framework 6.2 or later (Spring Boot 3.4 or later) and its {@code spring-test}
 * on the test class path.
 */
@Documented
@Target(ElementType.FIELD)
@Retention(RetentionPolicy.RUNTIME)
@BeanOverride(FakeBroadcasterOverrides.class)
public @interface FakeBroadcasterBean {

    /** The name of the bean to replace; by default the one {@code Broadcaster} bean, found by type. */
    String name() default "";
}
