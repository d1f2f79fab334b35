package dev.broadcast.server;

import dev.broadcast.core.transport.FallbackExchange;
import dev.broadcast.core.transport.Transport;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A request of pusher-js's HTTP fallback transports on the Netty transport, under
 * {@link ServerTransport#HTTP_TRANSPORTS_PREFIX}: the response is written as it comes, one chunk per {@link #write} (chunked
 * transfer encoding), and a response that ends without a body is sent whole.
 */
final class NettyFallbackExchange implements FallbackExchange {

    private final Channel channel;
    private final FullHttpRequest request;
    private final byte[] body;
    private final boolean keepAlive;
    private final AtomicBoolean ended = new AtomicBoolean();
    private HttpResponseStatus status;
    private Map<String, String> headers;
    private volatile boolean headSent;

    NettyFallbackExchange(Channel channel, FullHttpRequest request) {
        this.channel = channel;
        this.request = request;
        this.body = ByteBufUtil.getBytes(request.content());
        this.keepAlive = HttpUtil.isKeepAlive(request);
    }

    @Override
    public String method() {
        return request.method().name();
    }

    @Override
    public String path() {
        return new QueryStringDecoder(request.uri()).rawPath().substring(ServerTransport.HTTP_TRANSPORTS_PREFIX.length());
    }

    @Override
    public String query() {
        String query = new QueryStringDecoder(request.uri()).rawQuery();
        return query.isEmpty() ? null : query;
    }

    @Override
    public String origin() {
        return request.headers().get(HttpHeaderNames.ORIGIN);
    }

    @Override
    public byte[] body(int max) {
        return body.length <= max ? body : Arrays.copyOf(body, max + 1);
    }

    @Override
    public void start(int status, Map<String, String> headers) {
        this.status = HttpResponseStatus.valueOf(status);
        this.headers = headers;
        if (status == 200) {
            NettyServer.Admitting.upgraded(channel); // a long-lived client like a WebSocket, not a stranger's socket to shed
        }
    }

    @Override
    public void write(byte[] chunk, Transport.SendCallback done) {
        if (!headSent) {
            headSent = true;
            HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, status);
            headers.forEach(head.headers()::set);
            HttpUtil.setTransferEncodingChunked(head, true);
            HttpUtil.setKeepAlive(head, keepAlive);
            channel.write(head);
        }
        channel.writeAndFlush(new DefaultHttpContent(Unpooled.wrappedBuffer(chunk)))
                .addListener(written -> done.completed(written.isSuccess() ? null : written.cause()));
    }

    @Override
    public void end() {
        if (!ended.compareAndSet(false, true)) {
            return;
        }
        var last = headSent ? channel.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT) : channel.writeAndFlush(whole());
        if (!keepAlive) {
            last.addListener(ChannelFutureListener.CLOSE);
        }
    }

    /** The response when nothing was written: its head alone, with no body. */
    private DefaultFullHttpResponse whole() {
        DefaultFullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.EMPTY_BUFFER);
        headers.forEach(response.headers()::set);
        if (status.code() != 204) {
            HttpUtil.setContentLength(response, 0);
        }
        HttpUtil.setKeepAlive(response, keepAlive);
        return response;
    }

    @Override
    public void onAbort(Runnable gone) {
        channel.closeFuture().addListener(closed -> {
            if (!ended.get()) {
                gone.run();
            }
        });
    }
}
