package dev.broadcast.core;

import com.fasterxml.jackson.databind.JsonNode;
import dev.broadcast.ChannelType;
import dev.broadcast.core.transport.Connection;
import java.util.List;

/** One connection to a {@link Fixture}'s hub, with the client side of the protocol. */
final class FixtureClient {

    final Fixture fixture;
    final FakeTransport transport;
    final Connection connection;

    FixtureClient(Fixture fixture, FakeTransport transport, Connection connection) {
        this.fixture = fixture;
        this.transport = transport;
        this.connection = connection;
    }

    /** The socket id the server announced in {@code pusher:connection_established}. */
    String socketId() {
        JsonNode first = transport.frames().get(0);
        if (!"pusher:connection_established".equals(first.path("event").asText())) {
            throw new AssertionError("no connection_established: " + first);
        }
        return Wire.data(first).get("socket_id").asText();
    }

    boolean isOpen() {
        return connection.isOpen();
    }

    List<JsonNode> frames() {
        return transport.frames();
    }

    JsonNode last() {
        return transport.last();
    }

    int mark() {
        return transport.count();
    }

    List<JsonNode> since(int mark) {
        return transport.framesSince(mark);
    }

    /** Hands {@code text} to the connection and returns the frames it caused on this connection. */
    List<JsonNode> send(String text) {
        int mark = mark();
        connection.receive(text);
        return since(mark);
    }

    /** The signature the host application would give this socket for {@code channel}. */
    String auth(String channel) {
        return Crypto.channelAuth(Fixture.KEY, Fixture.SECRET, socketId(), channel);
    }

    String presenceAuth(String channel, String channelData) {
        return Crypto.presenceAuth(Fixture.KEY, Fixture.SECRET, socketId(), channel, channelData);
    }

    /** Subscribes as pusher-js does: {@code auth ""} for public channels, signed otherwise. */
    List<JsonNode> subscribe(String channel) {
        ChannelType type = ChannelType.of(channel);
        if (type == ChannelType.PRESENCE) {
            throw new IllegalArgumentException("use subscribePresence");
        }
        String auth = type == ChannelType.PUBLIC || channel.startsWith("#") ? "" : auth(channel);
        return subscribeWith(channel, auth, null);
    }

    /** Subscribes to a presence channel with a correct signature over {@code channelData}. */
    List<JsonNode> subscribePresence(String channel, String channelData) {
        return subscribeWith(channel, presenceAuth(channel, channelData), channelData);
    }

    /** Subscribes with exactly this {@code auth} and {@code channel_data} (omitted when null). */
    List<JsonNode> subscribeWith(String channel, String auth, String channelData) {
        var data = Wire.map("auth", auth, "channel", channel);
        if (channelData != null) {
            data.put("channel_data", channelData);
        }
        return send(Wire.message("pusher:subscribe", data));
    }

    List<JsonNode> unsubscribe(String channel) {
        return send(Wire.message("pusher:unsubscribe", Wire.map("channel", channel)));
    }

    /** Signs in with a correct signature over {@code userData}. */
    List<JsonNode> signin(String userData) {
        return signinWith(userData, Crypto.signinAuth(Fixture.KEY, Fixture.SECRET, socketId(), userData));
    }

    List<JsonNode> signinWith(String userData, String auth) {
        return send(Wire.message("pusher:signin", Wire.map("auth", auth, "user_data", userData)));
    }

    /** Sends {@code {"event":event,"channel":channel,"data":<dataJson>}} with data as raw JSON. */
    List<JsonNode> clientEvent(String event, String channel, String dataJson) {
        return send("{\"event\":" + Wire.write(event) + ",\"channel\":" + Wire.write(channel)
                + ",\"data\":" + dataJson + "}");
    }

    /** Frames on this connection whose {@code event} is {@code event}. */
    List<JsonNode> events(String event) {
        return transport.events(event);
    }

    @Override
    public String toString() {
        return "FixtureClient" + transport.frames();
    }
}
