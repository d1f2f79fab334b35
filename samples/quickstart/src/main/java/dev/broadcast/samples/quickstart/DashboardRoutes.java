package dev.broadcast.samples.quickstart;

import dev.broadcast.Authorization;
import dev.broadcast.ChannelRoutes;
import java.util.Map;
import java.util.function.LongUnaryOperator;

/** Who may listen where: Laravel's routes/channels.php for the dashboard. */
public final class DashboardRoutes {

    private DashboardRoutes() {
    }

    // tag::routes[]
    /**
     * @param projectOfTask the project a task belongs to
     */
    public static ChannelRoutes<User> create(LongUnaryOperator projectOfTask) {
        return ChannelRoutes.<User>create()
                .channel("task.{taskId}", (user, p) -> user.memberOf(projectOfTask.applyAsLong(p.getLong("taskId"))))
                .presence("project.{projectId}", (user, p) -> user.memberOf(p.getLong("projectId"))
                        ? Authorization.member(user.id(), Map.of("name", user.name()))
                        : Authorization.deny());
    }
    // end::routes[]
}
