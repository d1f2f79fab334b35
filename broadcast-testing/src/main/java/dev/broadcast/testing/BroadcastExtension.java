package dev.broadcast.testing;

import dev.broadcast.ChannelRoutes;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Injects the test kit into JUnit 5 test and lifecycle methods:
 *
 * <ul>
 *   <li>{@link FakeBroadcaster}: a fresh one per test, the same for the test and its
 *       {@code @BeforeEach} and {@code @AfterEach} methods;</li>
 *   <li>{@link TestServer}: started for the test when first asked for, the same for the test and
 *       its {@code @BeforeEach} and {@code @AfterEach} methods, and closed after the test (with the
 *       clients it made);</li>
 *   <li>{@link TestClient}: a new client of that server per parameter, with no user, so public
 *       channels only; for a user's client call {@link TestServer#connect(Object)}.</li>
 * </ul>
 *
 * <p>Asked for by a {@code @BeforeAll} method, the fake and the server belong to the class
 * instead: created once, shared by its tests, and the server closed after the last one.
 *
 * <pre>{@code
 * @ExtendWith(BroadcastExtension.class)
 * class OrderServiceTest {
 *     @Test void shipsOrders(FakeBroadcaster fake) { … }
 *     @Test void reachesBrowsers(TestServer<Object> server, TestClient browser) { … }
 * }
 * }</pre>
 *
 * <p>For private and presence channels register it with the application's routes:
 * {@code @RegisterExtension static BroadcastExtension broadcast = BroadcastExtension.withRoutes(routes);}
 * and inject {@code TestServer<User>}.
 *
 * <p>Servers are closed by JUnit as {@link AutoCloseable} values of the extension context's store,
 * which needs JUnit Jupiter 5.13 or later.
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
        return type == FakeBroadcaster.class || type == TestServer.class || type == TestClient.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext extension) {
        Class<?> type = parameter.getParameter().getType();
        ExtensionContext.Store store = extension.getStore(NAMESPACE);
        if (type == FakeBroadcaster.class) {
            return store.getOrComputeIfAbsent(FakeBroadcaster.class, key -> FakeBroadcaster.create(), FakeBroadcaster.class);
        }
        // the store closes AutoCloseable values when its context (the test, or the class) ends
        TestServer<?> server = store.getOrComputeIfAbsent(TestServer.class, key -> TestServer.start(routes), TestServer.class);
        return type == TestServer.class ? server : server.connect(null);
    }
}
