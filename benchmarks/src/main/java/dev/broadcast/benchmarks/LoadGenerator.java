package dev.broadcast.benchmarks;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A single-threaded NIO WebSocket client holding many Pusher connections: handshake, masked
 * client frames, unmasked server text frames, connection_established then pusher:subscribe,
 * pusher:ping answered with pusher:pong, WebSocket pings with pongs.
 *
 * <p>Benchmark payloads carry {@code ~T<scheduled nanoTime>~S<sequence>~}; the latency of each
 * delivery is the receive {@code nanoTime} minus the scheduled one (publisher and receivers share
 * this JVM's clock). Only sequences in the measured window are counted. All counters belong to the
 * selector thread; read them after {@link #pause()}-free points through the volatile snapshot
 * methods, or after {@link #close()}.
 */
final class LoadGenerator implements AutoCloseable {

    private static final byte[] SUBSCRIBE_PREFIX = "{\"event\":\"pusher:subscribe\",\"data\":{\"channel\":\"".getBytes(StandardCharsets.US_ASCII);
    private static final int MAX_PENDING_CONNECTS = 200;

    private final InetSocketAddress address;
    private final String path;
    private final String channelName;
    private final Selector selector;
    private final List<Conn> conns = new ArrayList<>();
    private final ByteBuffer readBuffer = ByteBuffer.allocateDirect(256 * 1024);
    private final Thread thread;
    private volatile boolean running = true;

    // written by the selector thread only
    private volatile int opened;
    private volatile int subscribed;
    private volatile int failed;
    private volatile long measuredReceived;
    private volatile long lastMeasuredReceiveNanos;
    private volatile long otherFrames;
    private long measureFrom = Long.MAX_VALUE;
    private long measureTo = Long.MAX_VALUE;
    private volatile Histogram histogram = new Histogram();
    private volatile Runnable pendingCommand;

    private int toConnect;
    private int pendingConnects;

    LoadGenerator(String host, int port, String path, String channel, int connections) throws IOException {
        this.address = new InetSocketAddress(host, port);
        this.path = path;
        this.channelName = channel;
        this.selector = Selector.open();
        this.toConnect = connections;
        this.thread = new Thread(this::loop, "load-generator");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    int opened() {
        return opened;
    }

    int subscribed() {
        return subscribed;
    }

    int failed() {
        return failed;
    }

    long measuredReceived() {
        return measuredReceived;
    }

    long lastMeasuredReceiveNanos() {
        return lastMeasuredReceiveNanos;
    }

    long otherFrames() {
        return otherFrames;
    }

    /**
     * Starts a new measurement of sequences {@code [from, to)}: fresh histogram and counters. Runs
     * on the selector thread; returns once applied.
     */
    void measure(long from, long to) throws InterruptedException {
        onLoop(() -> {
            measureFrom = from;
            measureTo = to;
            histogram = new Histogram();
            measuredReceived = 0;
            lastMeasuredReceiveNanos = 0;
            for (Conn c : conns) {
                c.measured = 0;
            }
        });
    }

    /** Runs {@code command} on the selector thread and waits for it. */
    private void onLoop(Runnable command) throws InterruptedException {
        java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(1);
        pendingCommand = () -> {
            command.run();
            done.countDown();
        };
        selector.wakeup();
        while (!done.await(100, java.util.concurrent.TimeUnit.MILLISECONDS)) {
            selector.wakeup();
        }
    }

    Histogram histogram() {
        return histogram;
    }

    /** Min and max measured deliveries over the subscribed connections. */
    long[] perReceiverMinMax() throws InterruptedException {
        long[] result = new long[2];
        onLoop(() -> {
            long min = Long.MAX_VALUE;
            long max = 0;
            for (Conn c : conns) {
                if (c.state == State.SUBSCRIBED) {
                    min = Math.min(min, c.measured);
                    max = Math.max(max, c.measured);
                }
            }
            result[0] = min == Long.MAX_VALUE ? 0 : min;
            result[1] = max;
        });
        return result;
    }

    private void loop() {
        try {
            while (running) {
                startConnects();
                selector.select(10);
                Runnable command = pendingCommand;
                if (command != null) {
                    pendingCommand = null;
                    command.run();
                }
                Iterator<SelectionKey> keys = selector.selectedKeys().iterator();
                while (keys.hasNext()) {
                    SelectionKey key = keys.next();
                    keys.remove();
                    Conn conn = (Conn) key.attachment();
                    try {
                        if (key.isValid() && key.isConnectable()) {
                            conn.finishConnect(key);
                        }
                        if (key.isValid() && key.isWritable()) {
                            conn.flush(key);
                        }
                        if (key.isValid() && key.isReadable()) {
                            conn.read(key);
                        }
                    } catch (IOException | RuntimeException e) {
                        conn.fail(key, e);
                    }
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private void startConnects() throws IOException {
        while (toConnect > 0 && pendingConnects < MAX_PENDING_CONNECTS) {
            SocketChannel channel = SocketChannel.open();
            channel.configureBlocking(false);
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            Conn conn = new Conn(channel);
            conns.add(conn);
            SelectionKey key = channel.register(selector, SelectionKey.OP_CONNECT, conn);
            toConnect--;
            pendingConnects++;
            try {
                if (channel.connect(address)) {
                    conn.finishConnect(key);
                }
            } catch (IOException e) {
                conn.fail(key, e);
            }
        }
    }

    private enum State { CONNECTING, HANDSHAKE, OPEN, SUBSCRIBED, FAILED }

    private final class Conn {
        final SocketChannel channel;
        State state = State.CONNECTING;
        ByteBuffer in = ByteBuffer.allocate(4096);
        ByteBuffer out;
        long measured;

        Conn(SocketChannel channel) {
            this.channel = channel;
        }

        void finishConnect(SelectionKey key) throws IOException {
            if (!channel.finishConnect()) {
                return;
            }
            byte[] nonce = new byte[16];
            ThreadLocalRandom.current().nextBytes(nonce);
            String request = "GET " + path + " HTTP/1.1\r\nHost: " + address.getHostString() + ":" + address.getPort()
                    + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: "
                    + Base64.getEncoder().encodeToString(nonce) + "\r\nSec-WebSocket-Version: 13\r\n\r\n";
            state = State.HANDSHAKE;
            key.interestOps(SelectionKey.OP_READ);
            send(key, ByteBuffer.wrap(request.getBytes(StandardCharsets.US_ASCII)));
        }

        void send(SelectionKey key, ByteBuffer data) throws IOException {
            if (out != null) {
                ByteBuffer joined = ByteBuffer.allocate(out.remaining() + data.remaining());
                joined.put(out).put(data).flip();
                out = joined;
                return;
            }
            channel.write(data);
            if (data.hasRemaining()) {
                out = data;
                key.interestOps(key.interestOps() | SelectionKey.OP_WRITE);
            }
        }

        void flush(SelectionKey key) throws IOException {
            if (out == null) {
                key.interestOps(key.interestOps() & ~SelectionKey.OP_WRITE);
                return;
            }
            channel.write(out);
            if (!out.hasRemaining()) {
                out = null;
                key.interestOps(key.interestOps() & ~SelectionKey.OP_WRITE);
            }
        }

        void read(SelectionKey key) throws IOException {
            readBuffer.clear();
            int n = channel.read(readBuffer);
            if (n < 0) {
                throw new IOException("closed by server");
            }
            readBuffer.flip();
            if (in.remaining() < readBuffer.remaining()) {
                ByteBuffer bigger = ByteBuffer.allocate(Math.max(in.capacity() * 2, in.position() + readBuffer.remaining()));
                in.flip();
                bigger.put(in);
                in = bigger;
            }
            in.put(readBuffer);
            in.flip();
            if (state == State.HANDSHAKE && !handshake(key)) {
                in.compact();
                return;
            }
            frames(key);
            in.compact();
        }

        private boolean handshake(SelectionKey key) throws IOException {
            byte[] a = in.array();
            int end = -1;
            for (int i = in.position(); i + 3 < in.limit(); i++) {
                if (a[i] == '\r' && a[i + 1] == '\n' && a[i + 2] == '\r' && a[i + 3] == '\n') {
                    end = i + 4;
                    break;
                }
            }
            if (end < 0) {
                return false;
            }
            String head = new String(a, in.position(), end - in.position(), StandardCharsets.US_ASCII);
            if (!head.startsWith("HTTP/1.1 101")) {
                throw new IOException("handshake refused: " + head.lines().findFirst().orElse(""));
            }
            in.position(end);
            state = State.OPEN;
            pendingConnects--;
            opened++;
            return true;
        }

        private void frames(SelectionKey key) throws IOException {
            byte[] a = in.array();
            while (in.remaining() >= 2) {
                int p = in.position();
                int b0 = a[p] & 0xff;
                int b1 = a[p + 1] & 0x7f;
                int header = 2;
                long len = b1;
                if (b1 == 126) {
                    if (in.remaining() < 4) {
                        return;
                    }
                    len = ((a[p + 2] & 0xff) << 8) | (a[p + 3] & 0xff);
                    header = 4;
                } else if (b1 == 127) {
                    if (in.remaining() < 10) {
                        return;
                    }
                    len = 0;
                    for (int i = 0; i < 8; i++) {
                        len = (len << 8) | (a[p + 2 + i] & 0xff);
                    }
                    header = 10;
                }
                if (in.remaining() < header + len) {
                    return;
                }
                int start = p + header;
                int length = (int) len;
                in.position(start + length);
                int opcode = b0 & 0x0f;
                switch (opcode) {
                    case 1, 0 -> text(key, a, start, length); // no fragmentation expected at these sizes
                    case 9 -> send(key, frame(0xA, a, start, length));
                    case 8 -> throw new IOException("close frame from server");
                    default -> { }
                }
            }
        }

        private void text(SelectionKey key, byte[] a, int start, int length) throws IOException {
            int t = indexOf(a, start, start + length, (byte) '~', (byte) 'T');
            if (t >= 0) {
                long now = System.nanoTime();
                int i = t + 2;
                long scheduled = 0;
                while (i < start + length && a[i] >= '0' && a[i] <= '9') {
                    scheduled = scheduled * 10 + (a[i++] - '0');
                }
                i += 2; // "~S"
                long seq = 0;
                while (i < start + length && a[i] >= '0' && a[i] <= '9') {
                    seq = seq * 10 + (a[i++] - '0');
                }
                if (seq >= measureFrom && seq < measureTo) {
                    histogram.record((now - scheduled) / 1000);
                    measured++;
                    measuredReceived++;
                    lastMeasuredReceiveNanos = now;
                }
                return;
            }
            String text = new String(a, start, length, StandardCharsets.UTF_8);
            if (text.contains("\"pusher:connection_established\"")) {
                ByteBuffer msg = ByteBuffer.allocate(SUBSCRIBE_PREFIX.length + channelName.length() + 3);
                msg.put(SUBSCRIBE_PREFIX).put(channelName.getBytes(StandardCharsets.US_ASCII)).put("\"}}".getBytes(StandardCharsets.US_ASCII)).flip();
                send(key, frame(0x1, msg.array(), 0, msg.limit()));
            } else if (text.contains("\"pusher_internal:subscription_succeeded\"")) {
                state = State.SUBSCRIBED;
                subscribed++;
            } else if (text.contains("\"pusher:ping\"")) {
                byte[] pong = "{\"event\":\"pusher:pong\",\"data\":{}}".getBytes(StandardCharsets.US_ASCII);
                send(key, frame(0x1, pong, 0, pong.length));
            } else {
                otherFrames++;
            }
        }

        void fail(SelectionKey key, Exception e) {
            if (state == State.CONNECTING || state == State.HANDSHAKE) {
                pendingConnects--;
            }
            if (state == State.SUBSCRIBED) {
                subscribed--;
            }
            if (state == State.OPEN || state == State.SUBSCRIBED) {
                opened--;
            }
            if (state != State.FAILED) {
                failed++;
                if (failed <= 3) {
                    System.err.println("load generator: connection failed: " + e);
                }
            }
            state = State.FAILED;
            key.cancel();
            try {
                channel.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }

    private static int indexOf(byte[] a, int from, int to, byte x, byte y) {
        for (int i = from; i + 1 < to; i++) {
            if (a[i] == x && a[i + 1] == y) {
                return i;
            }
        }
        return -1;
    }

    /** A masked client frame. */
    static ByteBuffer frame(int opcode, byte[] payload, int off, int len) {
        int header = len < 126 ? 2 : len < 65536 ? 4 : 10;
        ByteBuffer b = ByteBuffer.allocate(header + 4 + len);
        b.put((byte) (0x80 | opcode));
        if (len < 126) {
            b.put((byte) (0x80 | len));
        } else if (len < 65536) {
            b.put((byte) (0x80 | 126)).putShort((short) len);
        } else {
            b.put((byte) (0x80 | 127)).putLong(len);
        }
        byte[] mask = new byte[4];
        ThreadLocalRandom.current().nextBytes(mask);
        b.put(mask);
        for (int i = 0; i < len; i++) {
            b.put((byte) (payload[off + i] ^ mask[i & 3]));
        }
        b.flip();
        return b;
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
        for (Conn c : conns) {
            try {
                c.channel.close();
            } catch (IOException ignored) {
                // best effort
            }
        }
        try {
            selector.close();
        } catch (IOException ignored) {
            // best effort
        }
    }
}
