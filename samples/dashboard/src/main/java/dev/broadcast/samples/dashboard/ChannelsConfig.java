package dev.broadcast.samples.dashboard;

import dev.broadcast.Authorization;
import dev.broadcast.ChannelRoutes;
import dev.broadcast.jakarta.UserResolver;
import dev.broadcast.samples.dashboard.Team.Member;
import java.util.Map;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Laravel's routes/channels.php for the dashboard. */
@Configuration
public class ChannelsConfig {

    /** The signed-in user of a request, as a team {@link Member}; null for nobody. */
    @Bean
    UserResolver<Member> broadcastUserResolver(Team team) {
        return request -> request.getUserPrincipal() == null ? null
                : team.byUsername(request.getUserPrincipal().getName()).orElse(null);
    }

    // tag::routes[]
    @Bean
    ChannelRoutes<Member> channelRoutes() {
        return ChannelRoutes.<Member>create()
                // the board: its events, and who is looking at it (avatars)
                .presence("board.{boardId}", (user, p) -> user.onTeam() && p.getLong("boardId") == Board.ID
                        ? Authorization.member(String.valueOf(user.id()), Map.of("id", user.id(), "name", user.name(), "color", user.color()))
                        : Authorization.deny())
                // a task's agent output and worktree progress
                .channel("task.{taskId}", (user, p) -> user.onTeam())
                // notifications, on the channel Echo's .notification() listens to
                .channel("App.Models.User.{id}", (user, p) -> user.id() == p.getLong("id"));
    }
    // end::routes[]
}
