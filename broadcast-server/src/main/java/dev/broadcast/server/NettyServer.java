package dev.broadcast.server;

import dev.broadcast.core.BroadcastHub;
import dev.broadcast.core.transport.ApiExchange;
import dev.broadcast.core.transport.ConnectRequest;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.socket.nio.NioChannelOption;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.codec.http.websocketx.WebSocketFrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker13;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshakerFactory;
import io.netty.util.AttributeKey;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutor;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The standalone server's own transport on Netty: the Pusher WebSocket endpoint at
 * {@code /app/{key}}, the HTTP API and {@code /up} on one port, served by a few event loops
 * (native epoll where it loads, NIO elsewhere). Its reason to exist is {@link NettyConnection}: all frames waiting for a connection go out
 * in one write, which the Jakarta API cannot do (see docs/performance.md).
 */
final class NettyServer implements ServerTransport {

    private static final Logger LOG = LoggerFactory.getLogger(NettyServer.class);
    private static final boolean EPOLL = Epoll.isAvailable();

    private final BroadcastHub hub;
    private final EventLoopGroup loops;
    /** Open WebSocket connections, so that stopping can wait for their close frames to leave. */
    private final Set<Channel> sockets = ConcurrentHashMap.newKeySet();
    /** One write flusher per event loop. */
    private final Map<EventExecutor, Flusher> flushers = new HashMap<>();
    /** Body bytes this server's unfinished HTTP requests may hold ({@link HttpGuard}). */
    private final BodyBudget budget;
    private final Admitting admitting;
    private Channel listener;
    /** The certificate connections shake hands with, or null for plain HTTP and WebSocket. */
    private ServerTls tls;
    /** The debug console at {@code /console}, or null when it is off. */
    private DebugConsole console;

    NettyServer(BroadcastHub hub, int ioThreads) {
        this(hub, ioThreads, eventLoops(ioThreads));
    }

    /** The event loops this server will run, made before it so the hub can be built on them. */
    static EventLoopGroup loops(int ioThreads) {
        return eventLoops(ioThreads);
    }

    NettyServer(BroadcastHub hub, int ioThreads, EventLoopGroup loops) {
        this(hub, loops, new Admission(0, 0), new BodyBudget(BodyBudget.DEFAULT_BYTES));
    }

    /** On {@code loops}, admitting sockets by {@code admission}, holding request bodies within {@code budget}. */
    NettyServer(BroadcastHub hub, EventLoopGroup loops, Admission admission, BodyBudget budget) {
        this.hub = hub;
        this.loops = loops;
        this.admitting = new Admitting(admission);
        this.budget = budget;
        loops.forEach(loop -> flushers.put(loop, new Flusher((EventLoop) loop)));
    }

    /**
     * Epoll or NIO event loops. On Netty 4.2 (what this build ships and was measured on) through
     * its {@code MultiThreadIoEventLoopGroup}; on 4.1, which lacks it (Spring Boot 3 manages 4.1, so
     * {@code TestServer} meets it in applications' tests), through the older group classes, which
     * 4.2 keeps only as deprecated subclasses of the same machinery.
     */
    private static EventLoopGroup eventLoops(int ioThreads) {
        DefaultThreadFactory threads = new DefaultThreadFactory("broadcast-io", true);
        try {
            Class.forName("io.netty.channel.MultiThreadIoEventLoopGroup", false, NettyServer.class.getClassLoader());
        } catch (ClassNotFoundException netty41) {
            return legacyEventLoops(ioThreads, threads);
        }
        return Netty42.eventLoops(ioThreads, threads);
    }

    @SuppressWarnings("deprecation") // deprecated in 4.2 only, where they are not used
    private static EventLoopGroup legacyEventLoops(int ioThreads, DefaultThreadFactory threads) {
        return EPOLL ? new EpollEventLoopGroup(ioThreads, threads) : new NioEventLoopGroup(ioThreads, threads);
    }

    /** Loaded only on Netty 4.2, whose classes it names. */
    private static final class Netty42 {
        static EventLoopGroup eventLoops(int ioThreads, DefaultThreadFactory threads) {
            return new MultiThreadIoEventLoopGroup(ioThreads, threads,
                    EPOLL ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
        }
    }

    /** Serves {@code wss://} and {@code https://} only, with {@code tls}'s certificate; before {@link #start}. */
    void tls(ServerTls tls) {
        this.tls = tls;
    }

    /** Serves the debug console at {@code /console}; before {@link #start}. */
    void console(DebugConsole console) {
        this.console = console;
    }

    void start(String host, int port) throws IOException {
        start(host, port, false);
    }

    /** Binds {@code host:port}, with {@code SO_REUSEPORT} when {@code reusePort}. */
    void start(String host, int port, boolean reusePort) throws IOException {
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(loops)
                .channel(EPOLL ? EpollServerSocketChannel.class : NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 4096)
                .childOption(ChannelOption.TCP_NODELAY, true)
                // every write takes one short-lived buffer on its event loop; in a profile of S1,
                // 4.2's default adaptive allocator was the write path's hottest Java frame
                // (docs/performance.md), the pooled one serves it from a thread-local cache
                .childOption(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) {
                        channel.pipeline().addLast(admitting);
                        if (tls != null) {
                            // its handshake times out after 10 s, as a request does (HttpGuard)
                            channel.pipeline().addLast(tls.context().newHandler(channel.alloc()));
                        }
                        channel.pipeline().addLast(
                                new HttpServerCodec(),
                                new HttpGuard(hub, budget, console != null),
                                new BodyLimit(hub),
                                new Requests(hub, sockets, flushers, console));
                    }
                });
        if (reusePort) {
            if (EPOLL) {
                bootstrap.option(EpollChannelOption.SO_REUSEPORT, true);
            } else {
                bootstrap.option(NioChannelOption.of(StandardSocketOptions.SO_REUSEPORT), true);
            }
        }
        try {
            listener = bootstrap.bind(host, port).syncUninterruptibly().channel();
        } catch (RuntimeException e) {
            loops.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
            throw new IOException(e.getMessage(), e);
        }
    }

    @Override
    public int port() {
        return ((InetSocketAddress) listener.localAddress()).getPort();
    }

    @Override
    public void stopAccepting() {
        if (listener != null && listener.isOpen() && !loops.isShuttingDown()) {
            listener.close().syncUninterruptibly();
        }
    }

    /** WebSocket connections whose socket is still open. */
    int openSockets() {
        return sockets.size();
    }

    /**
     * Stops accepting and, when asked, waits up to two seconds for the WebSocket connections to
     * finish closing (each closes itself once its close frame is written); then stops the loops,
     * which closes whatever is left. Idempotent.
     */
    @Override
    public void stop(boolean drainCloses) {
        if (loops.isShuttingDown()) {
            return;
        }
        if (listener != null) {
            listener.close().syncUninterruptibly();
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        while (drainCloses && !sockets.isEmpty() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /**
     * Aggregates HTTP bodies up to the hub's limit. A larger body is not read: the hub answers 413
     * from its length alone, exactly as for the other containers.
     */
    private static final class BodyLimit extends HttpObjectAggregator {
        private final BroadcastHub hub;

        BodyLimit(BroadcastHub hub) {
            super(hub.maxApiBodyBytes());
            this.hub = hub;
        }

        @Override
        protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) {
            if (oversized instanceof HttpRequest request) {
                // the hub answers 413 from the length alone: hand it one byte more than it takes
                serve(ctx, request, new byte[hub.maxApiBodyBytes() + 1], false, hub);
            } else {
                ctx.close();
            }
        }
    }

    /** Each accepted socket through {@link Admission}: closed at once if it may not stay. */
    @ChannelHandler.Sharable
    static final class Admitting extends ChannelInboundHandlerAdapter {
        private static final AttributeKey<Admission.Ticket> TICKET = AttributeKey.valueOf(Admitting.class, "ticket");
        private final Admission admission;

        Admitting(Admission admission) {
            this.admission = admission;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) throws Exception {
            Channel channel = ctx.channel();
            Admission.Ticket ticket = admission.admit(
                    channel.remoteAddress() instanceof InetSocketAddress inet ? inet.getAddress() : null, channel::close);
            if (ticket == null) {
                channel.close();
                return;
            }
            channel.attr(TICKET).set(ticket);
            channel.closeFuture().addListener(closed -> ticket.closed());
            super.channelActive(ctx);
        }

        /** {@code channel} became a WebSocket. */
        static void upgraded(Channel channel) {
            Admission.Ticket ticket = channel.attr(TICKET).get();
            if (ticket != null) {
                ticket.upgraded();
            }
        }
    }

    /** Routes a request: a WebSocket upgrade on {@code /app/{key}}, everything else to the HTTP API. */
    private static final class Requests extends SimpleChannelInboundHandler<FullHttpRequest> {
        private final BroadcastHub hub;
        private final Set<Channel> sockets;
        private final Map<EventExecutor, Flusher> flushers;
        private final DebugConsole console;

        Requests(BroadcastHub hub, Set<Channel> sockets, Map<EventExecutor, Flusher> flushers, DebugConsole console) {
            this.hub = hub;
            this.sockets = sockets;
            this.flushers = flushers;
            this.console = console;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
            if (!request.decoderResult().isSuccess()) {
                respond(ctx, 400, HeadRules.errorJson("Malformed HTTP request").getBytes(StandardCharsets.UTF_8), false);
                return;
            }
            QueryStringDecoder uri = new QueryStringDecoder(request.uri());
            if (HttpGuard.isUpgrade(request)) {
                upgrade(ctx, request, uri);
                return;
            }
            if (ServerTransport.isHttpTransport(uri.rawPath())) {
                try {
                    hub.serveFallback(new NettyFallbackExchange(ctx.channel(), request));
                } catch (IOException | RuntimeException e) { // the exchange reads nothing that throws
                    LOG.warn("HTTP transport request {} {} failed", request.method(), request.uri(), e);
                    respond(ctx, 500, HeadRules.errorJson(HeadRules.INTERNAL_ERROR).getBytes(StandardCharsets.UTF_8), false);
                }
                return;
            }
            if (console != null && DebugConsole.isConsole(uri.path())) {
                console.serve(ctx, request);
                return;
            }
            serve(ctx, request, ByteBufUtil.getBytes(request.content()), HttpUtil.isKeepAlive(request), hub);
        }

        private void upgrade(ChannelHandlerContext ctx, FullHttpRequest request, QueryStringDecoder uri) {
            ctx.pipeline().remove(HttpGuard.class); // a WebSocket: the engine's activity timeout takes over
            Admitting.upgraded(ctx.channel());
            String key = uri.path().substring("/app/".length());
            int maxMessage = hub.maxTransportMessageBytes(key);
            WebSocketDecoderConfig decoder = WebSocketDecoderConfig.newBuilder()
                    .maxFramePayloadLength(maxMessage)
                    .allowExtensions(false)
                    .build();
            String scheme = ctx.pipeline().get(SslHandler.class) != null ? "wss://" : "ws://";
            String location = scheme + request.headers().get(HttpHeaderNames.HOST, "localhost") + uri.path();
            WebSocketServerHandshaker handshaker = new WebSocketServerHandshaker13(location, null, decoder) {
                @Override
                protected WebSocketFrameDecoder newWebsocketDecoder() {
                    return new StrictFrameDecoder(decoderConfig());
                }
            };
            List<String> protocol = uri.parameters().get("protocol");
            ConnectRequest connect = new ConnectRequest(key, protocol == null || protocol.isEmpty() ? null : protocol.get(0),
                    request.headers().get(HttpHeaderNames.ORIGIN));
            Channel channel = ctx.channel();
            sockets.add(channel);
            channel.closeFuture().addListener(closed -> sockets.remove(channel));
            NettyConnection socket = new NettyConnection(channel, handshaker, flushers.get(channel.eventLoop()));
            ctx.pipeline().replace(this, "ws-aggregator", new WebSocketFrameAggregator(maxMessage));
            channel.pipeline().addLast("pusher", socket);
            handshaker.handshake(channel, request).addListener((ChannelFutureListener) done -> {
                if (done.isSuccess()) {
                    socket.open(hub.connect(connect, socket));
                } else {
                    LOG.debug("WebSocket handshake failed", done.cause());
                    channel.close();
                }
            });
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            LOG.debug("HTTP connection failed", cause);
            ctx.close();
        }
    }

    /** Answers an HTTP API request whose body was read already (or is known to be too large). */
    private static void serve(ChannelHandlerContext ctx, HttpRequest request, byte[] body, boolean keepAlive,
            BroadcastHub hub) {
        try {
            hub.serve(new ApiExchange() {
                @Override
                public String method() {
                    return request.method().name();
                }

                @Override
                public String target() {
                    return request.uri();
                }

                @Override
                public byte[] body(int max) {
                    return body;
                }

                @Override
                public void respond(int status, byte[] json) {
                    NettyServer.respond(ctx, status, json, keepAlive);
                }
            });
        } catch (IOException | RuntimeException e) { // the exchange above does no I/O that throws
            LOG.warn("HTTP API request {} {} failed", request.method(), request.uri(), e);
            respond(ctx, 500, HeadRules.errorJson(HeadRules.INTERNAL_ERROR).getBytes(StandardCharsets.UTF_8), false);
        }
    }

    private static void respond(ChannelHandlerContext ctx, int status, byte[] json, boolean keepAlive) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                HttpResponseStatus.valueOf(status), Unpooled.wrappedBuffer(json));
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes());
        HttpUtil.setKeepAlive(response, keepAlive);
        var written = ctx.writeAndFlush(response);
        if (!keepAlive) {
            HttpGuard.closeAfter(written);
        }
    }
}
