package dev.broadcast.server;

import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which accepted sockets may stay, on either transport: at most {@code maxPerAddress} from one IP
 * address, and at most {@code maxSockets} in all. When the server is full, the oldest socket that
 * has not become a WebSocket yet is closed to make room (a stranger holding sockets open cannot
 * lock legitimate clients out); when every socket is a WebSocket, the newcomer is closed instead.
 *
 * <p>{@code maxSockets} defaults to what the process's open-file limit leaves, so the server sheds
 * before {@code accept} fails with "Too many open files".
 */
final class Admission {

    private static final Logger LOG = LoggerFactory.getLogger(Admission.class);
    /** File descriptors kept free for everything but client sockets: jars, Redis, webhooks, logs. */
    static final int SPARE_FILES = 64;

    private final int maxSockets;
    private final int maxPerAddress;
    private final AtomicInteger open = new AtomicInteger();
    private final Map<InetAddress, AtomicInteger> perAddress = new ConcurrentHashMap<>();
    /** Sockets not upgraded yet. */
    private final Set<Ticket> waiting = ConcurrentHashMap.newKeySet();
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

    /** Sockets admitted and not closed yet. */
    int open() {
        return open.get();
    }

    /** The open-file limit less what the process has open now and {@link #SPARE_FILES}. */
    static int socketsTheFileLimitLeaves() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.UnixOperatingSystemMXBean unix) {
            long left = unix.getMaxFileDescriptorCount() - unix.getOpenFileDescriptorCount() - SPARE_FILES;
            return (int) Math.max(16, Math.min(Integer.MAX_VALUE, left));
        }
        return Integer.MAX_VALUE;
    }

    /**
     * A socket just accepted from {@code address} (null if unknown): its ticket, or null if it
     * may not stay, and the caller closes it. {@code close} closes it should it be shed later;
     * the transport calls {@link Ticket#closed} however it closes.
     */
    Ticket admit(InetAddress address, Runnable close) {
        if (address != null && maxPerAddress > 0
                && perAddress.computeIfAbsent(address, a -> new AtomicInteger()).incrementAndGet() > maxPerAddress) {
            release(address);
            warnings.warn("Refused a connection from {}: it has {} open (--max-connections-per-ip)", address, maxPerAddress);
            return null;
        }
        Ticket ticket = new Ticket(address, close, arrivals.incrementAndGet());
        waiting.add(ticket);
        if (open.incrementAndGet() > maxSockets && !shedOldestWaiting(ticket)) {
            ticket.closed();
            warnings.warn("Refused a connection from {}: {} sockets are open, all of them WebSockets (--max-connections)",
                    address, maxSockets);
            return null;
        }
        return ticket;
    }

    /**
     * Closes the oldest socket that is not a WebSocket, other than {@code newcomer}; false if none.
     * Admissions on several threads (Grizzly's selector threads) may pick the same oldest socket:
     * the one that loses it looks again, rather than refusing its newcomer.
     */
    private boolean shedOldestWaiting(Ticket newcomer) {
        while (true) {
            Ticket oldest = null;
            for (Ticket ticket : waiting) {
                if (ticket != newcomer && (oldest == null || ticket.arrival < oldest.arrival)) {
                    oldest = ticket;
                }
            }
            if (oldest == null) {
                return false;
            }
            if (waiting.remove(oldest)) {
                warnings.warn("Closed the oldest connection that had not upgraded ({}) to make room: {} sockets open"
                        + " (--max-connections)", oldest.address, maxSockets);
                oldest.close.run();
                return true;
            }
        }
    }

    private void release(InetAddress address) {
        perAddress.computeIfPresent(address, (a, count) -> count.decrementAndGet() <= 0 ? null : count);
    }

    /** One admitted socket's place. */
    final class Ticket {
        private final InetAddress address;
        private final Runnable close;
        private final long arrival;
        private final AtomicBoolean released = new AtomicBoolean();

        private Ticket(InetAddress address, Runnable close, long arrival) {
            this.address = address;
            this.close = close;
            this.arrival = arrival;
        }

        /** The socket became a WebSocket: it is no longer shed to make room. */
        void upgraded() {
            waiting.remove(this);
        }

        /** The socket closed: its place is free. Once; later calls do nothing. */
        void closed() {
            if (!released.compareAndSet(false, true)) {
                return;
            }
            waiting.remove(this);
            open.decrementAndGet();
            if (maxPerAddress > 0 && address != null) {
                release(address);
            }
        }
    }
}
