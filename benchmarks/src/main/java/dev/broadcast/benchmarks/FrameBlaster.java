package dev.broadcast.benchmarks;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;

/**
 * Not a server under test: a minimal single-threaded feeder that lets the load generator be
 * measured alone (scenario GEN). It accepts WebSocket upgrades, answers the Pusher
 * connection_established / subscribe exchange, and then, once started, writes every tick the
 * benchmark event frames that fell due since the last tick to every subscribed connection with one
 * {@code write} per connection, the frames built once per tick. This is the coalescing a fast
 * server transport does, so the generator sees many frames per read. Frames that do not fit the
 * socket wait in a per-connection buffer; nothing is dropped.
 */
final class FrameBlaster implements AutoCloseable {

    private final ServerSocketChannel server;
    private final Selector selector;
    private final Thread thread;
    private final List<Peer> peers = new ArrayList<>();
    private final int payloadBytes;
    private volatile boolean running = true;
    private volatile int subscribed;
    private volatile Job job;

    /** One emission: {@code count} messages at one per {@code period} from {@code start}. */
    private static final class Job {
        final long start;
        final long period;
        final long count;
        final long tickNanos;
        volatile long sent;
        long nextTick;

        Job(long start, long period, long count, long tickNanos) {
            this.start = start;
            this.period = period;
            this.count = count;
            this.tickNanos = tickNanos;
            this.nextTick = start;
        }
    }

    FrameBlaster(String host, int port, int payloadBytes) throws IOException {
        this.payloadBytes = payloadBytes;
        server = ServerSocketChannel.open();
        server.bind(new InetSocketAddress(host, port), 4096);
        server.configureBlocking(false);
        selector = Selector.open();
        server.register(selector, SelectionKey.OP_ACCEPT);
        thread = new Thread(this::loop, "frame-blaster");
        thread.setDaemon(true);
        thread.start();
    }

    int port() {
        return server.socket().getLocalPort();
    }

    int subscribed() {
        return subscribed;
    }

    /** Messages of the current emission written so far (each to every subscribed connection). */
    long sent() {
        Job j = job;
        return j == null ? 0 : j.sent;
    }

    /**
     * Emits {@code messages} messages at {@code rate}/s from {@code startNanos}, written every
     * {@code tickMillis}; replaces the previous emission.
     */
    void start(long startNanos, int rate, long messages, int tickMillis) {
        job = new Job(startNanos, 1_000_000_000L / rate, messages, tickMillis * 1_000_000L);
        selector.wakeup();
    }

    /**
     * One command line (in-process or from the child's stdin): {@code clock}, {@code subscribed},
     * {@code start START_NANOS RATE COUNT TICK_MS}; the reply starts with the command word.
     */
    String handle(String line) {
        String[] w = line.trim().split("\\s+");
        return switch (w[0]) {
            case "clock" -> "clock " + System.nanoTime();
            case "subscribed" -> "subscribed " + subscribed();
            case "start" -> {
                start(Long.parseLong(w[1]), Integer.parseInt(w[2]), Long.parseLong(w[3]), Integer.parseInt(w[4]));
                yield "start ok";
            }
            default -> w[0] + " error unknown command";
        };
    }

    /** {@code java -cp benchmarks.jar dev.broadcast.benchmarks.FrameBlaster --host H --port P --payload B}, then commands on stdin. */
    public static void main(String[] args) throws Exception {
        String host = "127.0.0.1";
        int port = 0;
        int payload = 100;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--host" -> host = args[i + 1];
                case "--port" -> port = Integer.parseInt(args[i + 1]);
                case "--payload" -> payload = Integer.parseInt(args[i + 1]);
                default -> throw new IllegalArgumentException("Unknown option " + args[i]);
            }
        }
        try (FrameBlaster blaster = new FrameBlaster(host, port, payload)) {
            System.out.println("listening " + blaster.port());
            java.io.BufferedReader in = new java.io.BufferedReader(new java.io.InputStreamReader(System.in, StandardCharsets.US_ASCII));
            String line;
            while ((line = in.readLine()) != null && !line.trim().equals("quit")) {
                if (!line.isBlank()) {
                    System.out.println(blaster.handle(line));
                }
            }
        }
        System.exit(0);
    }

    private void loop() {
        try {
            while (running) {
                long now = System.nanoTime();
                long wait = 10;
                Job j = job;
                if (j != null && j.sent < j.count) {
                    if (now >= j.nextTick) {
                        emit(j, now);
                        j.nextTick = Math.max(j.nextTick + j.tickNanos, now);
                    }
                    wait = Math.max(0, (j.nextTick - System.nanoTime()) / 1_000_000);
                }
                if (wait == 0) {
                    selector.selectNow();
                } else {
                    selector.select(wait);
                }
                Iterator<SelectionKey> keys = selector.selectedKeys().iterator();
                while (keys.hasNext()) {
                    SelectionKey key = keys.next();
                    keys.remove();
                    try {
                        if (key.isValid() && key.isAcceptable()) {
                            accept();
                        }
                        if (key.isValid() && key.isWritable()) {
                            ((Peer) key.attachment()).flush();
                        }
                        if (key.isValid() && key.isReadable()) {
                            ((Peer) key.attachment()).read();
                        }
                    } catch (IOException e) {
                        key.cancel();
                        key.channel().close();
                    }
                }
            }
        } catch (IOException e) {
            System.err.println("frame blaster: " + e);
        }
    }

    private void accept() throws IOException {
        SocketChannel c;
        while ((c = server.accept()) != null) {
            c.configureBlocking(false);
            c.setOption(StandardSocketOptions.TCP_NODELAY, true);
            Peer p = new Peer(c);
            p.key = c.register(selector, SelectionKey.OP_READ, p);
            peers.add(p);
        }
    }

    private void emit(Job j, long now) throws IOException {
        long due = Math.min(j.count, (now - j.start) / j.period + 1);
        if (due <= j.sent) {
            return;
        }
        ByteBuffer tick = ByteBuffer.allocate((int) (due - j.sent) * (payloadBytes + 80));
        for (long i = j.sent; i < due; i++) {
            long scheduled = j.start + i * j.period;
            byte[] json = ("{\"event\":\"" + Publisher.EVENT + "\",\"channel\":\"" + Publisher.CHANNEL + "\",\"data\":\""
                    + Run.payload(scheduled, i, payloadBytes) + "\"}").getBytes(StandardCharsets.US_ASCII);
            serverFrame(tick, json);
        }
        tick.flip();
        j.sent = due;
        for (Peer p : peers) {
            if (p.subscribed) {
                p.write(tick.duplicate());
            }
        }
    }

    private static void serverFrame(ByteBuffer out, byte[] payload) {
        out.put((byte) 0x81);
        if (payload.length < 126) {
            out.put((byte) payload.length);
        } else {
            out.put((byte) 126).putShort((short) payload.length);
        }
        out.put(payload);
    }

    private final class Peer {
        final SocketChannel channel;
        SelectionKey key;
        ByteBuffer in = ByteBuffer.allocate(4096);
        ByteBuffer pending;
        boolean upgraded;
        boolean subscribed;

        Peer(SocketChannel channel) {
            this.channel = channel;
        }

        void read() throws IOException {
            if (channel.read(in) < 0) {
                throw new IOException("closed");
            }
            in.flip();
            if (!upgraded) {
                String text = new String(in.array(), 0, in.limit(), StandardCharsets.US_ASCII);
                int end = text.indexOf("\r\n\r\n");
                if (end < 0) {
                    in.position(in.limit()).limit(in.capacity());
                    return;
                }
                String key = text.lines().filter(l -> l.toLowerCase(Locale.ROOT).startsWith("sec-websocket-key:"))
                        .map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst().orElse("");
                in.position(end + 4);
                upgraded = true;
                ByteBuffer out = ByteBuffer.allocate(512);
                out.put(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                        + "Sec-WebSocket-Accept: " + LoadGenerator.acceptFor(key) + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                serverFrame(out, ("{\"event\":\"pusher:connection_established\",\"data\":"
                        + "\"{\\\"socket_id\\\":\\\"1.1\\\",\\\"activity_timeout\\\":120}\"}").getBytes(StandardCharsets.US_ASCII));
                out.flip();
                write(out);
            }
            while (in.remaining() >= 6) {
                int p = in.position();
                int len = in.get(p + 1) & 0x7f;
                int header = 6;
                if (len == 126) {
                    if (in.remaining() < 8) {
                        break;
                    }
                    len = in.getShort(p + 2) & 0xffff;
                    header = 8;
                }
                if (in.remaining() < header + len) {
                    break;
                }
                byte[] mask = new byte[4];
                for (int i = 0; i < 4; i++) {
                    mask[i] = in.get(p + header - 4 + i);
                }
                byte[] payload = new byte[len];
                for (int i = 0; i < len; i++) {
                    payload[i] = (byte) (in.get(p + header + i) ^ mask[i & 3]);
                }
                in.position(p + header + len);
                if (new String(payload, StandardCharsets.US_ASCII).contains("pusher:subscribe")) {
                    ByteBuffer out = ByteBuffer.allocate(256);
                    serverFrame(out, ("{\"event\":\"pusher_internal:subscription_succeeded\",\"channel\":\""
                            + Publisher.CHANNEL + "\",\"data\":\"{}\"}").getBytes(StandardCharsets.US_ASCII));
                    out.flip();
                    write(out);
                    if (!subscribed) {
                        subscribed = true;
                        FrameBlaster.this.subscribed++;
                    }
                }
            }
            in.compact();
        }

        void write(ByteBuffer data) throws IOException {
            if (pending != null) {
                ByteBuffer joined = ByteBuffer.allocate(pending.remaining() + data.remaining());
                joined.put(pending).put(data).flip();
                pending = joined;
                return;
            }
            channel.write(data);
            if (data.hasRemaining()) {
                pending = ByteBuffer.allocate(data.remaining()).put(data).flip();
                key.interestOps(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
            }
        }

        void flush() throws IOException {
            if (pending != null) {
                channel.write(pending);
                if (pending.hasRemaining()) {
                    return;
                }
                pending = null;
            }
            key.interestOps(SelectionKey.OP_READ);
        }
    }

    @Override
    public void close() {
        running = false;
        selector.wakeup();
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (Peer p : peers) {
            try {
                p.channel.close();
            } catch (IOException ignored) {
                // best effort
            }
        }
        try {
            selector.close();
            server.close();
        } catch (IOException ignored) {
            // best effort
        }
    }
}
