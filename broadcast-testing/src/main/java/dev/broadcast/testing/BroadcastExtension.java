package dev.broadcast.testing;

import dev.broadcast.ChannelRoutes;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
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
 *       its {@code @BeforeEach} and {@code @AfterEach} methods, and closed after the test's
 *       {@code @AfterEach} methods (with the clients it made); it needs
 *       {@code dev.broadcast:broadcast-server} on the test class path (see {@link TestServer});</li>
 *   <li>{@link TestClient}: a new client of that server per parameter, with no user, so public
 *       channels only; for a user's client call {@link TestServer#connect(Object)}.</li>
 * </ul>
 *
 * <p>Asked for by a {@code @BeforeAll} method, the fake and the server belong to the class
 * instead: created once, shared by its tests, and the server closed after the class's
 * {@code @AfterAll} methods.
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
 * <p>The extension closes its servers itself, so it works with the JUnit Jupiter the build has,
 * 5.10 or later; it brings no JUnit of its own. A test that injects only {@link FakeBroadcaster}
 * never loads the server's classes, so it runs without broadcast-server.
 */
public final class BroadcastExtension implements ParameterResolver, AfterEachCallback, AfterAllCallback {

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
        TestServer<?> server = store.getOrComputeIfAbsent(TestServer.class, key -> TestServer.start(routes), TestServer.class);
        return type == TestServer.class ? server : server.connect(null);
    }

    /** Closes the server made for this test, if any, after its {@code @AfterEach} methods. */
    @Override
    public void afterEach(ExtensionContext test) {
        closeServerOf(test);
    }

    /** Closes the server made by {@code @BeforeAll} methods, if any, after the {@code @AfterAll} ones. */
    @Override
    public void afterAll(ExtensionContext testClass) {
        closeServerOf(testClass);
    }

    // JUnit before 5.13 does not close AutoCloseable store values, so the extension does; removing
    // the server from the store first keeps 5.13+ from closing it a second time. remove() only looks
    // in this context's own store, so a test never closes the server of its class.
    private static void closeServerOf(ExtensionContext context) {
        TestServer<?> server = context.getStore(NAMESPACE).remove(TestServer.class, TestServer.class);
        if (server != null) {
            server.close();
        }
    }
}
