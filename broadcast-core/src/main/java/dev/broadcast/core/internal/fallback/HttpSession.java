package dev.broadcast.core.internal.fallback;

import dev.broadcast.core.transport.Connection;
import dev.broadcast.core.transport.FallbackExchange;
import dev.broadcast.core.transport.Transport;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * One pusher-js HTTP session ({@code {server}/{session}}): the engine's transport for a client on
 * {@code xhr_streaming} or {@code xhr_polling}. Frames wait in the engine's bounded queue until a
 * receive request is attached, then leave as one {@code a[…]} line; a streaming response takes
 * lines until the client is about to rotate it, a poll takes one and ends.
 *
 * <p>The session ends when the client drops the request it reads from (pusher-js does so only
 * when it disconnects), or when it has made no request for the idle timeout.
 *
 * <p>Nothing is lost or repeated: the engine's frames are taken only when they can be written, and
 * a stream is written to only while the client will read it to its end. pusher-js opens a new
 * stream once it has read more than {@link #STREAM_CHARS} characters of one and no partial line
 * is left; the session stops writing to a stream at that same point and waits for the next one.
 * A chunk whose write failed (the client dropped that request) is kept and written first to the
 * next request.
 *
 * <p>Guarded by itself; callbacks (the engine's {@code done}, writes) run outside the lock.
 */
final class HttpSession implements Transport {

    /** What pusher-js reads from one streaming response before it opens the next (its {@code MAX_BUFFER_LENGTH}). */
    static final int STREAM_CHARS = 256 * 1024;

    private static final byte[] HEARTBEAT = "h\n".getBytes(StandardCharsets.US_ASCII);

    final String id;
    final String appKey;
    /** The open line, {@code o} or {@code o{"hostname":…}}. */
    private final byte[] open;
    private final HttpSessions sessions;
    private Connection connection;

    /** The receive request written to, if any. */
    private FallbackExchange receiver;
    private boolean polling;
    /** Characters (UTF-16 units, as pusher-js counts) written to the current stream. */
    private long streamChars;
    private boolean writing;
    /** A chunk to write before anything else: the open line, or one whose write failed. */
    private byte[] first;
    /** Frames the engine has waiting, not taken yet. */
    private WaitingFrames waiting;
    private SendCallback waitingDone;
    /** The {@code c[…]} line to end the session with. */
    private byte[] closing;
    private boolean ended;
    /** When the client last made a request (elapsed millis). */
    private volatile long lastSeen;
    /** When a chunk was last written (elapsed millis). */
    private long lastWrite;
    /** A heartbeat is owed to the stream: written as soon as the write in flight is done. */
    private boolean heartbeatDue;
    /** When the current poll was attached (elapsed millis). */
    private long pollSince;

    HttpSession(HttpSessions sessions, String id, String appKey, byte[] open, long now) {
        this.sessions = sessions;
        this.id = id;
        this.appKey = appKey;
        this.open = open;
        this.lastSeen = now;
        this.lastWrite = now;
        this.first = open;
    }

    /**
     * The engine's connection of this session; false when the session ended before it (its client
     * dropped the first stream at once), and the caller closes it.
     */
    synchronized boolean connected(Connection connection) {
        this.connection = connection;
        return !ended;
    }

    synchronized Connection connection() {
        return connection;
    }

    void seen(long now) {
        lastSeen = now;
    }

    long lastSeen() {
        return lastSeen;
    }

    /** Whether a receive request is attached and not yet written to its end. */
    synchronized boolean receiving() {
        return receiver != null;
    }

    synchronized boolean ended() {
        return ended;
    }

    /** What became of a receive request offered to the session. */
    enum Attach { ATTACHED, BUSY, ENDED }

    /**
     * Attaches a receive request, starting its response with {@code headers}: a client holds one
     * at a time ({@link Attach#BUSY} otherwise), and an ended session takes none.
     */
    Attach attach(FallbackExchange exchange, boolean poll, long now, Map<String, String> headers) {
        synchronized (this) {
            if (ended) {
                return Attach.ENDED;
            }
            if (receiver != null) {
                return Attach.BUSY;
            }
            receiver = exchange;
            polling = poll;
            streamChars = 0;
            pollSince = now;
            lastSeen = now;
            writing = true; // nothing is written before the response has started
        }
        exchange.start(200, headers);
        exchange.onAbort(() -> aborted(exchange));
        synchronized (this) {
            writing = false;
        }
        flush();
        return Attach.ATTACHED;
    }

    /**
     * The client dropped a receive request. pusher-js drops the one it reads from only when it
     * closes the connection (a stream it rotates has been left by the session already, a poll
     * ended), so the session ends then, as a WebSocket's does when its socket closes.
     */
    private void aborted(FallbackExchange exchange) {
        synchronized (this) {
            if (receiver != exchange) {
                return;
            }
            receiver = null;
        }
        sessions.gone(this);
    }

    @Override
    public boolean writesBatches() {
        return true;
    }

    @Override
    public void send(String frame, SendCallback done) {
        byte[] bytes = frame.getBytes(StandardCharsets.UTF_8);
        sendAll(() -> List.of(bytes), done);
    }

    @Override
    public void sendAll(WaitingFrames frames, SendCallback done) {
        synchronized (this) {
            waiting = frames;
            waitingDone = done;
        }
        flush();
    }

    @Override
    public void close(int code, String reason) {
        synchronized (this) {
            if (closing == null) {
                closing = ("c[" + code + "," + Lines.quote(reason) + "]\n").getBytes(StandardCharsets.UTF_8);
            }
        }
        flush();
    }

    /**
     * The client is gone (idle too long) or the hub stops: the session ends without a word, and its
     * receive request is ended (at once, or when the write in flight on it is done), so a client
     * that is still there sees its stream end and reconnects.
     */
    void abandon() {
        FallbackExchange open;
        SendCallback done;
        synchronized (this) {
            ended = true;
            open = writing ? null : receiver; // a write in flight: its completion ends the request
            if (!writing) {
                receiver = null;
            }
            done = waitingDone;
            waiting = null;
            waitingDone = null;
        }
        if (open != null) {
            open.end();
        }
        if (done != null) {
            done.completed(null);
        }
    }

    /**
     * A heartbeat: a held poll is answered with {@code h} once held for {@code period}; a stream
     * gets {@code h} when nothing was written to it for {@code period} (so that no proxy finds it
     * idle) or when its client has made no request for {@code period}, however much it receives:
     * pusher-js answers each {@code h} with a {@code []} request, and that request is how the
     * session knows its client is still there before the idle timeout.
     */
    void beat(long now, long period) {
        synchronized (this) {
            if (receiver == null || closing != null || ended) {
                return;
            }
            if (polling) {
                if (writing || first != null || waiting != null || now - pollSince < period) {
                    return;
                }
            } else if (now - lastWrite < period && now - lastSeen < period) {
                return;
            }
            heartbeatDue = true;
        }
        flush();
    }

    /** Writes what is due to the attached request, if it can be written now. */
    private void flush() {
        FallbackExchange target;
        byte[] chunk;
        boolean endAfter;
        SendCallback done = null;
        boolean lastOfSession = false;
        synchronized (this) {
            if (receiver == null || writing) {
                return;
            }
            if (first != null) {
                chunk = first;
                first = null;
            } else if (heartbeatDue && !ended) {
                chunk = HEARTBEAT;
                heartbeatDue = false;
            } else if (waiting != null) {
                List<byte[]> frames = waiting.take();
                done = waitingDone;
                waiting = null;
                waitingDone = null;
                if (frames.isEmpty()) { // the connection closed meanwhile
                    chunk = null;
                } else {
                    chunk = Lines.of(frames);
                }
            } else if (closing != null) {
                chunk = closing;
                closing = null;
                ended = true;
                lastOfSession = true;
            } else {
                return;
            }
            if (chunk == null) {
                target = null;
                endAfter = false;
            } else {
                target = receiver;
                endAfter = polling || lastOfSession;
                writing = true;
            }
        }
        if (chunk == null) {
            done.completed(null);
            flush();
            return;
        }
        write(target, chunk, endAfter, done, lastOfSession);
    }

    private void write(FallbackExchange target, byte[] chunk, boolean endAfter, SendCallback done, boolean lastOfSession) {
        target.write(chunk, failure -> {
            boolean end;
            synchronized (this) {
                writing = false;
                lastWrite = sessions.now();
                if (failure != null) {
                    // the client dropped this request: the next one gets the chunk (not the open line again)
                    if (chunk != open && chunk != HEARTBEAT && !lastOfSession) {
                        first = chunk;
                    }
                    receiver = null;
                    end = false;
                } else {
                    streamChars += chars(chunk);
                    // a poll ends with its answer; a stream is left to the client once it will rotate it
                    boolean rotated = !polling && streamChars > STREAM_CHARS;
                    // abandoned while this write was in flight: the request ends now
                    boolean abandoned = ended && receiver == target && !lastOfSession;
                    end = endAfter || abandoned;
                    if (endAfter || rotated || abandoned) {
                        receiver = null;
                    }
                }
            }
            if (end) {
                target.end();
            }
            if (done != null) {
                done.completed(null); // the frames are the session's now, delivered or kept
            }
            if (lastOfSession) {
                sessions.remove(this);
            } else {
                flush();
            }
        });
    }

    /** The UTF-16 length of UTF-8 {@code bytes}: what a JavaScript string of them measures. */
    static long chars(byte[] bytes) {
        long chars = 0;
        for (byte b : bytes) {
            int unsigned = b & 0xFF;
            if (unsigned < 0x80 || unsigned >= 0xC0) {
                chars += unsigned >= 0xF0 ? 2 : 1; // a 4-byte sequence is a surrogate pair
            }
        }
        return chars;
    }
}
