package dev.broadcast.server;

import dev.broadcast.core.BroadcastHub;
import dev.broadcast.core.transport.ApiExchange;
import dev.broadcast.core.transport.ApiResponse;
import jakarta.websocket.DeploymentException;
import jakarta.websocket.server.ServerEndpointConfig;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.reflect.Constructor;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import org.glassfish.grizzly.ReadHandler;
import org.glassfish.grizzly.http.io.NIOInputStream;
import org.glassfish.grizzly.http.server.AddOn;
import org.glassfish.grizzly.http.server.ErrorPageGenerator;
import org.glassfish.grizzly.http.server.HttpHandler;
import org.glassfish.grizzly.http.server.HttpServer;
import org.glassfish.grizzly.http.server.NetworkListener;
import org.glassfish.grizzly.http.server.Request;
import org.glassfish.grizzly.http.server.Response;
import org.glassfish.grizzly.strategies.WorkerThreadIOStrategy;
import org.glassfish.tyrus.container.grizzly.server.WebSocketAddOn;
import org.glassfish.tyrus.core.TyrusWebSocketEngine;
import org.glassfish.tyrus.server.TyrusServerContainer;
import org.glassfish.tyrus.spi.ServerContainer;
import org.glassfish.tyrus.spi.WebSocketEngine;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tyrus on a Grizzly HTTP server that also serves the Pusher HTTP API. Tyrus's own Grizzly
 * container owns its HTTP server and has no place for other handlers, so this one builds the
 * server itself and plugs Tyrus's WebSocket filter in with the same add-on.
 *
 * <p>The HTTP side is guarded by {@link GrizzlyHttpGuard} (request deadline, Transfer-Encoding,
 * handshake shape), the WebSocket side by {@link GrizzlyFrameGuard} (masking, binary frames,
 * oversize frames from their header); the API body is read without blocking a worker.
 */
final class GrizzlyContainer extends TyrusServerContainer implements ServerTransport {

    private static final Logger LOG = LoggerFactory.getLogger(GrizzlyContainer.class);
    private static final Warnings WARNINGS = new Warnings(LOG);
    private static final byte[] INTERNAL_ERROR = HeadRules.errorJson(HeadRules.INTERNAL_ERROR).getBytes(StandardCharsets.UTF_8);
    private static final byte[] BUSY = HeadRules.errorJson(BodyBudget.BUSY).getBytes(StandardCharsets.UTF_8);

    private final BroadcastHub hub;
    private final BodyBudget budget;
    private final Admission admission;
    private final WebSocketEngine engine;
    private HttpServer server;
    private NetworkListener listener;
    /** Runs the request deadlines of {@link GrizzlyHttpGuard}. */
    private ScheduledThreadPoolExecutor deadlines;

    GrizzlyContainer(BroadcastHub hub) {
        this(hub, new Admission(0, 0), new BodyBudget(BodyBudget.DEFAULT_BYTES));
    }

    /** Admitting sockets by {@code admission}, holding unfinished API request bodies within {@code budget}. */
    GrizzlyContainer(BroadcastHub hub, Admission admission, BodyBudget budget) {
        super((Set<Class<?>>) null);
        this.hub = hub;
        this.budget = budget;
        this.admission = admission;
        this.engine = GrizzlyFrameGuard.guarding(TyrusWebSocketEngine.builder(this).build(), hub);
    }

    void start(String host, int port, ServerEndpointConfig endpoint) throws IOException {
        server = new HttpServer();
        listener = new NetworkListener("broadcast", host, port);
        listener.getTransport().setIOStrategy(WorkerThreadIOStrategy.getInstance());
        // Grizzly's "keep-alive idle timeout" drives an IdleTimeoutFilter over every connection,
        // WebSockets included, and any byte resets it: off, the guard's request deadline closes
        // idle keep-alive connections and trickled requests instead.
        listener.getKeepAlive().setIdleTimeoutInSeconds(-1);
        deadlines = new ScheduledThreadPoolExecutor(1, runnable -> {
            Thread thread = new Thread(runnable, "grizzly-request-deadlines");
            thread.setDaemon(true);
            return thread;
        });
        deadlines.setRemoveOnCancelPolicy(true);
        listener.registerAddOn(GrizzlyHttpGuard.addOn(deadlines, admission));
        listener.registerAddOn(webSocketAddOn(this));
        server.addListener(listener);
        server.getServerConfiguration().setDefaultErrorPageGenerator(new JsonErrors());
        server.getServerConfiguration().addHttpHandler(new ApiHandler(hub, budget), "/");
        try {
            addEndpoint(endpoint);
            super.start("", port); // deploys the endpoint: before the port opens, or upgrades get 404
            server.start();
        } catch (DeploymentException e) {
            server.shutdownNow();
            deadlines.shutdownNow();
            throw new IOException("Cannot deploy the Pusher endpoint", e);
        } catch (IOException | RuntimeException e) {
            server.shutdownNow();
            deadlines.shutdownNow();
            throw e;
        }
    }

    @Override
    public int port() {
        return listener.getPort();
    }

    @Override
    public void stopAccepting() {
        if (server != null && listener != null && !listener.isPaused()) {
            listener.pause();
        }
    }

    @Override
    public void stop(boolean drainCloses) {
        if (server == null) {
            return;
        }
        if (drainCloses) {
            // close frames are written asynchronously; give them a moment before the sockets go
            try {
                Thread.sleep(300);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        super.stop();
        server.shutdownNow();
        server = null;
        deadlines.shutdownNow();
    }

    @Override
    public void register(Class<?> endpointClass) throws DeploymentException {
        engine.register(endpointClass, "");
    }

    @Override
    public void register(ServerEndpointConfig serverEndpointConfig) throws DeploymentException {
        engine.register(serverEndpointConfig, "");
    }

    @Override
    public Map<String, Object> getProperties() {
        return Map.of();
    }

    @Override
    public WebSocketEngine getWebSocketEngine() {
        return engine;
    }

    /**
     * Tyrus's add-on class is public and meant for containers like this one (TYRUS-317), but its
     * constructor is package-private.
     */
    private static AddOn webSocketAddOn(ServerContainer container) {
        try {
            Constructor<WebSocketAddOn> constructor =
                    WebSocketAddOn.class.getDeclaredConstructor(ServerContainer.class, String.class);
            constructor.setAccessible(true);
            return constructor.newInstance(container, "");
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("This Tyrus version has no WebSocketAddOn(ServerContainer, String)", e);
        }
    }

    /**
     * The Pusher HTTP API and {@code /up} on Grizzly. The body is read without blocking: a worker
     * thread waiting in a blocking read for a body trickled a byte a second is a worker lost, and
     * a handful of such connections stopped the server. The request line is checked first
     * ({@link BroadcastHub#precheck}), so a refused request has no body read at all; then at most
     * as much body as {@link BroadcastHub#serve} would read is gathered as it arrives, and the
     * request is served from it.
     */
    private static final class ApiHandler extends HttpHandler {
        private final BroadcastHub hub;
        private final BodyBudget budget;

        ApiHandler(BroadcastHub hub, BodyBudget budget) {
            this.hub = hub;
            this.budget = budget;
        }

        @Override
        public void service(Request request, Response response) {
            String method = request.getMethod().getMethodString();
            String uri = request.getRequestURI();
            String query = request.getQueryString();
            if (ServerTransport.isHttpTransport(uri)) {
                read(request, response, bytes -> serveHttpTransport(request, response, bytes));
                return;
            }
            Optional<ApiResponse> refused;
            try {
                refused = hub.precheck(method, query == null ? uri : uri + "?" + query);
            } catch (RuntimeException e) {
                failed(request, response, e);
                return;
            }
            if (refused.isPresent()) {
                if (refused.get().status() == 401) {
                    WARNINGS.warn(HttpGuard.REFUSED_API_REQUEST, request.getRemoteAddr(), refused.get().body());
                }
                respond(response, refused.get().status(), refused.get().body().getBytes(StandardCharsets.UTF_8));
                return;
            }
            read(request, response, bytes -> {
                boolean suspended = response.isSuspended();
                try {
                    serve(request, response, bytes);
                } finally {
                    if (suspended) {
                        response.resume();
                    }
                }
            });
        }

        /**
         * Reads the body of a suspended request as {@link ApiExchange#streamed} would: never past
         * the declared length, at most {@link BroadcastHub#maxApiBodyBytes()} + 1 bytes; then
         * hands it on.
         */
        private void read(Request request, Response response, java.util.function.Consumer<byte[]> then) {
            long length = request.getContentLengthLong();
            boolean chunked = request.getRequest().isChunked();
            long wanted = length > 0 ? Math.min(length, hub.maxApiBodyBytes() + 1L)
                    : chunked ? hub.maxApiBodyBytes() + 1L : 0;
            if (wanted == 0) {
                then.accept(new byte[0]);
                return;
            }
            response.suspend();
            new BodyReader(request, response, (int) wanted, then).start();
        }

        private void serveHttpTransport(Request request, Response response, byte[] body) {
            GrizzlyFallbackExchange exchange = new GrizzlyFallbackExchange(request, response, body);
            try {
                hub.serveFallback(exchange);
            } catch (IOException | RuntimeException e) {
                failed(request, response, e);
                exchange.end();
                return;
            }
            exchange.held(); // a stream or a poll still open is suspended: it holds no worker thread
        }

        /** Answers from a body read already: {@link BroadcastHub#serve} reads it from memory. */
        private void serve(Request request, Response response, byte[] body) {
            try {
                hub.serve(ApiExchange.streamed(request.getMethod().getMethodString(), request.getRequestURI(),
                        request.getQueryString(), request.getContentLengthLong(),
                        request.getRequest().isChunked() ? "chunked" : null, () -> new ByteArrayInputStream(body),
                        (status, json) -> respond(response, status, json)));
            } catch (IOException | RuntimeException e) {
                failed(request, response, e);
            }
        }

        /** A failure inside the API: logged, and answered with a JSON 500 if nothing was sent yet. */
        private static void failed(Request request, Response response, Exception e) {
            LOG.warn("HTTP API request {} {} failed", request.getMethod(), request.getRequestURI(), e);
            if (!response.isCommitted()) {
                response.reset();
                respond(response, 500, INTERNAL_ERROR);
            }
        }

        private static void respond(Response response, int status, byte[] json) {
            response.setStatus(status);
            response.setContentType("application/json");
            response.setContentLength(json.length);
            try {
                response.getOutputStream().write(json);
            } catch (IOException e) {
                LOG.debug("HTTP API answer not written", e);
            }
        }

        /**
         * Gathers up to {@code wanted} body bytes as they arrive, then serves the request. The
         * buffer grows with what arrives, not with what is declared, and counts towards
         * a bound for the whole server ({@link BodyBudget}, as on the Netty
         * transport): past it the request gets 503.
         */
        private final class BodyReader implements ReadHandler {
            private final Request request;
            private final Response response;
            private final NIOInputStream in;
            private final int wanted;
            private final ByteArrayOutputStream body;
            private final byte[] chunk = new byte[8192];
            private boolean done;
            /** The server-wide bound on buffered bodies was reached. */
            private boolean busy;
            private final java.util.function.Consumer<byte[]> then;

            BodyReader(Request request, Response response, int wanted, java.util.function.Consumer<byte[]> then) {
                this.request = request;
                this.response = response;
                this.then = then;
                this.in = request.getNIOInputStream();
                this.wanted = wanted;
                this.body = new ByteArrayOutputStream(Math.min(wanted, chunk.length));
            }

            void start() {
                in.notifyAvailable(this);
            }

            @Override
            public void onDataAvailable() throws Exception {
                if (take() && body.size() < wanted) {
                    in.notifyAvailable(this);
                } else {
                    finish(); // enough to answer: the rest of a body too large is not read
                }
            }

            @Override
            public void onAllDataRead() throws Exception {
                take();
                finish();
            }

            @Override
            public void onError(Throwable failure) {
                LOG.debug("HTTP API request body not read", failure); // the connection was closed
                if (end()) {
                    response.cancel();
                }
            }

            /** Reads what is ready; false if the server holds too many body bytes already. */
            private boolean take() throws IOException {
                int ready;
                while (!done && body.size() < wanted && (ready = in.readyData()) > 0) {
                    int n = in.read(chunk, 0, Math.min(Math.min(ready, chunk.length), wanted - body.size()));
                    if (n < 0) {
                        break;
                    }
                    if (!budget.take(n)) {
                        busy = true;
                        return false;
                    }
                    body.write(chunk, 0, n);
                }
                return true;
            }

            /** Ends the read once; false if it had ended already. */
            private synchronized boolean end() {
                if (done) {
                    return false;
                }
                done = true;
                budget.release(body.size());
                return true;
            }

            private void finish() {
                byte[] bytes = body.toByteArray();
                if (!end()) {
                    return;
                }
                if (busy) {
                    LOG.warn("HTTP request body from {} refused: the server holds {} bytes of unfinished bodies",
                            request.getRemoteAddr(), budget.max());
                    respond(response, 503, BUSY);
                    response.resume();
                } else {
                    then.accept(bytes);
                }
            }
        }
    }

    /**
     * Error answers Grizzly itself writes (an exception out of a handler, a shutdown): JSON like
     * the API's, never its HTML page with the stack trace.
     */
    private static final class JsonErrors implements ErrorPageGenerator {
        @Override
        public String generate(Request request, int status, String reasonPhrase, String description, Throwable exception) {
            if (exception != null) {
                LOG.warn("HTTP request {} {} failed", request.getMethod(), request.getRequestURI(), exception);
            }
            request.getResponse().setContentType("application/json"); // before Grizzly defaults it to text/html
            String reason = reasonPhrase == null ? "Error " + status : reasonPhrase;
            return HeadRules.errorJson(reason);
        }
    }
}
