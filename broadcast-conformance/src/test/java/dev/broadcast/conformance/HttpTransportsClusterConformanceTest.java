package dev.broadcast.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.broadcast.redis.RedisProcess;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * pusher-js's HTTP transports across two jar nodes on one real Redis, behind a load balancer
 * without sticky sessions (each TCP connection to the next node in turn). A session's state lives
 * on the node that opened it. With {@code --http-hostname} the node says so in its open line,
 * {@code o{"hostname":…}}, and pusher-js sends the session's later requests there: the whole
 * {@code http-transports.mjs} scenario passes. Without it the session's next request lands on the
 * other node, which opens a second session of that name, and pusher-js, seeing a second
 * {@code o}, drops the connection ("Server lost session") over and over.
 *
 * <p>The nodes listen on 127.0.0.2 and 127.0.0.3 with the balancer's port on 127.0.0.1, since
 * pusher-js replaces only the host of its URL.
 */
class HttpTransportsClusterConformanceTest {

    private static RedisProcess redis;

    @BeforeAll
    static void startRedis() throws Exception {
        NodeRunner.requireInstalled();
        redis = RedisProcess.start();
    }

    @AfterAll
    static void stopRedis() throws InterruptedException {
        if (redis != null) {
            redis.close();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"xhr_streaming", "xhr_polling"})
    void sessionsPinnedToTheirNodeWorkBehindABalancerWithoutStickySessions(String transport) throws Exception {
        try (Cluster cluster = new Cluster("pinned-" + transport, true)) {
            NodeRunner.Result result = NodeRunner.run("cluster-pinned-" + transport, "http-transports.mjs", cluster.env(transport, 35_000));
            assertEquals(0, result.exitCode(), result::transcript);
            assertEquals(transport, result.json().path("transport").asText(), result::transcript);
            assertEquals(50, result.json().path("events").asInt(), result::transcript);
            assertTrue(cluster.proxy.connections() >= 2, "the balancer spread connections: " + cluster.proxy.connections());
        }
    }

    @Test
    void withoutPinningASessionsRequestsReachANodeThatDoesNotHoldIt() throws Exception {
        try (Cluster cluster = new Cluster("unpinned", false)) {
            NodeRunner.Result result = NodeRunner.run("cluster-unpinned", "http-transports.mjs", cluster.env("xhr_polling", 15_000));
            assertNotEquals(0, result.exitCode(), "pusher-js got through without pinning?\n" + result.transcript());
            System.out.println("without --http-hostname: " + result.json());
        }
    }

    /** Two jar nodes on one Redis (a deployment of their own) and the balancer in front. */
    private static final class Cluster implements AutoCloseable {
        final int port = Ports.free();
        final List<ServerProcess> nodes = new ArrayList<>();
        final RoundRobinProxy proxy;

        Cluster(String name, boolean pinned) throws Exception {
            String prefix = name + "-" + UUID.randomUUID().toString().substring(0, 8) + ":";
            try {
                for (String host : List.of("127.0.0.2", "127.0.0.3")) {
                    List<String> args = new ArrayList<>(List.of("--client-events", "true", "--redis-url", redis.url(),
                            "--redis-prefix", prefix));
                    if (pinned) {
                        args.addAll(List.of("--http-hostname", host));
                    }
                    nodes.add(ServerProcess.start("http-" + name + "-" + host, List.of(), host, args, port));
                }
                proxy = new RoundRobinProxy("127.0.0.1", port,
                        List.of(new InetSocketAddress("127.0.0.2", port), new InetSocketAddress("127.0.0.3", port)));
            } catch (Exception | Error e) {
                nodes.forEach(ServerProcess::close);
                throw e;
            }
        }

        Map<String, String> env(String transport, int timeoutMillis) {
            return Map.of("TARGET_HOST", "127.0.0.1", "TARGET_PORT", String.valueOf(port), "APP_ID", Target.APP_ID,
                    "APP_KEY", Target.APP_KEY, "APP_SECRET", Target.APP_SECRET,
                    "RUN_ID", "cluster-" + UUID.randomUUID().toString().substring(0, 8),
                    "HTTP_TRANSPORT", transport, "SCENARIO_TIMEOUT_MS", String.valueOf(timeoutMillis));
        }

        @Override
        public void close() throws Exception {
            proxy.close();
            nodes.forEach(ServerProcess::close);
        }
    }
}
