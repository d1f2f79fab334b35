package dev.broadcast.samples.quickstart;

import static dev.broadcast.testing.RouteAssertions.assertAuthorized;
import static dev.broadcast.testing.RouteAssertions.assertDenied;
import static dev.broadcast.testing.RouteAssertions.assertMember;

import dev.broadcast.ChannelRoutes;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The dashboard's channel routes, checked without a server. */
// tag::routes-test[]
class DashboardRoutesTest {

    private final ChannelRoutes<User> routes = DashboardRoutes.create(taskId -> 7);
    private final User ann = new User(1, "Ann", Set.of(7L));
    private final User bob = new User(2, "Bob", Set.of(8L));

    @Test
    void projectMembersMayFollowItsTasksAndJoinItsPresenceChannel() {
        assertAuthorized(routes, ann, "private-task.42");
        assertMember(routes, ann, "presence-project.7", "1");
        assertDenied(routes, bob, "private-task.42");
        assertDenied(routes, bob, "presence-project.7");
        assertAuthorized(routes, bob, "project.7"); // public
    }
}
// end::routes-test[]
