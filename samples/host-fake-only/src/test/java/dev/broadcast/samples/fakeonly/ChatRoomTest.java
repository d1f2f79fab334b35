package dev.broadcast.samples.fakeonly;

import static dev.broadcast.testing.RouteAssertions.assertDenied;
import static dev.broadcast.testing.RouteAssertions.assertMember;

import dev.broadcast.Channel;
import dev.broadcast.testing.BroadcastExtension;
import dev.broadcast.testing.FakeBroadcaster;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(BroadcastExtension.class)
class ChatRoomTest {

    private final User ann = new User(1, "Ann", Set.of(7L));
    private final User bob = new User(2, "Bob", Set.of(8L));
    private FakeBroadcaster fakeOfBeforeEach;

    @BeforeEach
    void before(FakeBroadcaster fake) {
        fakeOfBeforeEach = fake;
    }

    @Test
    void aMessageGoesToTheOthersInTheRoom(FakeBroadcaster fake) {
        new ChatRoom(fake).post(7, ann, "hi", "1234.5678");

        fake.assertDispatched(MessagePosted.class, e -> e.text().equals("hi"));
        fake.assertBroadcastOn(Channel.presence("room.7"), "message.posted");
        fake.assertDispatchedToOthers(MessagePosted.class);
        fakeOfBeforeEach.assertDispatchedOnce(MessagePosted.class);
    }

    @Test
    void onlyMembersJoinARoom() {
        assertMember(ChatRoom.ROUTES, ann, "presence-room.7", "1");
        assertDenied(ChatRoom.ROUTES, bob, "presence-room.7");
    }
}
