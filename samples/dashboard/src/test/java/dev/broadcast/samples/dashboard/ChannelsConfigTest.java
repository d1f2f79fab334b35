package dev.broadcast.samples.dashboard;

import static dev.broadcast.testing.RouteAssertions.assertAuthorized;
import static dev.broadcast.testing.RouteAssertions.assertDenied;
import static dev.broadcast.testing.RouteAssertions.assertMember;

import dev.broadcast.ChannelRoutes;
import dev.broadcast.samples.dashboard.Team.Member;
import org.junit.jupiter.api.Test;

/** Who may listen where, with the real routes and no server. */
class ChannelsConfigTest {

    private final ChannelRoutes<Member> routes = new ChannelsConfig().channelRoutes();
    private final Team team = new Team();
    private final Member ann = team.byUsername("ann").orElseThrow();
    private final Member eve = team.byUsername("eve").orElseThrow();

    @Test
    void theTeamWatchesTheBoardAndItsTasks() {
        assertMember(routes, ann, "presence-board.1", "1");
        assertAuthorized(routes, ann, "private-task.4");
        assertDenied(routes, ann, "presence-board.2");
        assertDenied(routes, eve, "presence-board.1");
        assertDenied(routes, eve, "private-task.4");
    }

    @Test
    void everyoneHearsTheirOwnNotificationsOnly() {
        assertAuthorized(routes, ann, "private-App.Models.User.1");
        assertDenied(routes, ann, "private-App.Models.User.3");
        assertAuthorized(routes, eve, "private-App.Models.User.3");
    }
}
