package dev.broadcast.samples.fakeonly;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.broadcast.testing.TestServer;
import java.util.List;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.spi.SLF4JServiceProvider;

/** broadcast-testing alone brings neither the server nor a logging binding. */
class ClassPathTest {

    @ParameterizedTest
    @ValueSource(strings = {
            "io.netty.channel.Channel",
            "org.glassfish.tyrus.core.TyrusWebSocketEngine",
            "org.glassfish.grizzly.http.server.HttpServer",
            "org.slf4j.simple.SimpleServiceProvider",
            "ch.qos.logback.classic.LoggerContext",
            "dev.broadcast.server.BroadcastServer"})
    void isNotOnTheTestClassPath(String className) {
        assertThrows(ClassNotFoundException.class, () -> Class.forName(className));
    }

    @Test
    void noSlf4jProviderIsOnTheTestClassPath() {
        List<String> providers = ServiceLoader.load(SLF4JServiceProvider.class).stream()
                .map(provider -> provider.type().getName())
                .toList();
        assertEquals(List.of(), providers);
    }

    @Test
    void testServerSaysWhichDependencyToAdd() {
        IllegalStateException missing = assertThrows(IllegalStateException.class, TestServer::start);
        assertTrue(missing.getMessage().contains("add the dependency dev.broadcast:broadcast-server with <scope>test</scope>"),
                missing.getMessage());
    }
}
