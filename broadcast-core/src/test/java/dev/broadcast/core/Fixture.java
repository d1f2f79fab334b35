package dev.broadcast.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.broadcast.core.config.App;
import dev.broadcast.core.transport.ApiResponse;
import dev.broadcast.core.transport.ConnectRequest;
import dev.broadcast.core.transport.Connection;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * A hub with one app (id 3 and the key and secret of the protocol notes' test vectors), a manual
 * clock and a manual scheduler, and the clients connected to it. Close it after each test: that
 * closes the hub and checks every transport was used by the contract.
 */
final class Fixture implements AutoCloseable {

    static final String ID = "3";
    static final String KEY = "278d425bdf160c739803";
    static final String SECRET = "7ad3773142a6692b25b8";
    static final Instant START = Instant.parse("2024-05-01T12:00:00Z");

    final ManualClock clock;
    final ManualScheduler scheduler;
    final App app;
    final BroadcastHub hub;
    private final List<FakeTransport> transports = new ArrayList<>();

    private Fixture(Instant start, UnaryOperator<App.Builder> customize, UnaryOperator<BroadcastHub.Builder> hubCustomize,
            List<App> extraApps) {
        this.clock = new ManualClock(start);
        this.scheduler = new ManualScheduler(clock);
        this.app = customize.apply(App.builder(ID, KEY, SECRET)).build();
        BroadcastHub.Builder builder = BroadcastHub.builder().app(app).clock(clock).scheduler(scheduler);
        extraApps.forEach(builder::app);
        this.hub = hubCustomize.apply(builder).build();
    }

    private Fixture(Instant start, UnaryOperator<App.Builder> customize, List<App> extraApps) {
        this(start, customize, b -> b, extraApps);
    }

    /** A fixture whose hub builder is customized too, e.g. with a real scheduler. */
    static Fixture create(UnaryOperator<App.Builder> customize, UnaryOperator<BroadcastHub.Builder> hubCustomize) {
        return new Fixture(START, customize, hubCustomize, List.of());
    }

    static Fixture create() {
        return new Fixture(START, b -> b, List.of());
    }

    static Fixture create(UnaryOperator<App.Builder> customize) {
        return new Fixture(START, customize, List.of());
    }

    static Fixture create(Instant start, UnaryOperator<App.Builder> customize, App... extraApps) {
        return new Fixture(start, customize, List.of(extraApps));
    }

    static Fixture withClientEvents() {
        return create(b -> b.clientEvents(true));
    }

    /** Connects with protocol 7 and no Origin, and checks the handshake succeeded. */
    FixtureClient connect() {
        FixtureClient client = connect(new ConnectRequest(KEY, "7", null));
        if (!client.isOpen()) {
            throw new AssertionError("connect failed: " + client.frames());
        }
        return client;
    }

    /** Connects with {@code request}, whatever the outcome. */
    FixtureClient connect(ConnectRequest request) {
        FakeTransport transport = new FakeTransport();
        synchronized (transports) {
            transports.add(transport);
        }
        Connection connection = hub.connect(request, transport);
        return new FixtureClient(this, transport, connection);
    }

    /** Answers a request signed now by the fixture's clock. */
    ApiResponse api(ApiCall call) {
        return hub.handle(call.signed(clock.instant().getEpochSecond()));
    }

    /** {@code POST /apps/3/events} with a body built from alternating keys and values. */
    ApiResponse triggerApi(Object... bodyKeysAndValues) {
        return api(ApiCall.post("/apps/" + ID + "/events", Wire.write(Wire.map(bodyKeysAndValues))));
    }

    @Override
    public void close() {
        hub.close();
        synchronized (transports) {
            for (FakeTransport transport : transports) {
                assertEquals(0, transport.sendsAfterClose(), "frames sent after close");
                assertEquals(transport.closed() ? 1 : 0, transport.closeCalls(), "close called more than once");
            }
        }
    }
}
