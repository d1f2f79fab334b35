package dev.broadcast.testing;

import dev.broadcast.ChannelRoutes;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Injects the test kit into JUnit 5 test methods: a fresh {@link FakeBroadcaster} per test, and a
 * {@link TestServer} started for the test and closed after it.
 *
 * <pre>{@code
 * @ExtendWith(BroadcastExtension.class)
 * class OrderServiceTest {
 *     @Test void shipsOrders(FakeBroadcaster fake) { … }
 *     @Test void reachesBrowsers(TestServer<Object> server) { … }
 * }
 * }</pre>
 *
 * <p>For private and presence channels register it with the application's routes:
 * {@code @RegisterExtension static BroadcastExtension broadcast = BroadcastExtension.withRoutes(routes);}
 */
public final class BroadcastExtension implements ParameterResolver {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(BroadcastExtension.class);

    private final ChannelRoutes<?> routes;

    /** The extension for {@code @ExtendWith}: servers allow public channels only. */
    public BroadcastExtension() {
        this(ChannelRoutes.create());
    }

    private BroadcastExtension(ChannelRoutes<?> routes) {
        this.routes = routes;
    }

    /** An extension whose servers authorize private and presence channels with {@code routes}. */
    public static BroadcastExtension withRoutes(ChannelRoutes<?> routes) {
        return new BroadcastExtension(routes);
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext extension) {
        Class<?> type = parameter.getParameter().getType();
        return type == FakeBroadcaster.class || type == TestServer.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext extension) {
        Class<?> type = parameter.getParameter().getType();
        if (type == FakeBroadcaster.class) {
            return FakeBroadcaster.create();
        }
        // stored AutoCloseable values are closed by JUnit when the test's context ends
        return extension.getStore(NAMESPACE).getOrComputeIfAbsent(TestServer.class,
                key -> TestServer.start(routes), TestServer.class);
    }
}
