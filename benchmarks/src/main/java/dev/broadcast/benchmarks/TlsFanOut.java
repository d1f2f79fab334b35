package dev.broadcast.benchmarks;

import dev.broadcast.server.TestCertificates;
import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;

/**
 * TLS: S1's fan-out (one public channel, {@code --subscribers} WebSocket clients, the HTTP API
 * publishing {@code --rate} events a second) against the standalone server jar over {@code ws://}
 * and then, in the same run, over {@code wss://} ({@code --tls-cert} with a certificate of a CA
 * made for the run, trusted by the clients), once with the jar's default TLS implementation and
 * once with the JDK's. Each step starts its own server process and reports
 * deliveries a second, latency from publish to receipt, and the server's CPU per delivery; the
 * table ends with the TLS step's ratios to the plain one. The clients are the JDK's WebSocket
 * client in this JVM, as in {@link HttpFanOut}.
 */
final class TlsFanOut {

    record Step(String name, int subscribers, double connectCpuMicros, double perSecond, Histogram latency,
                double cpuMicrosPerDelivery, long missing) {
    }

    static List<Step> run(Run.Options o) throws Exception {
        Path directory = Files.createTempDirectory("broadcast-tls-bench");
        TestCertificates ca = TestCertificates.authority(directory, "Broadcast Benchmark CA");
        TestCertificates.Issued certificate = ca.issue("server", "localhost", "localhost", "127.0.0.1");
        List<String> tlsArgs = List.of("--tls-cert", certificate.cert().toString(), "--tls-key", certificate.key().toString());
        List<Step> steps = new ArrayList<>();
        steps.add(step(o, "ws", List.of(), List.of(), null));
        Thread.sleep(1_000);
        steps.add(step(o, "wss", List.of(), tlsArgs, ca.sslContext()));
        Thread.sleep(1_000);
        steps.add(step(o, "wss-jdk", List.of("-Dbroadcast.tls.provider=jdk"), tlsArgs, ca.sslContext()));
        return steps;
    }

    private static Step step(Run.Options o, String name, List<String> jvmArgs, List<String> tlsArgs, SSLContext tls)
            throws Exception {
        if (!new File(o.serverJar).isFile()) {
            throw new IllegalStateException("No " + o.serverJar + "; build it first (mvn -B -q -pl benchmarks -am package"
                    + " -DskipTests) or pass --server-jar");
        }
        String host = "127.0.0.1";
        int port = Target.freePort();
        List<String> command = Target.java(o.jvmArgs());
        command.addAll(jvmArgs);
        command.addAll(List.of("-jar", o.serverJar));
        command.addAll(Target.appArgs(host, port));
        command.addAll(tlsArgs);
        command.addAll(o.serverArgs);
        Process server = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try {
            HttpClient.Builder builder = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(10));
            HttpClient http = (tls == null ? builder : builder.sslContext(tls)).build();
            String scheme = tls == null ? "" : "s";
            awaitUp(http, URI.create("http" + scheme + "://" + host + ":" + port + "/up"), server);
            return measure(o, name, http, server, URI.create("ws" + scheme + "://" + host + ":" + port
                    + "/app/" + Target.APP_KEY + "?protocol=7&client=bench"), () -> {
                        Publisher.HttpApi api = new Publisher.HttpApi(host, port, Target.APP_ID, Target.APP_KEY, Target.APP_SECRET);
                        return tls == null ? api : api.overTls(tls);
                    });
        } finally {
            server.destroy();
            if (!server.waitFor(15, TimeUnit.SECONDS)) {
                server.destroyForcibly();
            }
        }
    }

    private static Step measure(Run.Options o, String name, HttpClient http, Process server, URI socket,
                                java.util.function.Supplier<Publisher> publishers) throws Exception {
        HttpFanOut.Tally tally = new HttpFanOut.Tally();
        List<WebSocket> sockets = new ArrayList<>();
        OptionalLong connectCpu0 = Sys.cpuNanos(server.pid());
        for (int i = 0; i < o.subscribers; i++) {
            CompletableFuture<Void> subscribed = new CompletableFuture<>();
            sockets.add(http.newWebSocketBuilder().buildAsync(socket, new HttpFanOut.WsClient(tally, subscribed))
                    .get(10, TimeUnit.SECONDS));
            subscribed.get(10, TimeUnit.SECONDS);
        }
        OptionalLong connectCpu1 = Sys.cpuNanos(server.pid());
        double connectCpu = connectCpu0.isPresent() && connectCpu1.isPresent()
                ? (connectCpu1.getAsLong() - connectCpu0.getAsLong()) / 1000.0 / o.subscribers : Double.NaN;
        Run.log(o, "tls: step " + name + ": " + o.subscribers + " clients subscribed");
        long start = System.nanoTime();
        long measureFrom = start + TimeUnit.SECONDS.toNanos(o.warmup);
        long end = measureFrom + TimeUnit.SECONDS.toNanos(o.seconds);
        tally.measureFrom = measureFrom;
        HttpFanOut.Paced paced;
        try (Publisher publisher = publishers.get()) {
            paced = HttpFanOut.publish(o, publisher, () -> Sys.cpuNanos(server.pid()), start, measureFrom, end);
        }
        long published = paced.published();
        OptionalLong cpu0 = paced.cpuAtMeasureFrom();
        long graceEnd = System.nanoTime() + TimeUnit.SECONDS.toNanos(o.grace);
        while (tally.received.get() < published * o.subscribers && System.nanoTime() < graceEnd) {
            Thread.sleep(20);
        }
        OptionalLong cpu1 = Sys.cpuNanos(server.pid());
        long deliveries = tally.received.get();
        double cpuPerDelivery = cpu0.isPresent() && cpu1.isPresent() && deliveries > 0
                ? (cpu1.getAsLong() - cpu0.getAsLong()) / 1000.0 / deliveries : Double.NaN;
        sockets.forEach(WebSocket::abort);
        return new Step(name, o.subscribers, connectCpu, deliveries / (double) o.seconds, tally.latency, cpuPerDelivery,
                published * o.subscribers - deliveries);
    }

    private static void awaitUp(HttpClient http, URI up, Process server) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            if (!server.isAlive()) {
                throw new IllegalStateException("the server exited with " + server.exitValue() + " before " + up + " answered");
            }
            try {
                if (http.send(HttpRequest.newBuilder(up).timeout(Duration.ofSeconds(1)).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (java.io.IOException notYet) {
                // starting
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException(up + " did not answer 200 within 30 s");
    }

    static Table table(Run.Options o, List<Step> steps) {
        Table t = new Table(String.format(Locale.ROOT, "TLS: S1 fan-out over ws:// and wss://, 1 public channel, %d subscribers,"
                + " %d msgs/s, %d B payload, %d s measured", o.subscribers, o.rates[0], o.payload, o.seconds),
                "step", "server CPU us/connect", "deliveries/s", "p50 / p99 ms", "server CPU us/delivery", "missing");
        for (Step s : steps) {
            t.row(s.name(), String.format(Locale.ROOT, "%.0f", s.connectCpuMicros()), String.format(Locale.ROOT, "%.0f", s.perSecond()), String.format(Locale.ROOT, "%.1f / %.1f",
                    s.latency().quantile(0.50) / 1000.0, s.latency().quantile(0.99) / 1000.0),
                    String.format(Locale.ROOT, "%.2f", s.cpuMicrosPerDelivery()), s.missing());
        }
        Step plain = steps.get(0);
        for (Step tls : steps.subList(1, steps.size())) {
            t.footer(String.format(Locale.ROOT, "%s / ws: CPU per connect %.2f, deliveries/s %.2f, server CPU per delivery %.2f,"
                    + " p99 %.2f", tls.name(), tls.connectCpuMicros() / plain.connectCpuMicros(), tls.perSecond() / plain.perSecond(), tls.cpuMicrosPerDelivery() / plain.cpuMicrosPerDelivery(),
                    (double) tls.latency().quantile(0.99) / plain.latency().quantile(0.99)));
        }
        t.footer("wss: the jar's default TLS (BoringSSL through netty-tcnative where it loads); wss-jdk: the JDK's"
                + " (-Dbroadcast.tls.provider=jdk)");
        t.footer("CPU per connect: the server's CPU while the clients connected one after another (TLS handshake,"
                + " upgrade, subscribe) / clients");
        t.footer("latency from publish (before the API request) to receipt; CPU per delivery = the server process's CPU"
                + " time over the measured window / deliveries");
        o.notes.forEach(n -> t.footer("  " + n));
        return t;
    }
}
