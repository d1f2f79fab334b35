package dev.broadcast.server;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which accepted sockets may stay: at most {@code maxPerAddress} from one IP address, and at most
 * {@code maxSockets} in all. When the server is full, the oldest socket that has not become a
 * WebSocket yet is closed to make room (a stranger holding sockets open cannot lock legitimate
 * clients out); when every socket is a WebSocket, the newcomer is closed instead.
 *
 * <p>{@code maxSockets} defaults to what the process's open-file limit leaves, so the server sheds
 * before {@code accept} fails with "Too many open files".
 */
@ChannelHandler.Sharable
final class Admission extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(Admission.class);
    /** File descriptors kept free for everything but client sockets: jars, Redis, webhooks, logs. */
    static final int SPARE_FILES = 64;

    private final int maxSockets;
    private final int maxPerAddress;
    private final AtomicInteger open = new AtomicInteger();
    private final Map<InetAddress, AtomicInteger> perAddress = new ConcurrentHashMap<>();
    /** Sockets not upgraded yet, with the order they came in. */
    private final Map<Channel, Long> waiting = new ConcurrentHashMap<>();
    private final AtomicLong arrivals = new AtomicLong();
    private final Warnings warnings = new Warnings(LOG);

    /**
     * @param maxSockets    sockets open at once; 0 for what the open-file limit leaves
     * @param maxPerAddress sockets from one IP address; 0 for no limit
     */
    Admission(int maxSockets, int maxPerAddress) {
        int byFiles = socketsTheFileLimitLeaves();
        this.maxSockets = maxSockets > 0 ? Math.min(maxSockets, byFiles) : byFiles;
        this.maxPerAddress = maxPerAddress;
    }

    int maxSockets() {
        return maxSockets;
    }

    /** The open-file limit less what the process has open now and {@link #SPARE_FILES}. */
    static int socketsTheFileLimitLeaves() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.UnixOperatingSystemMXBean unix) {
            long left = unix.getMaxFileDescriptorCount() - unix.getOpenFileDescriptorCount() - SPARE_FILES;
            return (int) Math.max(16, Math.min(Integer.MAX_VALUE, left));
        }
        return Integer.MAX_VALUE;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        Channel channel = ctx.channel();
        InetAddress address = channel.remoteAddress() instanceof InetSocketAddress inet ? inet.getAddress() : null;
        if (address != null && maxPerAddress > 0
                && perAddress.computeIfAbsent(address, a -> new AtomicInteger()).incrementAndGet() > maxPerAddress) {
            warnings.warn("Refused a connection from {}: it has {} open (--max-connections-per-ip)", address, maxPerAddress);
            release(address);
            channel.close();
            return;
        }
        waiting.put(channel, arrivals.incrementAndGet());
        channel.closeFuture().addListener(closed -> {
            waiting.remove(channel);
            open.decrementAndGet();
            if (maxPerAddress > 0 && address != null) {
                release(address);
            }
        });
        if (open.incrementAndGet() > maxSockets && !shedOldestWaiting(channel)) {
            warnings.warn("Refused a connection from {}: {} sockets are open, all of them WebSockets (--max-connections)",
                    address, maxSockets);
            channel.close();
            return;
        }
        super.channelActive(ctx);
    }

    /** The socket became a WebSocket: it is no longer shed to make room. */
    void upgraded(Channel channel) {
        waiting.remove(channel);
    }

    /** Closes the oldest socket that is not a WebSocket, other than {@code newcomer}; false if none. */
    private boolean shedOldestWaiting(Channel newcomer) {
        Channel oldest = null;
        long oldestArrival = Long.MAX_VALUE;
        for (Map.Entry<Channel, Long> entry : waiting.entrySet()) {
            if (entry.getKey() != newcomer && entry.getValue() < oldestArrival) {
                oldest = entry.getKey();
                oldestArrival = entry.getValue();
            }
        }
        if (oldest == null || waiting.remove(oldest) == null) {
            return false;
        }
        warnings.warn("Closed the oldest connection that had not upgraded ({}) to make room: {} sockets open (--max-connections)",
                oldest.remoteAddress(), maxSockets);
        oldest.close();
        return true;
    }

    private void release(InetAddress address) {
        perAddress.computeIfPresent(address, (a, count) -> count.decrementAndGet() <= 0 ? null : count);
    }

}
