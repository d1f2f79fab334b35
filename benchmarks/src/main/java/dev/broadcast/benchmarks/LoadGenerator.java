package dev.broadcast.benchmarks;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.IntFunction;
import java.util.function.IntPredicate;
import java.util.function.Supplier;

/**
 * A single-threaded NIO WebSocket client holding many Pusher connections: handshake (with the
 * {@code Sec-WebSocket-Accept} check), masked client frames, unmasked server frames,
 * {@code connection_established} then one {@code pusher:subscribe} per channel,
 * {@code pusher:ping} answered with {@code pusher:pong}, WebSocket pings with pongs, server close
 * frames recorded with their code.
 *
 * <p><b>Receive path.</b> One shared 1 MiB read buffer; frame headers are parsed in place and
 * benchmark payloads are found by scanning bytes for {@code ~T<nanoTime>~S<sequence>~}, so a
 * delivery allocates nothing. A frame cut by the end of a read is copied to the connection's own
 * carry array (grown once, then reused) and put in front of the next read. Selection uses
 * {@link Selector#select(Consumer, long)}, which keeps no selected-key set. The receive time is read
 * once per read call; all frames of one read arrived together.
 *
 * <p><b>Latency</b> of a delivery is that receive {@code nanoTime} minus the {@code T} in the
 * payload (publisher and receivers share the clock). A marker may also be just {@code ~S<sequence>~}
 * when the sender follows an exact schedule given to {@link #measure(long, long, long, long)}: then
 * {@code T = scheduleStart + sequence * schedulePeriod} (S3's lines, which must stay tiny). Only
 * markers whose {@code T} lies in the window given to {@link #measure} are counted, and only on
 * healthy (not slow) connections.
 *
 * <p><b>Threads.</b> Everything runs on the selector thread. Counters are published to volatile
 * fields once per loop pass; detailed reads ({@link #histogram()}, {@link #perReceiverMinMax()} …)
 * run on the loop and wait for it.
 */
final class LoadGenerator implements AutoCloseable {

    /** What to open and how to behave. */
    static final class Config {
        final String host;
        final int port;
        final String path;
        final int connections;
        IntFunction<List<String>> channels = i -> List.of(Publisher.CHANNEL);
        int maxConnecting = 200;
        IntPredicate slow = i -> false;
        int slowReceiveBuffer = 4096;
        boolean allMarkers;

        Config(String host, int port, String path, int connections) {
            this.host = host;
            this.port = port;
            this.path = path;
            this.connections = connections;
        }

        /** The channels connection {@code i} subscribes to; one public channel "bench" by default. */
        Config channels(IntFunction<List<String>> channelsOf) {
            this.channels = channelsOf;
            return this;
        }

        /** At most this many connects (TCP + upgrade) in flight; 200 by default. */
        Config maxConnecting(int max) {
            this.maxConnecting = max;
            return this;
        }

        /**
         * Slow consumers: these connections get {@code SO_RCVBUF = receiveBuffer} before connecting,
         * are never counted in the measurements, and stop reading on {@link #pauseSlow()}.
         */
        Config slow(IntPredicate which, int receiveBuffer) {
            this.slow = which;
            this.slowReceiveBuffer = receiveBuffer;
            return this;
        }

        /** Count every marker of a frame (batched lines), not just the first. */
        Config allMarkers(boolean all) {
            this.allMarkers = all;
            return this;
        }
    }

    /** Close code recorded for a subscribed connection that ended by EOF without a close frame. */
    static final int EOF = -1;
    /** Close code recorded for a subscribed connection that ended by an I/O error (reset). */
    static final int IO_ERROR = -2;

    private static final int READ_BUFFER = 1 << 20;
    private static final String WS_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
    private static final byte[] CONNECTION_ESTABLISHED = ascii("pusher:connection_established");
    private static final byte[] SUBSCRIPTION_SUCCEEDED = ascii("pusher_internal:subscription_succeeded");
    private static final byte[] PUSHER_PING = ascii("pusher:ping");
    private static final byte[] ERROR = ascii("error");
    private static final byte[] PONG = ascii("{\"event\":\"pusher:pong\",\"data\":{}}");

    private final Config config;
    private final InetSocketAddress address;
    private final Selector selector;
    private final Conn[] conns;
    private final Thread thread;
    private final ConcurrentLinkedQueue<Runnable> commands = new ConcurrentLinkedQueue<>();
    private final Consumer<SelectionKey> onKey = this::onKey;
    private final long startNanos = System.nanoTime();
    private volatile boolean running = true;
    private volatile Throwable loopFailure;

    // loop-thread state
    private byte[] buf = new byte[READ_BUFFER];
    private ByteBuffer bb = ByteBuffer.wrap(buf);
    private int nextToConnect;
    private int connecting;
    private int opened;
    private int subscribed;
    private int failed;
    private int closed;
    private long measureFrom = Long.MAX_VALUE;
    private long measureTo = Long.MAX_VALUE;
    private long scheduleStart;
    private long schedulePeriod;
    private Histogram histogram = new Histogram();
    private final Histogram connectHistogram = new Histogram();
    private long deliveries;
    private long frames;
    private long stepFrames;
    private long allDeliveries;
    private long reads;
    private long lastMeasuredNanos;
    private long lastSubscribedNanos;
    private long otherFrames;
    private long errors;
    private final Map<Integer, Integer> closeCodes = new TreeMap<>();

    // published once per loop pass
    private volatile int vOpened;
    private volatile int vSubscribed;
    private volatile int vFailed;
    private volatile int vClosed;
    private volatile long vDeliveries;
    private volatile long vFrames;
    private volatile long vStepFrames;
    private volatile long vAllDeliveries;
    private volatile long vReads;
    private volatile long vLastMeasured;
    private volatile long vLastSubscribed;
    private volatile long vErrors;

    LoadGenerator(Config config) throws IOException {
        this.config = config;
        this.address = new InetSocketAddress(config.host, config.port);
        this.selector = Selector.open();
        this.conns = new Conn[config.connections];
        this.thread = new Thread(this::loop, "load-generator");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    /** One public channel "bench" on every connection, at most 200 connects in flight. */
    LoadGenerator(String host, int port, String path, int connections) throws IOException {
        this(new Config(host, port, path, connections));
    }

    int connections() {
        return conns.length;
    }

    int opened() {
        return vOpened;
    }

    int subscribed() {
        return vSubscribed;
    }

    /** Connections that ended before they were subscribed. */
    int failed() {
        return vFailed;
    }

    /** Subscribed connections that ended since (close frame, EOF or reset). */
    int closed() {
        return vClosed;
    }

    long measuredReceived() {
        return vDeliveries;
    }

    /** Frames with at least one measured marker, healthy connections. */
    long measuredFrames() {
        return vFrames;
    }

    /** Frames with any marker since {@link #measure}, healthy connections. */
    long stepFrames() {
        return vStepFrames;
    }

    /** Every marker received on any connection since start. */
    long allDeliveries() {
        return vAllDeliveries;
    }

    /** Read calls that returned data. */
    long reads() {
        return vReads;
    }

    long lastMeasuredReceiveNanos() {
        return vLastMeasured;
    }

    long startNanos() {
        return startNanos;
    }

    /** When the most recent connection became subscribed. */
    long lastSubscribedNanos() {
        return vLastSubscribed;
    }

    /** pusher:error and subscription errors received. */
    long errors() {
        return vErrors;
    }

    /** CPU time of the selector thread (user + system), nanoseconds. */
    long threadCpuNanos() {
        return ManagementFactory.getThreadMXBean().getThreadCpuTime(thread.getId());
    }

    /** Bytes the selector thread allocated so far (HotSpot's per-thread counter), or -1. */
    long threadAllocatedBytes() {
        if (ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean hotspot) {
            return hotspot.getThreadAllocatedBytes(thread.getId());
        }
        return -1;
    }

    /** Waits until every connection is subscribed or ended, or the timeout passes. */
    boolean awaitSubscribed(long timeout, TimeUnit unit) throws InterruptedException {
        long deadline = System.nanoTime() + unit.toNanos(timeout);
        while (vSubscribed + vFailed + vClosed < conns.length && System.nanoTime() < deadline) {
            checkLoop();
            Thread.sleep(10);
        }
        return vSubscribed == conns.length;
    }

    /**
     * Starts a new measurement of markers with {@code T} in {@code [fromNanos, toNanos)}: fresh
     * histogram and counters. Returns once applied.
     */
    void measure(long fromNanos, long toNanos) throws InterruptedException {
        measure(fromNanos, toNanos, 0, 0);
    }

    /**
     * As {@link #measure(long, long)}, and markers without {@code T} ({@code ~S<seq>~}) get
     * {@code T = scheduleStart + seq * schedulePeriod}.
     */
    void measure(long fromNanos, long toNanos, long scheduleStart, long schedulePeriod) throws InterruptedException {
        onLoop(() -> {
            measureFrom = fromNanos;
            measureTo = toNanos;
            this.scheduleStart = scheduleStart;
            this.schedulePeriod = schedulePeriod;
            histogram = new Histogram();
            deliveries = 0;
            frames = 0;
            stepFrames = 0;
            lastMeasuredNanos = 0;
            for (Conn c : conns) {
                if (c != null) {
                    c.measured = 0;
                    c.maxSeq = -1;
                }
            }
            publish();
        });
    }

    Histogram histogram() throws InterruptedException {
        return onLoop(() -> histogram.copy());
    }

    /** Connect (TCP connect started) to subscribed (last subscription_succeeded), µs. */
    Histogram connectHistogram() throws InterruptedException {
        return onLoop(connectHistogram::copy);
    }

    /** Min and max measured deliveries over the subscribed healthy connections. */
    long[] perReceiverMinMax() throws InterruptedException {
        return onLoop(() -> {
            long min = Long.MAX_VALUE;
            long max = 0;
            for (Conn c : conns) {
                if (c != null && c.state == State.SUBSCRIBED && !c.slow) {
                    min = Math.min(min, c.measured);
                    max = Math.max(max, c.measured);
                }
            }
            return new long[] {min == Long.MAX_VALUE ? 0 : min, max};
        });
    }

    /** Subscribed healthy connections that received a marker with sequence {@code seq} or later since {@link #measure}. */
    int receivedUpTo(long seq) throws InterruptedException {
        return onLoop(() -> {
            int n = 0;
            for (Conn c : conns) {
                if (c != null && c.state == State.SUBSCRIBED && !c.slow && c.maxSeq >= seq) {
                    n++;
                }
            }
            return n;
        });
    }

    /**
     * How subscribed connections ended, by close code ({@link #EOF}, {@link #IO_ERROR} for endings
     * without a close frame); {@code slowOnly} restricts to slow consumers.
     */
    Map<Integer, Integer> closeCodes(boolean slowOnly) throws InterruptedException {
        return onLoop(() -> {
            Map<Integer, Integer> codes = new TreeMap<>();
            for (Conn c : conns) {
                if (c != null && c.state == State.CLOSED && (!slowOnly || c.slow)) {
                    codes.merge(c.closeCode, 1, Integer::sum);
                }
            }
            return codes;
        });
    }

    /** Slow consumers stop reading: the server's writes to them back up. */
    void pauseSlow() throws InterruptedException {
        onLoop(() -> setSlowPaused(true));
    }

    /** Slow consumers read again (to see how the server ended them). */
    void resumeSlow() throws InterruptedException {
        onLoop(() -> setSlowPaused(false));
    }

    private void setSlowPaused(boolean paused) {
        for (Conn c : conns) {
            if (c != null && c.slow && c.key != null && c.key.isValid()) {
                c.paused = paused;
                c.key.interestOps(interest(c));
            }
        }
    }

    private void onLoop(Runnable command) throws InterruptedException {
        onLoop(() -> {
            command.run();
            return null;
        });
    }

    /** Runs {@code command} on the selector thread and waits for its result. */
    private <T> T onLoop(Supplier<T> command) throws InterruptedException {
        CountDownLatch done = new CountDownLatch(1);
        Object[] result = new Object[1];
        commands.add(() -> {
            result[0] = command.get();
            done.countDown();
        });
        selector.wakeup();
        while (!done.await(100, TimeUnit.MILLISECONDS)) {
            checkLoop();
            selector.wakeup();
        }
        @SuppressWarnings("unchecked")
        T t = (T) result[0];
        return t;
    }

    private void checkLoop() {
        if (loopFailure != null) {
            throw new IllegalStateException("load generator loop failed", loopFailure);
        }
    }

    private void loop() {
        try {
            while (running) {
                startConnects();
                selector.select(onKey, 10);
                Runnable command;
                while ((command = commands.poll()) != null) {
                    command.run();
                }
                publish();
            }
        } catch (IOException | RuntimeException | Error e) {
            loopFailure = e;
            System.err.println("load generator: loop failed: " + e);
        }
    }

    private void publish() {
        vOpened = opened;
        vSubscribed = subscribed;
        vFailed = failed;
        vClosed = closed;
        vDeliveries = deliveries;
        vFrames = frames;
        vStepFrames = stepFrames;
        vAllDeliveries = allDeliveries;
        vReads = reads;
        vLastMeasured = lastMeasuredNanos;
        vLastSubscribed = lastSubscribedNanos;
        vErrors = errors;
    }

    private void startConnects() {
        while (nextToConnect < conns.length && connecting < config.maxConnecting) {
            int i = nextToConnect++;
            Conn c = new Conn(config.slow.test(i));
            conns[i] = c;
            connecting++;
            try {
                SocketChannel channel = SocketChannel.open();
                c.channel = channel;
                channel.configureBlocking(false);
                channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
                if (c.slow) {
                    channel.setOption(StandardSocketOptions.SO_RCVBUF, config.slowReceiveBuffer);
                }
                c.channels = config.channels.apply(i);
                c.connectStart = System.nanoTime();
                c.key = channel.register(selector, SelectionKey.OP_CONNECT, c);
                if (channel.connect(address)) {
                    finishConnect(c);
                }
            } catch (IOException | RuntimeException e) {
                end(c, IO_ERROR, e, System.nanoTime());
            }
        }
    }

    private void onKey(SelectionKey key) {
        Conn c = (Conn) key.attachment();
        try {
            int ready = key.readyOps();
            if ((ready & SelectionKey.OP_CONNECT) != 0) {
                finishConnect(c);
            }
            if (key.isValid() && (ready & SelectionKey.OP_WRITE) != 0) {
                flush(c);
            }
            if (key.isValid() && (ready & SelectionKey.OP_READ) != 0) {
                read(c);
            }
        } catch (IOException | RuntimeException e) {
            end(c, IO_ERROR, e, System.nanoTime());
        }
    }

    private void finishConnect(Conn c) throws IOException {
        if (!c.channel.finishConnect()) {
            return;
        }
        byte[] nonce = new byte[16];
        ThreadLocalRandom.current().nextBytes(nonce);
        c.wsKey = Base64.getEncoder().encodeToString(nonce);
        String request = "GET " + config.path + " HTTP/1.1\r\nHost: " + address.getHostString() + ":" + address.getPort()
                + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: " + c.wsKey
                + "\r\nSec-WebSocket-Version: 13\r\n\r\n";
        c.state = State.HANDSHAKE;
        c.key.interestOps(interest(c));
        send(c, ByteBuffer.wrap(request.getBytes(StandardCharsets.US_ASCII)));
    }

    private static int interest(Conn c) {
        return (c.paused ? 0 : SelectionKey.OP_READ) | (c.out != null ? SelectionKey.OP_WRITE : 0);
    }

    private void send(Conn c, ByteBuffer data) throws IOException {
        if (c.out != null) {
            ByteBuffer joined = ByteBuffer.allocate(c.out.remaining() + data.remaining());
            joined.put(c.out).put(data).flip();
            c.out = joined;
            return;
        }
        c.channel.write(data);
        if (data.hasRemaining()) {
            c.out = data;
            c.key.interestOps(interest(c));
        }
    }

    private void flush(Conn c) throws IOException {
        if (c.out != null) {
            c.channel.write(c.out);
            if (c.out.hasRemaining()) {
                return;
            }
            c.out = null;
        }
        c.key.interestOps(interest(c));
    }

    private void read(Conn c) throws IOException {
        for (int round = 0; round < 4; round++) {
            int carry = c.carryLength;
            if (carry > buf.length / 2) {
                buf = new byte[buf.length * 2]; // only for frames over half a MiB
                bb = ByteBuffer.wrap(buf);
            }
            if (carry > 0) {
                System.arraycopy(c.carry, 0, buf, 0, carry);
            }
            bb.limit(buf.length).position(carry);
            int n = c.channel.read(bb);
            if (n < 0) {
                end(c, EOF, new IOException("EOF from server"), System.nanoTime());
                return;
            }
            if (n == 0) {
                return;
            }
            long now = System.nanoTime();
            reads++;
            int end = carry + n;
            int p = 0;
            if (c.state == State.HANDSHAKE) {
                p = handshake(c, end);
                if (p < 0) {
                    keep(c, 0, end);
                    return;
                }
            }
            p = frames(c, p, end, now);
            if (c.state == State.CLOSED || c.state == State.FAILED) {
                return;
            }
            keep(c, p, end);
            if (bb.hasRemaining()) {
                return; // the socket had less than the buffer: drained
            }
        }
    }

    /** Keeps {@code buf[from, to)} (an incomplete frame) for the next read. */
    private void keep(Conn c, int from, int to) {
        int n = to - from;
        if (n > 0 && (c.carry == null || c.carry.length < n)) {
            c.carry = new byte[Math.max(n, c.carry == null ? 4096 : c.carry.length * 2)];
        }
        if (n > 0) {
            System.arraycopy(buf, from, c.carry, 0, n);
        }
        c.carryLength = n;
    }

    /** Parses the 101 response in {@code buf[0, end)}; returns where frames start, or -1 if incomplete. */
    private int handshake(Conn c, int end) throws IOException {
        int headEnd = -1;
        for (int i = 0; i + 3 < end; i++) {
            if (buf[i] == '\r' && buf[i + 1] == '\n' && buf[i + 2] == '\r' && buf[i + 3] == '\n') {
                headEnd = i + 4;
                break;
            }
        }
        if (headEnd < 0) {
            return -1;
        }
        String head = new String(buf, 0, headEnd, StandardCharsets.US_ASCII);
        if (!head.startsWith("HTTP/1.1 101")) {
            throw new IOException("handshake refused: " + head.lines().findFirst().orElse(""));
        }
        String accept = head.lines()
                .filter(l -> l.toLowerCase(Locale.ROOT).startsWith("sec-websocket-accept:"))
                .map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst().orElse(null);
        if (!acceptFor(c.wsKey).equals(accept)) {
            throw new IOException("bad Sec-WebSocket-Accept: " + accept);
        }
        c.wsKey = null;
        c.state = State.OPEN;
        connecting--;
        opened++;
        return headEnd;
    }

    static String acceptFor(String key) {
        try {
            byte[] sha1 = MessageDigest.getInstance("SHA-1").digest((key + WS_GUID).getBytes(StandardCharsets.US_ASCII));
            return Base64.getEncoder().encodeToString(sha1);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Handles the complete frames in {@code buf[p, end)}; returns where the first incomplete one starts. */
    private int frames(Conn c, int p, int end, long now) throws IOException {
        byte[] a = buf;
        while (end - p >= 2) {
            int b0 = a[p] & 0xff;
            int b1 = a[p + 1] & 0xff;
            if ((b1 & 0x80) != 0) {
                throw new IOException("masked frame from server");
            }
            int header = 2;
            long len = b1 & 0x7f;
            if (len == 126) {
                if (end - p < 4) {
                    return p;
                }
                len = ((a[p + 2] & 0xff) << 8) | (a[p + 3] & 0xff);
                header = 4;
            } else if (len == 127) {
                if (end - p < 10) {
                    return p;
                }
                len = 0;
                for (int i = 0; i < 8; i++) {
                    len = (len << 8) | (a[p + 2 + i] & 0xff);
                }
                header = 10;
                if (len > Integer.MAX_VALUE / 2) {
                    throw new IOException("frame of " + len + " bytes");
                }
            }
            if (end - p < header + len) {
                return p;
            }
            int start = p + header;
            int stop = start + (int) len;
            p = stop;
            switch (b0 & 0x0f) {
                case 1, 0 -> text(c, start, stop, now); // continuation frames are scanned like text
                case 9 -> send(c, frame(0xA, a, start, stop - start));
                case 8 -> {
                    int code = stop - start >= 2 ? ((a[start] & 0xff) << 8) | (a[start + 1] & 0xff) : 1005;
                    end(c, code, new IOException("closed by server with " + code), now);
                    return end;
                }
                default -> {
                }
            }
        }
        return p;
    }

    /** A text frame in {@code buf[s, e)}: benchmark markers, or a Pusher control message. */
    private void text(Conn c, int s, int e, long now) throws IOException {
        byte[] a = buf;
        int i = marker(a, s, e);
        if (i < 0) {
            control(c, s, e, now);
            return;
        }
        boolean healthy = !c.slow;
        boolean counted = false;
        while (true) {
            int j = i;
            int b;
            long t = 0;
            boolean timed = a[j + 1] == 'T';
            if (timed) {
                j += 2;
                boolean negative = j < e && a[j] == '-';
                if (negative) {
                    j++;
                }
                while (j < e && (b = a[j]) >= '0' && b <= '9') {
                    t = t * 10 + (b - '0');
                    j++;
                }
                if (negative) {
                    t = -t;
                }
            }
            long seq = -1;
            if (j + 1 < e && a[j] == '~' && a[j + 1] == 'S') {
                j += 2;
                seq = 0;
                while (j < e && (b = a[j]) >= '0' && b <= '9') {
                    seq = seq * 10 + (b - '0');
                    j++;
                }
            }
            if (!timed) {
                t = schedulePeriod > 0 && seq >= 0 ? scheduleStart + seq * schedulePeriod : Long.MIN_VALUE;
            }
            allDeliveries++;
            if (seq > c.maxSeq) {
                c.maxSeq = seq;
            }
            if (healthy && t >= measureFrom && t < measureTo) {
                histogram.record((now - t) / 1000);
                deliveries++;
                c.measured++;
                counted = true;
            }
            if (!config.allMarkers) {
                break;
            }
            i = marker(a, j, e);
            if (i < 0) {
                break;
            }
        }
        if (healthy) {
            stepFrames++;
            if (counted) {
                frames++;
                lastMeasuredNanos = now;
            }
        }
    }

    /** The next {@code ~T} or {@code ~S} in {@code a[from, to)}. */
    private static int marker(byte[] a, int from, int to) {
        for (int k = from; k < to - 1; k++) {
            if (a[k] == '~') {
                byte next = a[k + 1];
                if (next == 'T' || next == 'S') {
                    return k;
                }
            }
        }
        return -1;
    }

    private void control(Conn c, int s, int e, long now) throws IOException {
        if (contains(buf, s, e, CONNECTION_ESTABLISHED)) {
            subscribe(c);
        } else if (contains(buf, s, e, SUBSCRIPTION_SUCCEEDED)) {
            if (--c.subscriptionsPending == 0 && c.state == State.OPEN) {
                c.state = State.SUBSCRIBED;
                subscribed++;
                connectHistogram.record((now - c.connectStart) / 1000);
                lastSubscribedNanos = now;
            }
        } else if (contains(buf, s, e, PUSHER_PING)) {
            send(c, frame(0x1, PONG, 0, PONG.length));
        } else if (contains(buf, s, e, ERROR)) {
            if (errors++ < 3) {
                System.err.println("load generator: " + new String(buf, s, e - s, StandardCharsets.UTF_8));
            }
        } else {
            otherFrames++;
        }
    }

    private void subscribe(Conn c) throws IOException {
        c.subscriptionsPending = c.channels.size();
        ByteBuffer all = ByteBuffer.allocate(c.channels.stream().mapToInt(ch -> ch.length() + 80).sum());
        for (String channel : c.channels) {
            byte[] msg = ("{\"event\":\"pusher:subscribe\",\"data\":{\"channel\":\"" + channel + "\"}}")
                    .getBytes(StandardCharsets.UTF_8);
            all.put(frame(0x1, msg, 0, msg.length));
        }
        all.flip();
        send(c, all);
    }

    private static boolean contains(byte[] a, int from, int to, byte[] needle) {
        outer:
        for (int i = from; i + needle.length <= to; i++) {
            for (int k = 0; k < needle.length; k++) {
                if (a[i + k] != needle[k]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    /** Ends a connection: before subscription a failure, after it a close with {@code code}. */
    private void end(Conn c, int code, Exception cause, long now) {
        if (c.state == State.CLOSED || c.state == State.FAILED) {
            return;
        }
        if (c.state == State.CONNECTING || c.state == State.HANDSHAKE) {
            connecting--;
        } else {
            opened--;
        }
        if (c.state == State.SUBSCRIBED) {
            subscribed--;
            closed++;
            closeCodes.merge(code, 1, Integer::sum);
            c.closeCode = code;
            c.closedAtNanos = now;
            c.state = State.CLOSED;
        } else {
            failed++;
            c.state = State.FAILED;
            if (failed <= 3) {
                System.err.println("load generator: connection failed: " + cause);
            }
        }
        if (c.key != null) {
            c.key.cancel();
        }
        try {
            if (c.channel != null) {
                c.channel.close();
            }
        } catch (IOException ignored) {
            // closing anyway
        }
        c.carry = null;
        c.out = null;
    }

    private enum State { CONNECTING, HANDSHAKE, OPEN, SUBSCRIBED, CLOSED, FAILED }

    private static final class Conn {
        final boolean slow;
        SocketChannel channel;
        SelectionKey key;
        State state = State.CONNECTING;
        List<String> channels;
        String wsKey;
        int subscriptionsPending;
        byte[] carry;
        int carryLength;
        ByteBuffer out;
        boolean paused;
        long connectStart;
        long measured;
        long maxSeq = -1;
        int closeCode;
        long closedAtNanos;

        Conn(boolean slow) {
            this.slow = slow;
        }
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
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
            if (c != null && c.channel != null) {
                try {
                    c.channel.close();
                } catch (IOException ignored) {
                    // best effort
                }
            }
        }
        try {
            selector.close();
        } catch (IOException ignored) {
            // best effort
        }
    }
}
