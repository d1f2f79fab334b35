package dev.broadcast.samples.spring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The shop as it runs in production: its own JVM, the embedded container of this build (Tomcat
 * here, Jetty in samples/spring-boot-jetty), and laravel-echo 2.5 / pusher-js 8.6 under Node as
 * its pages (src/test/node/shop.mjs): public, private and presence channels through
 * {@code /broadcasting/auth} with Spring Security users, a 403 in Echo's {@code .error()}, a
 * controller's broadcast that leaves out the sender named by {@code X-Socket-ID}; then SIGTERM,
 * and every page sees the close code 4200 (reconnect elsewhere), not a dropped socket.
 */
class EchoShopTest {

    private static final Pattern STARTED = Pattern.compile("started on port (\\d+)");
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void echoPagesGetTheShopsBroadcastsAndA4200WhenItStops() throws Exception {
        Path logs = Files.createDirectories(Path.of("target", "shop-run"));
        Process app = new ProcessBuilder(javaCommand(ShopApplication.class.getName(),
                "--server.port=0", "--server.address=127.0.0.1"))
                .redirectErrorStream(true)
                .start();
        Lines appOut = new Lines(app.getInputStream(), logs.resolve("app.log"));
        Process node = null;
        try {
            String started = appOut.await(STARTED, 60);
            Matcher port = STARTED.matcher(started);
            assertTrue(port.find(), started);
            ProcessBuilder nodeBuilder = new ProcessBuilder("node", "shop.mjs")
                    .directory(shopDir().resolve(Path.of("src", "test", "node")).toFile())
                    .redirectError(logs.resolve("node.err").toFile());
            nodeBuilder.environment().put("TARGET_PORT", port.group(1));
            node = nodeBuilder.start();
            Lines nodeOut = new Lines(node.getInputStream(), logs.resolve("node.out"));

            JsonNode ready = JSON.readTree(nodeOut.await(Pattern.compile("^\\{"), 40));
            assertTrue(ready.path("ready").asBoolean(), () -> "the pages failed: " + ready + "\n" + appOut.transcript());
            assertEquals("[\"UPS\"]", ready.at("/shipped/alice1").toString(), "the sender's tab saw only the shipment it did not send");
            assertEquals("[\"DHL\",\"UPS\"]", ready.at("/shipped/alice2").toString());
            assertEquals("[\"DHL\",\"UPS\"]", ready.at("/shipped/bob").toString());
            assertEquals("[\"DHL\",\"UPS\"]", ready.at("/shipped/anonymous").toString(), "the public channel");
            assertEquals(403, ready.at("/refusal/status").asInt(), "mallory's refusal in Echo's .error()");
            assertEquals(Map.of("anonymous", "connected", "alice1", "connected", "alice2", "connected", "bob", "connected",
                    "mallory", "connected"), JSON.convertValue(ready.get("states"), Map.class));

            app.toHandle().destroy(); // SIGTERM; Process.destroy() would also close the pipe of its output
            assertTrue(app.waitFor(30, TimeUnit.SECONDS), "the shop did not exit within 30 s of SIGTERM");
            appOut.await(Pattern.compile("Closing 5 broadcast connections with 4200"), 10);
            appOut.await(Pattern.compile("Commencing graceful shutdown"), 10); // Boot's web server shutdown, after the hub

            JsonNode closes = JSON.readTree(nodeOut.await(Pattern.compile("^\\{"), 30));
            assertNotNull(closes.get("closeCodes"), closes::toString);
            for (String tab : List.of("anonymous", "alice1", "alice2", "bob", "mallory")) {
                assertEquals(4200, closes.at("/closeCodes/" + tab).asInt(), () -> tab + ": " + closes + "\n" + appOut.transcript());
            }
        } finally {
            if (node != null) {
                node.destroyForcibly();
            }
            app.destroyForcibly();
        }
    }

    /** samples/spring-boot, whose sources samples/spring-boot-jetty builds too. */
    static Path shopDir() {
        return Path.of(System.getProperty("shop.dir", ".")).toAbsolutePath().normalize();
    }

    /** {@code java -cp <this test's class path> main args}: the app with exactly this build's dependencies. */
    static List<String> javaCommand(String main, String... args) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-cp", System.getProperty("java.class.path"), main));
        command.addAll(List.of(args));
        return command;
    }

    /** A child's output, line by line: kept in a file, and handed to whoever waits for a pattern. */
    static final class Lines {
        private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        private final StringBuilder all = new StringBuilder();

        Lines(java.io.InputStream stream, Path file) {
            Thread reader = new Thread(() -> {
                try (BufferedReader in = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8));
                        var out = Files.newBufferedWriter(file)) {
                    for (String line; (line = in.readLine()) != null; ) {
                        out.write(line);
                        out.newLine();
                        out.flush();
                        synchronized (all) {
                            all.append(line).append('\n');
                        }
                        lines.add(line);
                    }
                } catch (IOException e) {
                    // the child is gone
                }
            }, "lines-" + file.getFileName());
            reader.setDaemon(true);
            reader.start();
        }

        /** The next line that matches, waiting at most {@code seconds}. */
        String await(Pattern pattern, int seconds) throws InterruptedException {
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            while (System.nanoTime() < end) {
                String line = lines.poll(end - System.nanoTime(), TimeUnit.NANOSECONDS);
                if (line != null && pattern.matcher(line).find()) {
                    return line;
                }
            }
            throw new AssertionError("no line matching " + pattern + " within " + seconds + " s\n" + transcript());
        }

        String transcript() {
            synchronized (all) {
                return "--- output ---\n" + all;
            }
        }
    }
}
