package dev.broadcast.spring.boot;

import dev.broadcast.core.BroadcastHub;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.SmartLifecycle;

/**
 * Runs the hub with the application context: on shutdown it closes every connection with 4200
 * (pusher-js and Echo reconnect, to another instance behind the load balancer) <em>before</em>
 * Boot's graceful shutdown and the web server stop, which would otherwise drop the sockets with
 * 1006. Requests still in flight during the graceful shutdown can broadcast; nobody is connected
 * here any more to receive it.
 */
final class BroadcastLifecycle implements SmartLifecycle {

    private static final Logger LOG = LoggerFactory.getLogger(BroadcastLifecycle.class);

    /**
     * Stops before Boot's graceful shutdown ({@code DEFAULT_PHASE - 1024}) and the web server
     * ({@code DEFAULT_PHASE - 2048}): lifecycles stop from the highest phase down.
     */
    static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 512;

    /**
     * How long the close frames get to leave before the web server stops, when clients were
     * connected: the containers send them asynchronously, and Undertow dropped one of five
     * (a 1006 instead of 4200, EchoShopTest) when its I/O threads stopped 11 ms after the close.
     */
    static final long CLOSE_GRACE_MILLIS = 500;

    private final ObjectProvider<BroadcastHub> hub;
    private volatile boolean running;

    BroadcastLifecycle(ObjectProvider<BroadcastHub> hub) {
        this.hub = hub;
    }

    @Override
    public void start() {
        running = true;
    }

    @Override
    public void stop() {
        running = false;
        hub.ifAvailable(h -> {
            int connections = h.stats().connections();
            LOG.info("Closing {} broadcast connections with 4200 (reconnect) before the web server stops", connections);
            h.close();
            if (connections > 0) {
                try {
                    Thread.sleep(CLOSE_GRACE_MILLIS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        });
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        return PHASE;
    }
}
