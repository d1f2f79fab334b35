package dev.broadcast.server;

import dev.broadcast.core.transport.FallbackExchange;
import dev.broadcast.core.transport.Transport;
import java.io.IOException;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.glassfish.grizzly.CloseListener;
import org.glassfish.grizzly.Closeable;
import org.glassfish.grizzly.ICloseType;
import org.glassfish.grizzly.WriteHandler;
import org.glassfish.grizzly.http.io.NIOOutputStream;
import org.glassfish.grizzly.http.server.Request;
import org.glassfish.grizzly.http.server.Response;

/**
 * A request of pusher-js's HTTP fallback transports on the Tyrus transport's Grizzly server: the
 * response is suspended while it is held open and written without blocking, each chunk flushed as it
 * comes; a client that drops the request is seen when its connection closes, which
 * {@link GrizzlyHttpGuard#holding} watches for while the response is held.
 */
final class GrizzlyFallbackExchange implements FallbackExchange {

    private final Request request;
    private final Response response;
    private final byte[] body;
    private final AtomicBoolean ended = new AtomicBoolean();
    /** Guarded by this: whether the response is suspended (its body was read, or it is held). */
    private boolean suspended;

    /** For a request whose body was read (its response suspended for that, or not when it had none). */
    GrizzlyFallbackExchange(Request request, Response response, byte[] body) {
        this.request = request;
        this.response = response;
        this.body = body;
        this.suspended = response.isSuspended();
    }

    /**
     * The hub has served the request: unless it ended it meanwhile, the response is suspended, so
     * that Grizzly does not finish it when its handler returns and no thread waits on it.
     */
    synchronized void held() {
        if (!ended.get() && !suspended) {
            response.suspend();
            suspended = true;
        }
        if (!ended.get()) {
            GrizzlyHttpGuard.holding(request.getContext().getConnection());
        }
    }

    @Override
    public String method() {
        return request.getMethod().getMethodString();
    }

    @Override
    public String path() {
        return request.getRequestURI().substring(ServerTransport.HTTP_TRANSPORTS_PREFIX.length());
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
        NIOOutputStream out = response.getNIOOutputStream();
        try {
            out.write(chunk);
            out.flush();
        } catch (IOException | RuntimeException e) {
            done.completed(e);
            return;
        }
        if (out.canWrite()) {
            done.completed(null);
            return;
        }
        out.notifyCanWrite(new WriteHandler() {
            @Override
            public void onWritePossible() {
                done.completed(null);
            }

            @Override
            public void onError(Throwable failure) {
                done.completed(failure);
            }
        });
    }

    @Override
    public synchronized void end() {
        if (ended.compareAndSet(false, true) && suspended) {
            response.resume();
        }
    }

    @Override
    @SuppressWarnings({"rawtypes", "unchecked"})
    public void onAbort(Runnable gone) {
        request.getContext().getConnection().addCloseListener((CloseListener) (Closeable closeable, ICloseType type) -> {
            if (!ended.get()) {
                gone.run();
            }
        });
    }
}
