package dev.broadcast.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import dev.broadcast.Channel;
import dev.broadcast.ChannelRoutes;
import java.io.IOException;
import java.net.ConnectException;
import java.net.Socket;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;

/**
 * What the extension injects, and that it closes the servers after them: the classes that use
 * the extension are run with the engine test kit, then checked from here.
 */
class BroadcastExtensionTest {

    /** The fakes, servers and clients the classes below were given, in order. */
    static final List<Object> injected = new CopyOnWriteArrayList<>();

    /** Runs {@code testClass}, failing with the first failure in it, and checks all its tests ran. */
    private static void run(Class<?> testClass, int tests) {
        injected.clear();
        EngineExecutionResults results = EngineTestKit.engine("junit-jupiter").selectors(selectClass(testClass)).execute();
        results.allEvents().failed().stream()
                .map(event -> event.getRequiredPayload(TestExecutionResult.class).getThrowable().orElseThrow())
                .findFirst()
                .ifPresent(failure -> fail(testClass.getSimpleName() + " failed: " + failure, failure));
        results.testEvents().assertStatistics(stats -> stats.started(tests).succeeded(tests));
    }

    private static void assertPortClosed(TestServer<?> server) {
        assertThrows(ConnectException.class, () -> new Socket("127.0.0.1", server.port()).close(),
                "the server still listens after the test or class it was made for");
    }

    private static void assertPortOpen(TestServer<?> server) throws IOException {
        new Socket("127.0.0.1", server.port()).close();
    }

    @ExtendWith(BroadcastExtension.class)
    @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
    static class PerTest {
        FakeBroadcaster fakeOfBeforeEach;
        TestServer<Object> serverOfBeforeEach;

        @BeforeEach
        void before(FakeBroadcaster fake, TestServer<Object> server) {
            fakeOfBeforeEach = fake;
            serverOfBeforeEach = server;
        }

        @AfterEach
        void after(FakeBroadcaster fake, TestServer<Object> server) {
            assertSame(fakeOfBeforeEach, fake);
            assertSame(serverOfBeforeEach, server);
        }

        @Test
        @Order(1)
        void first(FakeBroadcaster fake, TestServer<Object> server, TestClient client) throws IOException {
            assertSame(fakeOfBeforeEach, fake);
            assertSame(serverOfBeforeEach, server);
            fake.on(Channel.of("news")).as("headline").send();
            fake.assertBroadcastOn(Channel.of("news"), "headline");
            assertPortOpen(server);
            client.subscribe(Channel.of("news")).assertSucceeded();
            server.broadcaster().on(Channel.of("news")).as("headline").with(Map.of("text", "hi")).sendNow();
            client.assertReceived("news", "headline");
            injected.addAll(List.of(fake, server, client));
        }

        @Test
        @Order(2)
        void second(FakeBroadcaster fake, TestServer<Object> server, TestClient one, TestClient other) {
            fake.assertNothingDispatched();
            assertPortClosed((TestServer<?>) injected.get(1));
            assertNotSame(one, other);
            assertNotSame(one.socketId(), other.socketId());
            injected.addAll(List.of(fake, server));
        }
    }

    @Test
    void withExtendWithEachTestGetsAFreshFakeAndAServerThatIsClosedAfterIt() {
        run(PerTest.class, 2);
        assertEquals(5, injected.size());
        assertNotSame(injected.get(0), injected.get(3), "a fresh fake per test");
        assertNotSame(injected.get(1), injected.get(4), "a server per test");
        assertPortClosed((TestServer<?>) injected.get(4));
        ((TestClient) injected.get(2)).assertClosed(4200);
    }

    @ExtendWith(BroadcastExtension.class)
    static class PerClass {
        static FakeBroadcaster fakeOfBeforeAll;
        static TestServer<Object> serverOfBeforeAll;

        @BeforeAll
        static void start(FakeBroadcaster fake, TestServer<Object> server) {
            fakeOfBeforeAll = fake;
            serverOfBeforeAll = server;
            injected.add(server);
        }

        @Test
        void one(FakeBroadcaster fake, TestServer<Object> server) throws IOException {
            assertSame(fakeOfBeforeAll, fake);
            assertSame(serverOfBeforeAll, server);
            assertPortOpen(server);
        }

        @Test
        void two(FakeBroadcaster fake, TestServer<Object> server) throws IOException {
            assertSame(fakeOfBeforeAll, fake);
            assertSame(serverOfBeforeAll, server);
            assertPortOpen(server);
        }
    }

    @Test
    void askedForByABeforeAllMethodTheFakeAndTheServerBelongToTheClass() {
        run(PerClass.class, 2);
        assertPortClosed((TestServer<?>) injected.get(0));
    }

    @Nested
    class WithRoutes {
        @RegisterExtension
        final BroadcastExtension broadcast = BroadcastExtension.withRoutes(ChannelRoutes.<String>create()
                .channel("orders.{owner}", (user, p) -> user.equals(p.get("owner"))));

        @Test
        void serversAuthorizePrivateChannelsWithTheRoutes(TestServer<String> server) {
            try (TestClient ann = server.connect("ann")) {
                ann.subscribe(Channel.privateChannel("orders.ann")).assertSucceeded();
                ann.subscribe(Channel.privateChannel("orders.bob")).assertFailed(403);
            }
        }
    }
}
