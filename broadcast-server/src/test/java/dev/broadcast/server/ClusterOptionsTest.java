package dev.broadcast.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.broadcast.redis.RedisProcess;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code --redis-url} and {@code --redis-prefix}: parsed, checked, and refused with the option's name. */
class ClusterOptionsTest {

    @Test
    void withoutRedisTheServerIsASingleNode() {
        ServerOptions options = ServerOptions.parse(new String[0], Map.of());
        assertNull(options.redisUrl());
        assertEquals("broadcast:", options.redisPrefix());
    }

    @Test
    void flagsAndEnvironmentNameTheRedis() {
        ServerOptions flags = ServerOptions.parse(new String[] {"--redis-url", "redis://:pw@10.0.0.5:6380/2", "--redis-prefix", "shop:"}, Map.of());
        assertEquals("redis://:pw@10.0.0.5:6380/2", flags.redisUrl());
        assertEquals("shop:", flags.redisPrefix());
        ServerOptions env = ServerOptions.parse(new String[0],
                Map.of("BROADCAST_REDIS_URL", "rediss://redis.internal:6379", "BROADCAST_REDIS_PREFIX", "eu:"));
        assertEquals("rediss://redis.internal:6379", env.redisUrl());
        assertEquals("eu:", env.redisPrefix());
    }

    @Test
    void aBadRedisUrlOrPrefixIsRefusedNamingTheOption() {
        IllegalArgumentException url = assertThrows(IllegalArgumentException.class,
                () -> ServerOptions.parse(new String[] {"--redis-url", "localhost:6379"}, Map.of()));
        assertEquals("--redis-url: Redis URL must look like redis://[user:password@]host[:port][/db] or rediss://… for TLS,"
                + " got 'localhost:6379'", url.getMessage());
        IllegalArgumentException prefix = assertThrows(IllegalArgumentException.class,
                () -> ServerOptions.parse(new String[] {"--redis-url", "redis://localhost", "--redis-prefix", "a b"}, Map.of()));
        assertTrue(prefix.getMessage().startsWith("--redis-prefix: Redis prefix must be"), prefix.getMessage());
        assertEquals("--redis-prefix needs --redis-url", assertThrows(IllegalArgumentException.class,
                () -> ServerOptions.parse(new String[] {"--redis-prefix", "x:"}, Map.of())).getMessage());
    }

    @Test
    void aRedisThatCannotBeUsedStopsTheStartNamingTheOption() throws Exception {
        ServerOptions base = new ServerOptions("127.0.0.1", 0, ServerOptions.parse(new String[0], Map.of()).apps(), false);
        try (RedisProcess locked = RedisProcess.start("--requirepass", "right")) {
            IllegalStateException refused = assertThrows(IllegalStateException.class,
                    () -> BroadcastServer.start(base.withRedis("redis://:wrong@127.0.0.1:" + locked.port(), "broadcast:")));
            assertTrue(refused.getMessage().startsWith("--redis-url: Redis at 127.0.0.1:" + locked.port() + " refused authentication"),
                    refused.getMessage());
            try (BroadcastServer server = BroadcastServer.start(base.withRedis("redis://:right@127.0.0.1:" + locked.port(), "broadcast:"))) {
                assertTrue(server.hub().cluster().isPresent());
            }
        }
        IllegalStateException unreachable = assertThrows(IllegalStateException.class,
                () -> BroadcastServer.start(base.withRedis("redis://127.0.0.1:1", "broadcast:")));
        assertTrue(unreachable.getMessage().startsWith("--redis-url: Cannot connect to Redis at 127.0.0.1:1"), unreachable.getMessage());
    }
}
