package dev.broadcast.core.internal.webhooks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.broadcast.core.config.App;
import dev.broadcast.core.config.Scheduler;
import dev.broadcast.core.internal.wire.Json;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Issue 11, faults: a webhook receiver that hangs cannot make the queue grow without bound. */
class WebhooksBoundTest {

    @Test
    void aHangingReceiverGetsAtMostTheBoundQueuedAndTheRestIsDroppedAndCounted() throws Exception {
        try (ServerSocket hanging = new ServerSocket(0)) {
            List<Socket> accepted = new java.util.concurrent.CopyOnWriteArrayList<>(); // the acceptor adds while the test closes
            Thread acceptor = new Thread(() -> {
                try {
                    while (true) {
                        accepted.add(hanging.accept()); // read nothing, answer nothing
                    }
                } catch (Exception closed) {
                    // the test is over
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            App app = App.builder("1", "key", "secret").webhook(URI.create("http://127.0.0.1:" + hanging.getLocalPort() + "/h")).build();
            Scheduler none = new Scheduler() {
                @Override
                public Cancellable schedule(Runnable task, Duration delay) {
                    return () -> { };
                }

                @Override
                public Cancellable scheduleAtFixedRate(Runnable task, Duration period) {
                    return () -> { };
                }
            };
            try (Webhooks webhooks = new Webhooks(none, Clock.systemUTC(), Duration.ofSeconds(1), 3)) {
                int events = Webhooks.MAX_QUEUED + 2_000;
                long start = System.nanoTime();
                for (int i = 0; i < events; i++) {
                    webhooks.send(app, Json.object().put("name", "channel_occupied").put("channel", "c" + i));
                }
                double millis = (System.nanoTime() - start) / 1e6;
                // the thread took at most one body (100 events) before hanging on the receiver
                assertTrue(webhooks.dropped() >= 2_000 - 100 && webhooks.dropped() <= 2_000,
                        "dropped " + webhooks.dropped());
                System.out.printf("%d webhook events queued in %.0f ms toward a hanging receiver, %d dropped%n",
                        events, millis, webhooks.dropped());
                assertEquals(0, webhooks.sent());
            }
            for (Socket socket : accepted) {
                socket.close();
            }
        }
    }
}
