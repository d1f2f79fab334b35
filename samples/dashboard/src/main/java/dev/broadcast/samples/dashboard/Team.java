package dev.broadcast.samples.dashboard;

import java.util.List;
import java.util.Optional;
import org.springframework.stereotype.Component;

/** The people who may sign in, and who of them are on the board's team: a stand-in for a user table. */
@Component
public class Team {

    /** A user as the page shows them. */
    public record Member(long id, String username, String name, String color, boolean onTeam) {
    }

    private final List<Member> members = List.of(
            new Member(1, "ann", "Ann Lee", "#7c3aed", true),
            new Member(2, "bob", "Bob Stone", "#0891b2", true),
            new Member(3, "eve", "Eve Moss", "#db2777", false));

    public List<Member> all() {
        return members;
    }

    public Optional<Member> byUsername(String username) {
        return members.stream().filter(m -> m.username().equals(username)).findFirst();
    }
}
