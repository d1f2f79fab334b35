package dev.broadcast.samples.quickstart;

import dev.broadcast.Channel;
import dev.broadcast.ChannelRoutes;
import dev.broadcast.samples.quickstart.Events.SpecUpdated;
import dev.broadcast.testing.TestClient;
import dev.broadcast.testing.TestServer;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** What browsers receive, with the test kit's real server and WebSocket clients. */
class DashboardBrowserTest {

    private final ChannelRoutes<User> routes = DashboardRoutes.create(taskId -> 7);
    private final User annUser = new User(1, "Ann", Set.of(7L));
    private final User bobUser = new User(2, "Bob", Set.of(7L));
    private final User eveUser = new User(3, "Eve", Set.of(8L));

    @Test
    void viewersOfAProjectSeeEachOtherAndItsSpecChanges() {
        // tag::test-server[]
        try (TestServer<User> server = TestServer.start(routes);
             TestClient ann = server.connect(annUser);
             TestClient bob = server.connect(bobUser)) {
            ann.subscribe(Channel.presence("project.7")).assertSucceeded();
            bob.subscribe(Channel.presence("project.7")).assertSucceeded();
            ann.assertMemberAdded("presence-project.7", "2");

            server.broadcaster().toOthers(bob.socketId()).broadcast(new SpecUpdated(7, "v2", "Bob"));
            ann.assertReceived("presence-project.7", "spec.updated", data -> data.get("spec").asText().equals("v2"));
            bob.assertNotReceived("presence-project.7", "spec.updated");
        }
        // end::test-server[]
    }

    @Test
    void strangersAreKeptOutOfPrivateTaskChannels() {
        try (TestServer<User> server = TestServer.start(routes);
             TestClient eve = server.connect(eveUser)) {
            eve.subscribe(Channel.privateChannel("task.42")).assertFailed(403);
        }
    }
}
