package dev.broadcast.jakarta;

import dev.broadcast.core.BroadcastHub;
import dev.broadcast.core.transport.FallbackExchange;
import dev.broadcast.core.transport.Transport;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves pusher-js's HTTP fallback transports ({@code xhr_streaming}, {@code xhr_polling}) under
 * {@code {prefix}/pusher/*} from a {@link BroadcastHub}, with servlet async I/O throughout: the
 * body is read and the response written without blocking, so a held stream or poll holds no
 * container thread.
 */
public final class FallbackServlet extends HttpServlet {

    private static final Logger LOG = LoggerFactory.getLogger(FallbackServlet.class);

    private final transient BroadcastHub hub;

    /** Serves {@code hub}'s sessions; map it to {@code {prefix}/pusher/*} with async support on. */
    public FallbackServlet(BroadcastHub hub) {
        this.hub = hub;
    }

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        AsyncContext async = request.startAsync();
        async.setTimeout(0); // the hub's heartbeat and session timeout govern held requests
        Exchange exchange = new Exchange(request, response, async);
        ServletInputStream in = request.getInputStream();
        in.setReadListener(exchange.new BodyReader(in, hub.maxApiBodyBytes()));
    }

    /** One request: its body read without blocking, then handed to the hub; its response written the same way. */
    private final class Exchange implements FallbackExchange, WriteListener, AsyncListener {
        private final HttpServletRequest request;
        private final HttpServletResponse response;
        private final AsyncContext async;
        private final AtomicBoolean finished = new AtomicBoolean();
        private byte[] body = new byte[0];
        private ServletOutputStream out;
        /** Guarded by this: the chunk to write, and the callback of the one written and not yet flushed. */
        private byte[] pending;
        private Transport.SendCallback pendingDone;
        private Transport.SendCallback flushing;
        private boolean endAfter;
        private volatile Runnable abort;

        Exchange(HttpServletRequest request, HttpServletResponse response, AsyncContext async) {
            this.request = request;
            this.response = response;
            this.async = async;
            async.addListener(this);
        }

        @Override
        public String method() {
            return request.getMethod();
        }

        @Override
        public String path() {
            String path = request.getPathInfo();
            return path == null ? "" : path;
        }

        @Override
        public String query() {
            return request.getQueryString();
        }

        @Override
        public String origin() {
            return request.getHeader("Origin");
        }

        @Override
        public byte[] body(int max) {
            return body.length <= max ? body : Arrays.copyOf(body, max + 1);
        }

        @Override
        public void start(int status, Map<String, String> headers) {
            response.setStatus(status);
            headers.forEach(response::setHeader);
        }

        @Override
        public void write(byte[] chunk, Transport.SendCallback done) {
            synchronized (this) {
                pending = chunk;
                pendingDone = done;
                if (out == null) {
                    try {
                        out = response.getOutputStream();
                    } catch (IOException e) {
                        pending = null;
                        pendingDone = null;
                        done.completed(e);
                        return;
                    }
                    out.setWriteListener(this); // the container calls onWritePossible
                    return;
                }
            }
            onWritePossible();
        }

        @Override
        public void onWritePossible() {
            Transport.SendCallback completed = null;
            boolean complete = false;
            try {
                synchronized (this) {
                    if (flushing != null && out.isReady()) {
                        completed = flushing;
                        flushing = null;
                    }
                    if (flushing == null && pending != null && out.isReady()) {
                        out.write(pending);
                        pending = null;
                        if (out.isReady()) {
                            out.flush();
                        }
                        if (out.isReady()) {
                            completed = chain(completed, pendingDone);
                        } else {
                            flushing = pendingDone;
                        }
                        pendingDone = null;
                    }
                    if (endAfter && pending == null && flushing == null) {
                        complete = true;
                    }
                }
            } catch (IOException e) {
                onError(e);
                return;
            }
            if (completed != null) {
                completed.completed(null);
            }
            if (complete) {
                finish();
            }
        }

        private Transport.SendCallback chain(Transport.SendCallback first, Transport.SendCallback second) {
            if (first == null) {
                return second;
            }
            return failure -> {
                first.completed(failure);
                second.completed(failure);
            };
        }

        @Override
        public void onError(Throwable failure) {
            Transport.SendCallback failed;
            synchronized (this) {
                failed = chain(flushing, pendingDone);
                flushing = null;
                pendingDone = null;
                pending = null;
            }
            if (failed != null) {
                failed.completed(failure);
            }
            gone();
        }

        @Override
        public void end() {
            boolean now;
            synchronized (this) {
                endAfter = true;
                now = pending == null && flushing == null;
            }
            if (now) {
                finish();
            }
        }

        @Override
        public void onAbort(Runnable gone) {
            this.abort = gone;
        }

        private void finish() {
            if (finished.compareAndSet(false, true)) {
                async.complete();
            }
        }

        /** The client has gone before the end. */
        private void gone() {
            if (finished.compareAndSet(false, true)) {
                Runnable run = abort;
                if (run != null) {
                    run.run();
                }
                async.complete();
            }
        }

        // AsyncListener: the container reports the client gone (an I/O error) or a timeout

        @Override
        public void onComplete(AsyncEvent event) {
        }

        @Override
        public void onTimeout(AsyncEvent event) {
            gone();
        }

        @Override
        public void onError(AsyncEvent event) {
            gone();
        }

        @Override
        public void onStartAsync(AsyncEvent event) {
        }

        /** Reads the body as it arrives, at most {@code max + 1} bytes, then serves the request. */
        final class BodyReader implements ReadListener {
            private final ServletInputStream in;
            private final int max;
            private final ByteArrayOutputStream read = new ByteArrayOutputStream();
            private final byte[] buffer = new byte[8192];

            BodyReader(ServletInputStream in, int max) {
                this.in = in;
                this.max = max;
            }

            @Override
            public void onDataAvailable() throws IOException {
                while (in.isReady() && !in.isFinished()) {
                    int n = in.read(buffer);
                    if (n < 0) {
                        break;
                    }
                    if (read.size() <= max) {
                        read.write(buffer, 0, Math.min(n, max + 1 - read.size()));
                    }
                }
            }

            @Override
            public void onAllDataRead() {
                body = read.toByteArray();
                try {
                    hub.serveFallback(Exchange.this);
                } catch (IOException | RuntimeException e) {
                    LOG.warn("HTTP transport request {} {} failed", request.getMethod(), request.getRequestURI(), e);
                    response.setStatus(500);
                    finish();
                }
            }

            @Override
            public void onError(Throwable failure) {
                LOG.debug("HTTP transport request body not read", failure);
                gone();
            }
        }
    }
}
