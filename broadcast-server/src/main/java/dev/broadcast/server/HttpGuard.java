package dev.broadcast.server;

import dev.broadcast.core.BroadcastHub;
import dev.broadcast.core.transport.ApiResponse;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What an HTTP connection must get past before it is a WebSocket or its API request is read.
 * Sits between the HTTP codec and the body aggregator, and leaves the pipeline at the upgrade.
 * <ul>
 *   <li>Each request, head and body, must arrive within {@link #REQUEST_TIMEOUT_SECONDS} of the
 *       connection opening or of the previous response; a connection that sends nothing, sends a
 *       header a byte a second, or never ends its body is closed then (keep-alive idles the same).</li>
 *   <li>An API request is checked from its request line (app, key, timestamp, signature) before
 *       its body is read: a refusal is answered at once and the connection closed.</li>
 *   <li>Bodies buffered for unfinished requests are bounded for the whole server
 *       ({@link BodyBudget}); past it new bodies get 503.</li>
 *   <li>{@code Transfer-Encoding} other than exactly {@code chunked} is refused (RFC 9112 §6.1):
 *       a proxy that reads the body differently could smuggle a request through.</li>
 *   <li>A request sent before the previous answer has been written to its end (pipelined behind
 *       a stream of the HTTP transports) closes the connection.</li>
 * </ul>
 */
final class HttpGuard extends ChannelDuplexHandler {

    private static final Logger LOG = LoggerFactory.getLogger(HttpGuard.class);
    private static final Warnings WARNINGS = new Warnings(LOG);
    /** The warning of a connection closed for not finishing a request in time, on both transports. */
    static final String NO_REQUEST = "Closed the connection from {}: no complete request within {} s";
    /** The warning of an HTTP API request refused for its credentials (401), on both transports. */
    static final String REFUSED_API_REQUEST = "Refused an HTTP API request from {}: {}";

    /** How long a connection answered before its request was in is read (and discarded) before it is closed. */
    static final int LINGER_MILLIS = 2_000;
    /** Seconds a request (head and body) may take, counted from the connection or the previous response. */
    static final int REQUEST_TIMEOUT_SECONDS = 10;

    private final BroadcastHub hub;
    private final BodyBudget budget;
    private ScheduledFuture<?> deadline;
    /** Body bytes of the request in progress taken from {@link #budget}. */
    private long holding;
    /** Set after a refusal: what else arrives is dropped until the connection is closed. */
    private boolean refused;
    /** Between a request's head and its end. */
    private boolean inRequest;
    /** Whether a whole request came in on this connection. */
    private boolean answeredOne;
    /**
     * A whole request came in and its answer has not been written to its end: an HTTP transport's
     * stream or held poll, or an answer not yet given.
     */
    private boolean answering;

    /** Whether {@code /console} is the debug console's rather than the HTTP API's (a 404). */
    private final boolean console;

    HttpGuard(BroadcastHub hub, BodyBudget budget) {
        this(hub, budget, false);
    }

    HttpGuard(BroadcastHub hub, BodyBudget budget, boolean console) {
        this.console = console;
        this.hub = hub;
        this.budget = budget;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        arm(ctx);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        disarm();
        release();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        disarm();
        release();
        super.channelInactive(ctx);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        if (refused) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (msg instanceof HttpRequest && answering) {
            // pipelined behind an answer still being written (a stream): no browser does this, and
            // an answer now would land inside the other
            LOG.debug("HTTP connection from {} closed: it sent a request while its previous answer was open",
                    ctx.channel().remoteAddress());
            ReferenceCountUtil.release(msg);
            refused = true;
            ctx.close();
            return;
        }
        if (msg instanceof HttpRequest) {
            inRequest = true;
        }
        if (msg instanceof HttpRequest head && head.decoderResult().isSuccess()) {
            String problem = headProblem(head);
            if (problem != null) {
                refuse(ctx, msg, Integer.parseInt(problem.substring(0, 3)), problem.substring(4));
                return;
            }
            if (!isUpgrade(head) && !ServerTransport.isHttpTransport(head.uri()) // those the hub refuses itself
                    && !(console && DebugConsole.isConsole(new QueryStringDecoder(head.uri()).path()))) {
                ApiResponse answer;
                try {
                    answer = hub.precheck(head.method().name(), head.uri()).orElse(null);
                } catch (RuntimeException e) {
                    LOG.warn("HTTP API request {} {} failed", head.method(), head.uri(), e);
                    refuse(ctx, msg, 500, HeadRules.INTERNAL_ERROR);
                    return;
                }
                if (answer != null) {
                    if (answer.status() == 401) {
                        WARNINGS.warn(REFUSED_API_REQUEST, ctx.channel().remoteAddress(), answer.body());
                    }
                    refuse(ctx, msg, answer.status(), null, answer.body());
                    return;
                }
            }
        }
        if (msg instanceof HttpContent content) {
            int bytes = content.content().readableBytes();
            if (!budget.take(bytes)) {
                WARNINGS.warn("Refused a request body from {}: the server holds {} bytes of unfinished bodies already",
                        ctx.channel().remoteAddress(), budget.max());
                refuse(ctx, msg, 503, BodyBudget.BUSY);
                return;
            }
            holding += bytes;
            if (msg instanceof LastHttpContent) {
                inRequest = false;
                answeredOne = true;
                answering = true;
                release();
                disarm(); // the request is in: answering it is the server's time, not the client's
            }
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
        if (msg instanceof LastHttpContent) {
            answering = false;
        }
        if (msg instanceof LastHttpContent && !refused) {
            arm(ctx); // the next request's time starts with the end of this response (a stream's may be far off)
        }
        super.write(ctx, msg, promise);
    }

    /** "400 reason", "426 reason" or "501 reason" for a head no request may have, or null. */
    private static String headProblem(HttpRequest head) {
        String problem = HeadRules.transferEncoding(head.headers().getAll(HttpHeaderNames.TRANSFER_ENCODING),
                head.headers().contains(HttpHeaderNames.CONTENT_LENGTH));
        if (problem != null || !isUpgrade(head)) {
            return problem;
        }
        return HeadRules.handshake(true, !head.protocolVersion().equals(HttpVersion.HTTP_1_0),
                head.headers().get(HttpHeaderNames.CONNECTION), head.headers().get(HttpHeaderNames.SEC_WEBSOCKET_VERSION),
                head.headers().get(HttpHeaderNames.SEC_WEBSOCKET_KEY));
    }

    static boolean isUpgrade(HttpRequest head) {
        return head.method().equals(HttpMethod.GET) && head.uri().startsWith("/app/")
                && head.headers().containsValue(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET, true);
    }

    private void refuse(ChannelHandlerContext ctx, Object msg, int status, String reason) {
        refuse(ctx, msg, status, reason, null);
    }

    /** Answers {@code status} with {@code json} (or an error built from {@code reason}) and closes. */
    private void refuse(ChannelHandlerContext ctx, Object msg, int status, String reason, String json) {
        refused = true;
        ReferenceCountUtil.release(msg);
        release();
        disarm();
        String body = json != null ? json
                : HeadRules.errorJson(reason);
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(status),
                Unpooled.wrappedBuffer(body.getBytes(StandardCharsets.UTF_8)));
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes())
                .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        if (status == 426) {
            response.headers().set(HttpHeaderNames.SEC_WEBSOCKET_VERSION, "13");
        }
        closeAfter(ctx.writeAndFlush(response));
    }

    /**
     * Closes the connection once {@code written} is out, lingering first: the server's side is
     * shut down and the socket closed after {@link #LINGER_MILLIS}, or as soon as the client
     * closes. A client still sending a body that was refused (a 413, a 401 from the request line)
     * would otherwise get a reset on its next write, which also discards the answer unread.
     */
    static void closeAfter(ChannelFuture written) {
        Channel channel = written.channel();
        written.addListener(done -> {
            if (!done.isSuccess() || !(channel instanceof DuplexChannel duplex) || !channel.isActive()) {
                channel.close();
                return;
            }
            duplex.shutdownOutput().addListener(shut ->
                    channel.eventLoop().schedule(() -> channel.close(), LINGER_MILLIS, TimeUnit.MILLISECONDS));
        });
    }

    private void arm(ChannelHandlerContext ctx) {
        disarm();
        deadline = ctx.executor().schedule(() -> {
            if (answeredOne && !inRequest) {
                LOG.debug("Closed the idle keep-alive connection from {} after {} s", ctx.channel().remoteAddress(),
                        REQUEST_TIMEOUT_SECONDS);
            } else {
                WARNINGS.warn(NO_REQUEST,
                        ctx.channel().remoteAddress(), REQUEST_TIMEOUT_SECONDS);
            }
            ctx.close();
        }, REQUEST_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    }

    private void disarm() {
        if (deadline != null) {
            deadline.cancel(false);
            deadline = null;
        }
    }

    private void release() {
        if (holding > 0) {
            budget.release(holding);
            holding = 0;
        }
    }
}
