package dev.broadcast.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.sun.net.httpserver.HttpServer;
import dev.broadcast.redis.RedisBus;
import dev.broadcast.redis.RedisProcess;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Stock clients (pusher-js, laravel-echo, the pusher Node SDK) spread over the nodes of a cluster
 * on one real {@code redis-server}: two and three nodes in this JVM (the Jakarta adapter in
 * Jetty, each with its own {@link RedisBus}) and two and three standalone jar processes
 * ({@code --redis-url}). Each scenario is one item of the cluster contract, run on its own.
 */
class ClusterConformanceTest {

    static final List<String> SCENARIOS = List.of("cluster-broadcast.mjs", "cluster-presence.mjs",
            "cluster-presence-limit.mjs", "cluster-api.mjs", "cluster-cache.mjs", "cluster-webhooks.mjs");

    static RedisProcess redis;
    static HttpServer collector;
    static final ArrayNode WEBHOOKS = new ObjectMapper().createArrayNode();
    static final Map<String, Nodes> CLUSTERS = new HashMap<>();

    /** The nodes of one cluster, started on first use and kept for every scenario. */
    record Nodes(String name, List<Target> targets) implements AutoCloseable {
        String ports() {
            return targets.stream().map(t -> Integer.toString(t.port())).collect(Collectors.joining(","));
        }

        String diagnostics() {
            return targets.stream().map(Target::diagnostics).collect(Collectors.joining("\n"));
        }

        @Override
        public void close() {
            targets.forEach(Target::close);
        }
    }

    @BeforeAll
    static void start() throws Exception {
        NodeRunner.requireInstalled();
        redis = RedisProcess.start();
        collector = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        ObjectMapper json = new ObjectMapper();
        collector.createContext("/hooks", exchange -> {
            var body = json.readTree(exchange.getRequestBody());
            synchronized (WEBHOOKS) {
                body.path("events").forEach(WEBHOOKS::add);
            }
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        collector.createContext("/log", exchange -> {
            byte[] bytes;
            synchronized (WEBHOOKS) {
                bytes = WEBHOOKS.toString().getBytes(StandardCharsets.UTF_8);
            }
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
        collector.start();
    }

    @AfterAll
    static void stop() throws Exception {
        CLUSTERS.values().forEach(Nodes::close);
        CLUSTERS.clear();
        if (collector != null) {
            collector.stop(0);
        }
        if (redis != null) {
            redis.close();
        }
    }

    static URI webhookUrl() {
        return URI.create("http://127.0.0.1:" + collector.getAddress().getPort() + "/hooks");
    }

    static Stream<Arguments> runs() {
        List<Arguments> runs = new ArrayList<>();
        for (String cluster : List.of("jetty-x2", "jetty-x3", "jar-x2", "jar-x3")) {
            for (String scenario : SCENARIOS) {
                runs.add(Arguments.of(cluster, scenario));
            }
        }
        return runs.stream();
    }

    static synchronized Nodes cluster(String name) {
        return CLUSTERS.computeIfAbsent(name, n -> {
            int size = Integer.parseInt(n.substring(n.indexOf('x') + 1));
            String prefix = n + ":"; // each cluster its own deployment on the one Redis
            List<Target> targets = new ArrayList<>();
            try {
                for (int i = 0; i < size; i++) {
                    targets.add(n.startsWith("jetty")
                            ? new JettyTarget(webhookUrl(), RedisBus.builder(redis.url()).prefix(prefix).connect())
                            : new StandaloneTarget(n + "-" + i, List.of("--client-events", "true",
                                    "--webhook-url", webhookUrl().toString(),
                                    "--redis-url", redis.url(), "--redis-prefix", prefix)));
                }
            } catch (Exception e) {
                targets.forEach(Target::close);
                throw new AssertionError("cannot start cluster " + n + ": " + e, e);
            }
            return new Nodes(n, targets);
        });
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("runs")
    void scenario(String clusterName, String script) {
        Nodes nodes = cluster(clusterName);
        Target first = nodes.targets().get(0);
        Map<String, String> env = new HashMap<>(Map.of(
                "TARGET_HOST", "127.0.0.1",
                "TARGET_PORT", Integer.toString(first.port()),
                "TARGET_PORTS", nodes.ports(),
                "APP_ID", Target.APP_ID,
                "APP_KEY", Target.APP_KEY,
                "APP_SECRET", Target.APP_SECRET,
                "RUN_ID", UUID.randomUUID().toString().substring(0, 8),
                "WEBHOOK_LOG", "http://127.0.0.1:" + collector.getAddress().getPort() + "/log"));
        if (first instanceof JettyTarget) {
            env.put("TO_OTHERS_URL", "http://127.0.0.1:" + first.port() + JettyTarget.TO_OTHERS_PATH);
        }
        NodeRunner.Result result = NodeRunner.run(clusterName, script, env);
        assertEquals(0, result.exitCode(), () -> result.transcript() + "\n" + nodes.diagnostics());
        System.out.println(clusterName + " " + script + ": " + result.json());
    }
}
