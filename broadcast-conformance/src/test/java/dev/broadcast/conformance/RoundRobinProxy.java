package dev.broadcast.conformance;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A load balancer without sticky sessions, in the test: each TCP connection accepted on
 * {@code host:port} goes to the next backend in turn, bytes copied both ways until either side
 * closes.
 */
final class RoundRobinProxy implements AutoCloseable {

    private final ServerSocket listener;
    private final List<InetSocketAddress> backends;
    private final AtomicInteger next = new AtomicInteger();
    private final List<Socket> open = new CopyOnWriteArrayList<>();
    private final Thread acceptor;

    RoundRobinProxy(String host, int port, List<InetSocketAddress> backends) throws IOException {
        this.listener = new ServerSocket(port, 100, InetAddress.getByName(host));
        this.backends = List.copyOf(backends);
        this.acceptor = new Thread(this::accept, "round-robin-proxy");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** Connections passed to each backend so far, in total. */
    int connections() {
        return next.get();
    }

    private void accept() {
        while (!listener.isClosed()) {
            try {
                Socket client = listener.accept();
                Socket backend = new Socket();
                backend.connect(backends.get(Math.floorMod(next.getAndIncrement(), backends.size())), 2_000);
                open.add(client);
                open.add(backend);
                pump(client, backend);
                pump(backend, client);
            } catch (IOException closedOrRefused) {
                // the listener closed, or a backend refused: the client's connection is dropped
            }
        }
    }

    private void pump(Socket from, Socket to) {
        Thread thread = new Thread(() -> {
            byte[] buffer = new byte[16 * 1024];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    out.write(buffer, 0, n);
                    out.flush();
                }
            } catch (IOException closed) {
                // either side went away
            } finally {
                close(from);
                close(to);
            }
        }, "proxy-pump");
        thread.setDaemon(true);
        thread.start();
    }

    private static void close(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing
        }
    }

    @Override
    public void close() throws IOException {
        listener.close();
        open.forEach(RoundRobinProxy::close);
    }
}
