package dev.broadcast.conformance;

import java.util.List;

/** The standalone server jar in a child process, with client events and a webhook URL. */
final class StandaloneTarget implements Target {

    private final String name;
    private final ServerProcess server;
    private final SignedApi api;

    /** @param transport the server's {@code --transport}: {@code netty} or {@code tyrus} */
    StandaloneTarget(int webhookPort, String transport) {
        this("server-" + transport, List.of(
                "--transport", transport,
                "--client-events", "true",
                "--http-session-timeout", String.valueOf(HTTP_SESSION_TIMEOUT_SECONDS),
                "--webhook-url", "http://127.0.0.1:" + webhookPort + "/hooks"));
    }

    /**
     * The jar on the Netty transport serving only {@code wss://} and {@code https://}, with the
     * certificate of {@link ConformanceTls}.
     */
    static StandaloneTarget overTls(int webhookPort) {
        return new StandaloneTarget("server-tls", List.of(
                "--tls-cert", ConformanceTls.server().cert().toString(),
                "--tls-key", ConformanceTls.server().key().toString(),
                "--client-events", "true",
                "--http-session-timeout", String.valueOf(HTTP_SESSION_TIMEOUT_SECONDS),
                "--webhook-url", "http://127.0.0.1:" + webhookPort + "/hooks"));
    }

    /** The jar started with {@code args} besides the host, port and app, its log named after {@code name}. */
    StandaloneTarget(String name, List<String> args) {
        this(name, args, Ports.free());
    }

    /** The same on {@code port}, e.g. a node started again where it was. */
    StandaloneTarget(String name, List<String> args, int port) {
        this.name = name;
        this.server = ServerProcess.start(name, args, port);
        this.api = args.contains("--tls-cert") ? SignedApi.overTls(host(), server.port()) : new SignedApi(host(), server.port());
    }

    /** The child process, for tests that end it the hard way. */
    ServerProcess process() {
        return server;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public boolean tls() {
        return server.upUri().getScheme().equals("https");
    }

    @Override
    public String host() {
        return "127.0.0.1";
    }

    @Override
    public int port() {
        return server.port();
    }

    @Override
    public int connections() {
        return api.connections();
    }

    @Override
    public int channels() {
        return api.channels();
    }

    @Override
    public String diagnostics() {
        return server.logTail();
    }

    @Override
    public void close() {
        server.close();
    }
}
