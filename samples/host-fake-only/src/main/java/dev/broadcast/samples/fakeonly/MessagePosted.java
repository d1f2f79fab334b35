package dev.broadcast.samples.fakeonly;

import dev.broadcast.Channel;
import dev.broadcast.ShouldBroadcast;
import java.util.List;

/** A chat message, for everyone present in the room. */
public record MessagePosted(long roomId, String author, String text) implements ShouldBroadcast {
    @Override
    public List<Channel> broadcastOn() {
        return List.of(Channel.presence("room." + roomId));
    }

    @Override
    public String broadcastAs() {
        return "message.posted";
    }
}
