package dev.broadcast.testing;

import dev.broadcast.Broadcaster;
import dev.broadcast.ChannelRoutes;
import dev.broadcast.core.AuthEndpoint;
import dev.broadcast.core.BroadcastHub;
import dev.broadcast.core.Broadcasters;
import dev.broadcast.core.DispatchingBroadcaster;
import dev.broadcast.core.config.App;
import dev.broadcast.server.BroadcastServer;
import dev.broadcast.server.ServerOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The standalone server (broadcast-server on its default Netty transport) on an ephemeral
 * loopback port, for tests: clients connect over real WebSockets, subscriptions are authorized by
 * the given channel routes, and {@link #broadcaster()} sends through the local driver.
 *
 * <pre>{@code
 * try (TestServer<User> server = TestServer.start(routes);
 *      TestClient alice = server.connect(aliceUser)) {
 *     alice.subscribe(Channel.presence("chat.1")).assertSucceeded();
 *     server.broadcaster().broadcast(new MessageSent("chat.1", "hi"));
 *     alice.assertReceived("presence-chat.1", "MessageSent", json -> json.get("text").asText().equals("hi"));
 * }
 * }</pre>
 *
 * <p>The app has id {@value #APP_ID}, key {@value #APP_KEY} and secret {@value #APP_SECRET}, and
 * client events on; clients of other code can reach it with
 * {@code TestClient.connect(URI.create("ws://127.0.0.1:" + server.port()), TestServer.APP_KEY)}.
 * Closing the server closes every client with 4200.
 *
 * <p>broadcast-testing does not bring the server: add {@code dev.broadcast:broadcast-server} with
 * {@code <scope>test</scope>} to use this class. Without it, {@code start} throws
 * {@link IllegalStateException} saying so. It runs on Netty 4.1 or 4.2, whichever the build manages.
 *
 * @param <U> the application's user type
 */
public final class TestServer<U> implements AutoCloseable {

    /** The id of the app the server hosts. */
    public static final String APP_ID = "test-app";
    /** The key of the app the server hosts: the one clients connect with. */
    public static final String APP_KEY = "test-key";
    /** The secret of the app the server hosts: the one subscriptions are signed with. */
    public static final String APP_SECRET = "test-secret";

    static final String MISSING_SERVER = "TestServer needs the standalone server, which is not on the class path:"
            + " add the dependency dev.broadcast:broadcast-server with <scope>test</scope>"
            + " (the same version as broadcast-testing)";

    /** How long {@link #close()} waits for each client to see the server's close. */
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(2);

    private final BroadcastServer server;
    private final AuthEndpoint<U> auth;
    private final DispatchingBroadcaster broadcaster;
    private final List<TestClient> clients = new ArrayList<>();

    private TestServer(ChannelRoutes<U> routes) {
        requireStandaloneServer();
        App app = App.builder(APP_ID, APP_KEY, APP_SECRET).clientEvents(true).build();
        try {
            this.server = BroadcastServer.start(new ServerOptions("127.0.0.1", 0, List.of(app), false));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the test server", e);
        }
        this.auth = AuthEndpoint.builder(APP_KEY, APP_SECRET, routes).build();
        this.broadcaster = Broadcasters.local(server.hub(), APP_ID);
    }

    /** broadcast-testing depends on broadcast-server optionally: fail here, naming it, not deep in a class load. */
    private static void requireStandaloneServer() {
        try {
            Class.forName("dev.broadcast.server.BroadcastServer", false, TestServer.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException(MISSING_SERVER, e);
        }
    }

    /**
     * A server where only public channels can be joined.
     *
     * @throws IllegalStateException if broadcast-server is not on the class path
     */
    public static TestServer<Object> start() {
        return new TestServer<>(ChannelRoutes.create());
    }

    /**
     * A server whose private and presence channels are authorized by {@code routes}.
     *
     * @throws IllegalStateException if broadcast-server is not on the class path
     */
    public static <U> TestServer<U> start(ChannelRoutes<U> routes) {
        return new TestServer<>(routes);
    }

    /** A client with no user: public channels only. */
    public TestClient connect() {
        return connect(null);
    }

    /**
     * A client acting for {@code user}: its private and presence subscriptions are signed when
     * the routes allow {@code user}, as the app's {@code /broadcasting/auth} would sign them.
     *
     * @param user the signed-in user the routes are asked about; null for nobody (every private
     *             and presence channel is refused with 403)
     */
    public TestClient connect(U user) {
        TestClient client = new TestClient(URI.create("ws://127.0.0.1:" + port() + "/app/" + APP_KEY + "?protocol=7"),
                (socketId, channel) -> auth.authorizeChannel(user, socketId, channel));
        synchronized (clients) {
            clients.add(client);
        }
        return client;
    }

    /** Sends through the local driver to this server's clients. */
    public Broadcaster broadcaster() {
        return broadcaster;
    }

    /** The engine, for its stats and direct triggers. */
    public BroadcastHub hub() {
        return server.hub();
    }

    /** The port the server listens on. */
    public int port() {
        return server.port();
    }

    /**
     * Shuts down as the standalone server does: every client still connected is closed with 4200
     * (so {@code client.assertClosed(4200)} passes after it), what the broadcaster had queued is
     * delivered first, and the port is released. Then the clients' sockets are let go. Idempotent.
     */
    @Override
    public void close() {
        broadcaster.close();
        server.close();
        synchronized (clients) {
            // the 4200 closes are on their way: let each client see its own before its socket goes
            clients.forEach(client -> client.awaitServerClose(CLOSE_WAIT));
            clients.forEach(TestClient::close);
        }
    }
}
