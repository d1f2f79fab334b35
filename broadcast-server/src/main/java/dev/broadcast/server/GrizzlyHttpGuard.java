package dev.broadcast.server;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.glassfish.grizzly.CompletionHandler;
import org.glassfish.grizzly.Buffer;
import org.glassfish.grizzly.Connection;
import org.glassfish.grizzly.Grizzly;
import org.glassfish.grizzly.IOEvent;
import org.glassfish.grizzly.WriteResult;
import org.glassfish.grizzly.attributes.Attribute;
import org.glassfish.grizzly.filterchain.BaseFilter;
import org.glassfish.grizzly.filterchain.FilterChainBuilder;
import org.glassfish.grizzly.filterchain.FilterChainContext;
import org.glassfish.grizzly.filterchain.NextAction;
import org.glassfish.grizzly.http.HttpContent;
import org.glassfish.grizzly.http.HttpRequestPacket;
import org.glassfish.grizzly.http.HttpResponsePacket;
import org.glassfish.grizzly.http.HttpServerFilter;
import org.glassfish.grizzly.http.Method;
import org.glassfish.grizzly.http.Protocol;
import org.glassfish.grizzly.http.server.AddOn;
import org.glassfish.grizzly.http.server.NetworkListener;
import org.glassfish.grizzly.http.util.Header;
import org.glassfish.grizzly.memory.Buffers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a Grizzly connection must get past before it is a WebSocket or its API request is handed
 * on: the Grizzly twin of the Netty transport's {@link HttpGuard}. It sits right after Grizzly's
 * HTTP codec, before Tyrus's WebSocket filter and the HTTP handler, and lets everything through
 * once the connection has upgraded.
 * <ul>
 *   <li>Each request, head and body, must arrive within {@link HttpGuard#REQUEST_TIMEOUT_SECONDS}
 *       of the connection opening or of the previous response; a connection that sends nothing,
 *       sends a header a byte a second, never ends its body or idles in keep-alive is closed then.
 *       Grizzly's own keep-alive timeout cannot do this: it is an idle timeout that any trickle
 *       resets, and it would cut quiet WebSockets too.</li>
 *   <li>A request answered before its body has arrived (a refusal from the request line, a 413)
 *       is closed after the answer, rather than having the rest of its body read and skipped.</li>
 *   <li>{@code Transfer-Encoding} other than exactly {@code chunked}, or with
 *       {@code Content-Length}, is refused (RFC 9112 §6.1): Grizzly reads {@code chunkedx} as
 *       chunked and {@code xchunked} by its length, where a proxy may read it otherwise.</li>
 *   <li>A WebSocket handshake must be a GET in HTTP/1.1 with {@code Connection: Upgrade},
 *       {@code Sec-WebSocket-Version: 13} (else 426) and a 16-byte key (RFC 6455 §4.2.1); Tyrus
 *       upgrades HTTP/1.0 and any key, and answers a missing key with a bodiless 500.</li>
 * </ul>
 * Refusals are answered with a JSON error, {@code Connection: close}, and the connection closed.
 */
final class GrizzlyHttpGuard extends BaseFilter {

    private static final Logger LOG = LoggerFactory.getLogger(GrizzlyHttpGuard.class);
    private static final Warnings WARNINGS = new Warnings(LOG);

    private static final Attribute<Progress> PROGRESS =
            Grizzly.DEFAULT_ATTRIBUTE_BUILDER.createAttribute(GrizzlyHttpGuard.class.getName() + ".progress");

    private final ScheduledExecutorService timer;
    private final Admission admission;

    private GrizzlyHttpGuard(ScheduledExecutorService timer, Admission admission) {
        this.timer = timer;
        this.admission = admission;
    }

    /**
     * Puts the guard right after the HTTP codec of the listener it is registered with: request
     * deadlines on {@code timer}, each accepted connection through {@code admission}.
     */
    static AddOn addOn(ScheduledExecutorService timer, Admission admission) {
        return (NetworkListener listener, FilterChainBuilder builder) -> {
            int codec = builder.indexOfType(HttpServerFilter.class);
            if (codec < 0) {
                throw new IllegalStateException("No HTTP codec in the filter chain of " + listener.getName());
            }
            builder.add(codec + 1, new GrizzlyHttpGuard(timer, admission));
        };
    }

    @Override
    public NextAction handleAccept(FilterChainContext ctx) throws IOException {
        Connection connection = ctx.getConnection();
        Admission.Ticket ticket = admission.admit(
                connection.getPeerAddress() instanceof InetSocketAddress inet ? inet.getAddress() : null,
                connection::terminateSilently); // a stranger's socket: its file descriptor back at once
        if (ticket == null) {
            connection.terminateSilently();
            return ctx.getStopAction();
        }
        Progress progress = progress(connection);
        progress.ticket = ticket;
        progress.arm();
        return ctx.getInvokeAction();
    }

    @Override
    public NextAction handleClose(FilterChainContext ctx) throws IOException {
        Progress progress = PROGRESS.get(ctx.getConnection());
        if (progress != null) {
            progress.closed();
        }
        return ctx.getInvokeAction();
    }

    @Override
    public NextAction handleRead(FilterChainContext ctx) throws IOException {
        if (!(ctx.getMessage() instanceof HttpContent content)
                || !(content.getHttpHeader() instanceof HttpRequestPacket request)) {
            return ctx.getInvokeAction();
        }
        Progress progress = progress(ctx.getConnection());
        synchronized (progress) {
            if (progress.upgraded) {
                return ctx.getInvokeAction(); // WebSocket frames, for Tyrus
            }
            if (progress.refused) {
                content.recycle();
                return ctx.getStopAction();
            }
            if (progress.holding) { // no client sends on a connection whose response is still coming
                LOG.debug("HTTP connection from {} closed: it sent a request while its response was held",
                        ctx.getConnection().getPeerAddress());
                content.recycle();
                ctx.getConnection().terminateSilently();
                return ctx.getStopAction();
            }
            if (!progress.arriving) { // the head of a new request (Grizzly reuses the request objects)
                progress.arriving = true;
                progress.answered = false;
                String problem = problem(request);
                if (problem != null) {
                    progress.refused = true;
                    progress.disarm();
                    refuse(ctx, request, Integer.parseInt(problem.substring(0, 3)), problem.substring(4));
                    content.recycle();
                    return ctx.getStopAction();
                }
            }
            if (content.isLast()) {
                progress.arriving = false;
                if (!progress.answered) {
                    progress.disarm(); // the request is in: answering it is the server's time, not the client's
                }
            }
        }
        return ctx.getInvokeAction();
    }

    @Override
    public NextAction handleWrite(FilterChainContext ctx) throws IOException {
        if (ctx.getMessage() instanceof Buffer frame) { // a WebSocket frame from Tyrus, one per write
            Progress progress = PROGRESS.get(ctx.getConnection());
            if (progress != null && frame.hasRemaining() && (frame.get(frame.position()) & 0xFF) == 0x88) {
                progress.closing();
            }
            return ctx.getInvokeAction();
        }
        if (!(ctx.getMessage() instanceof HttpContent content)
                || !(content.getHttpHeader() instanceof HttpResponsePacket response)) {
            return ctx.getInvokeAction();
        }
        Connection connection = ctx.getConnection();
        Progress progress = progress(connection);
        boolean closeAfter;
        synchronized (progress) {
            if (progress.upgraded) {
                return ctx.getInvokeAction();
            }
            int status = response.getStatus();
            if (status == 101) {
                progress.upgraded = true; // a WebSocket now: the engine's activity timeout takes over
                progress.disarm();
                if (progress.ticket != null) {
                    progress.ticket.upgraded();
                }
                return ctx.getInvokeAction();
            }
            if (status < 200) {
                return ctx.getInvokeAction(); // 100 Continue: the request is still on its way
            }
            if (content.isLast()) {
                progress.holding = false;
                progress.arm(); // the next request's time starts with the end of this response (a stream's may be far off)
            }
            if (!response.isCommitted()) { // the head of an answer
                progress.answered = true;
                progress.closeAfterAnswer = progress.arriving; // answered before its body is in
                if (progress.closeAfterAnswer) {
                    response.setHeader(Header.Connection, "close");
                }
            }
            closeAfter = progress.closeAfterAnswer && content.isLast();
        }
        if (closeAfter) {
            closeAfterWrite(ctx, connection);
        }
        return ctx.getInvokeAction();
    }

    /**
     * The response of {@code connection}'s request is held open (a stream or a poll of the HTTP
     * transports, suspended with all of its request read): its socket is read again, so that a
     * client that drops the request is seen at once, as its connection closes, rather than at the
     * next write that fails. Grizzly reads nothing from a connection while its response is
     * suspended, so without this a peer's FIN waits unseen in the socket.
     */
    static void holding(Connection connection) {
        Progress progress = PROGRESS.get(connection);
        if (progress != null) {
            synchronized (progress) {
                progress.holding = true;
            }
        }
        try {
            connection.enableIOEvent(IOEvent.READ);
        } catch (IOException closed) {
            connection.closeSilently();
        }
    }

    /** "400 reason", "426 reason" or "501 reason" for a head no request may have, or null. */
    static String problem(HttpRequestPacket request) {
        List<String> encodings = new ArrayList<>();
        request.getHeaders().values(Header.TransferEncoding).forEach(encodings::add);
        String problem = HeadRules.transferEncoding(encodings, request.getHeaders().contains(Header.ContentLength));
        if (problem != null || !"websocket".equalsIgnoreCase(request.getHeader(Header.Upgrade))) {
            return problem;
        }
        return HeadRules.handshake(request.getMethod() == Method.GET, request.getProtocol() == Protocol.HTTP_1_1,
                request.getHeader(Header.Connection), request.getHeader("Sec-WebSocket-Version"),
                request.getHeader("Sec-WebSocket-Key"));
    }

    /** Answers {@code status} with a JSON error and closes the connection once it is written. */
    private static void refuse(FilterChainContext ctx, HttpRequestPacket request, int status, String reason) {
        LOG.debug("HTTP request from {} refused with {}: {}", ctx.getConnection().getPeerAddress(), status, reason);
        byte[] json = HeadRules.errorJson(reason)
                .getBytes(StandardCharsets.UTF_8);
        HttpResponsePacket response = request.getResponse();
        response.setProtocol(Protocol.HTTP_1_1);
        response.setStatus(status);
        response.setReasonPhrase(switch (status) {
            case 426 -> "Upgrade Required";
            case 501 -> "Not Implemented";
            default -> "Bad Request";
        });
        if (status == 426) {
            response.setHeader("Sec-WebSocket-Version", "13");
        }
        // straight into the headers: for an upgrade request Grizzly skips the content type it holds
        response.getHeaders().setValue(Header.ContentType).setString("application/json");
        response.setContentLength(json.length);
        response.setHeader(Header.Connection, "close");
        Connection connection = ctx.getConnection();
        ctx.write(HttpContent.builder(response).content(Buffers.wrap(ctx.getMemoryManager(), json)).last(true).build());
        connection.closeSilently(); // graceful: after the answer is written
    }

    /** Closes the connection once the write passing through {@code ctx} has completed. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    private static void closeAfterWrite(FilterChainContext ctx, Connection connection) {
        FilterChainContext.TransportContext transport = ctx.getTransportContext();
        CompletionHandler<WriteResult> previous = transport.getCompletionHandler();
        transport.setCompletionHandler(new CompletionHandler<WriteResult>() {
            @Override
            public void cancelled() {
                if (previous != null) {
                    previous.cancelled();
                }
                connection.closeSilently();
            }

            @Override
            public void failed(Throwable throwable) {
                if (previous != null) {
                    previous.failed(throwable);
                }
                connection.closeSilently();
            }

            @Override
            public void completed(WriteResult result) {
                if (previous != null) {
                    previous.completed(result);
                }
                connection.closeSilently();
            }

            @Override
            public void updated(WriteResult result) {
                if (previous != null) {
                    previous.updated(result);
                }
            }
        });
    }

    private Progress progress(Connection connection) {
        Progress progress = PROGRESS.get(connection);
        if (progress == null) {
            progress = new Progress(connection, timer);
            PROGRESS.set(connection, progress);
        }
        return progress;
    }

    /** Where one connection's current request is; guarded by itself. */
    private static final class Progress {
        private final Connection connection;
        private final ScheduledExecutorService timer;
        private ScheduledFuture<?> deadline;
        /** A request's head has arrived, and not yet all of its body. */
        private boolean arriving;
        /** The request that arrived last has been answered. */
        private boolean answered;
        /** The answer being written went out before its request was in: the connection ends with it. */
        private boolean closeAfterAnswer;
        private boolean upgraded;
        private boolean refused;
        /** The answer of the request in is held open, its socket read again to see it closing. */
        private boolean holding;
        /** Its place in {@link Admission}. */
        private volatile Admission.Ticket ticket;
        /** When a socket whose close frame is not answered is cut. */
        private ScheduledFuture<?> closingDeadline;

        Progress(Connection connection, ScheduledExecutorService timer) {
            this.connection = connection;
            this.timer = timer;
        }

        synchronized void arm() {
            disarm();
            if (upgraded || !connection.isOpen()) {
                return;
            }
            try {
                deadline = timer.schedule(() -> {
                    if (idle()) {
                        LOG.debug("Closed the idle keep-alive connection from {} after {} s", connection.getPeerAddress(),
                                HttpGuard.REQUEST_TIMEOUT_SECONDS);
                    } else {
                        WARNINGS.warn(HttpGuard.NO_REQUEST, connection.getPeerAddress(), HttpGuard.REQUEST_TIMEOUT_SECONDS);
                    }
                    connection.closeSilently();
                }, HttpGuard.REQUEST_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            } catch (RejectedExecutionException stopped) {
                connection.closeSilently(); // the server is stopping
            }
        }

        /**
         * The server sent its close frame: the socket is cut if still open after
         * {@link ServerTransport#CLOSE_GRACE_SECONDS}, as a client that stopped reading holds the
         * frame behind unread data (and Tyrus waits for its answer) forever.
         */
        synchronized void closing() {
            if (!upgraded || closingDeadline != null) {
                return;
            }
            try {
                closingDeadline = timer.schedule(() -> {
                    if (connection.isOpen()) {
                        LOG.debug("WebSocket from {} cut: its close frame was not answered within {} s",
                                connection.getPeerAddress(), ServerTransport.CLOSE_GRACE_SECONDS);
                        connection.terminateSilently();
                    }
                }, ServerTransport.CLOSE_GRACE_SECONDS, TimeUnit.SECONDS);
            } catch (RejectedExecutionException stopped) {
                connection.terminateSilently(); // the server is stopping
            }
        }

        /** Between two requests of a keep-alive connection, rather than within one. */
        private synchronized boolean idle() {
            return answered && !arriving;
        }

        /** The connection closed. */
        synchronized void closed() {
            disarm();
            if (closingDeadline != null) {
                closingDeadline.cancel(false);
            }
            if (ticket != null) {
                ticket.closed();
            }
        }

        synchronized void disarm() {
            if (deadline != null) {
                deadline.cancel(false);
                deadline = null;
            }
        }
    }
}
