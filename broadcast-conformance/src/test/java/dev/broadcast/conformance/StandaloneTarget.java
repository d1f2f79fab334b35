package dev.broadcast.conformance;

import java.util.List;

/** The standalone server jar in a child process, with client events and a webhook URL. */
final class StandaloneTarget implements Target {

    private final ServerProcess server;
    private final SignedApi api;

    StandaloneTarget(int webhookPort) {
        this.server = ServerProcess.start("server", List.of(
                "--client-events", "true",
                "--webhook-url", "http://127.0.0.1:" + webhookPort + "/hooks"));
        this.api = new SignedApi(host(), server.port());
    }

    @Override
    public String name() {
        return "server";
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
        return api.get("/connections").path("connections").asInt(-1);
    }

    @Override
    public int channels() {
        return api.get("/channels").path("channels").size();
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
