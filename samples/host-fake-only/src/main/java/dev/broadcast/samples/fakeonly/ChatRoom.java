package dev.broadcast.samples.fakeonly;

import dev.broadcast.Authorization;
import dev.broadcast.Broadcaster;
import dev.broadcast.ChannelRoutes;
import java.util.Map;

/** The application code under test: it only knows broadcast-api. */
public final class ChatRoom {

    /** Members of a room may join its presence channel. */
    public static final ChannelRoutes<User> ROUTES = ChannelRoutes.<User>create()
            .presence("room.{roomId}", (user, p) -> user.rooms().contains(p.getLong("roomId"))
                    ? Authorization.member(user.id(), Map.of("name", user.name()))
                    : Authorization.deny());

    private final Broadcaster broadcaster;

    public ChatRoom(Broadcaster broadcaster) {
        this.broadcaster = broadcaster;
    }

    /** Posts {@code text} to the room, for everyone but the sender's own connection. */
    public void post(long roomId, User author, String text, String senderSocketId) {
        broadcaster.toOthers(senderSocketId).broadcast(new MessagePosted(roomId, author.name(), text));
    }
}
