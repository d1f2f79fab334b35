package dev.broadcast.benchmarks;

import jakarta.websocket.CloseReason;
import jakarta.websocket.OnClose;
import jakarta.websocket.OnError;
import jakarta.websocket.OnMessage;
import jakarta.websocket.OnOpen;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerEndpoint;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import org.glassfish.tyrus.server.Server;

/**
 * The raw "Tyrus async" baseline of performance.md §2: a standalone Tyrus/Grizzly server whose
 * {@code /pub} endpoint loops over the subscribed sessions with {@code getAsyncRemote().sendText}
 * for every message it receives. The subscriber endpoint speaks just enough of the Pusher
 * protocol (connection_established, subscribe, ping) for the same load generator to drive it;
 * the publisher sends the complete Pusher event frame, which is forwarded verbatim.
 *
 * <p>{@code java -cp benchmarks.jar dev.broadcast.benchmarks.TyrusBaseline --port 8081}
 */
public final class TyrusBaseline implements AutoCloseable {

    static final Set<Session> SUBSCRIBERS = ConcurrentHashMap.newKeySet();

    private final Server server;

    private TyrusBaseline(Server server) {
        this.server = server;
    }

    /** Starts on {@code host:port}; port 0 is not supported by Tyrus's standalone server. */
    public static TyrusBaseline start(String host, int port) throws Exception {
        Server server = new Server(host, port, "/", Map.of(), Subscriber.class, Publisher.class);
        server.start();
        return new TyrusBaseline(server);
    }

    @Override
    public void close() {
        server.stop();
        SUBSCRIBERS.clear();
    }

    /** Subscribers: {@code /app/{key}}, a Pusher subset. */
    @ServerEndpoint("/app/{key}")
    public static final class Subscriber {
        @OnOpen
        public void open(Session session) {
            session.getAsyncRemote().sendText("{\"event\":\"pusher:connection_established\",\"data\":"
                    + "\"{\\\"socket_id\\\":\\\"1." + Integer.toUnsignedString(session.getId().hashCode())
                    + "\\\",\\\"activity_timeout\\\":120}\"}");
        }

        @OnMessage
        public void message(Session session, String text) {
            if (text.contains("\"pusher:subscribe\"")) {
                SUBSCRIBERS.add(session);
                session.getAsyncRemote().sendText(
                        "{\"event\":\"pusher_internal:subscription_succeeded\",\"channel\":\"bench\",\"data\":\"{}\"}");
            } else if (text.contains("\"pusher:ping\"")) {
                session.getAsyncRemote().sendText("{\"event\":\"pusher:pong\",\"data\":\"{}\"}");
            }
        }

        @OnClose
        public void close(Session session, CloseReason reason) {
            SUBSCRIBERS.remove(session);
        }

        @OnError
        public void error(Session session, Throwable error) {
            SUBSCRIBERS.remove(session);
        }
    }

    /** The publisher: every text message is sent to every subscriber, one async send each. */
    @ServerEndpoint("/pub")
    public static final class Publisher {
        @OnMessage
        public void message(String frame) {
            for (Session session : SUBSCRIBERS) {
                session.getAsyncRemote().sendText(frame);
            }
        }
    }

    public static void main(String[] args) throws Exception {
        String host = "127.0.0.1";
        int port = 8081;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--host" -> host = args[i + 1];
                case "--port" -> port = Integer.parseInt(args[i + 1]);
                default -> throw new IllegalArgumentException("Unknown option " + args[i]);
            }
        }
        TyrusBaseline baseline = start(host, port);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            baseline.close();
            stopped.countDown();
        }));
        System.out.println("tyrus-baseline listening on " + host + ":" + port);
        stopped.await();
    }
}
