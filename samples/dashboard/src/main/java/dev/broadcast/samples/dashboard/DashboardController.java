package dev.broadcast.samples.dashboard;

import dev.broadcast.samples.dashboard.BoardEvents.Spec;
import dev.broadcast.samples.dashboard.BoardEvents.Task;
import dev.broadcast.samples.dashboard.Team.Member;
import dev.broadcast.spring.boot.SocketId;
import jakarta.servlet.http.HttpServletRequest;
import java.security.Principal;
import java.util.Map;
import java.util.NoSuchElementException;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.HttpStatus;
import org.springframework.security.web.csrf.CsrfToken;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

/**
 * The page's HTTP API: who am I and where is the Pusher endpoint, the board's state, a task's
 * run, and the changes a user makes. State is always loaded here; the channels only say what
 * changed since.
 */
@RestController
@RequestMapping("/api")
public class DashboardController {

    /** Where the page's Echo connects; empty host and port 0 mean the page's own. */
    public record Realtime(String key, String host, int port, boolean tls) {
    }

    /** What the page needs before it connects. */
    public record Me(Member user, long boardId, Realtime realtime, Map<String, String> csrf) {
    }

    public record Move(String column) {
    }

    public record SpecEdit(String text) {
    }

    private final Team team;
    private final Board board;
    private final Runs runs;
    private final DemoAgent agent;
    private final Realtime realtime;

    public DashboardController(Team team, Board board, Runs runs, DemoAgent agent,
            @Value("${broadcast.app-key}") String key,
            @Value("${dashboard.realtime.host:}") String host,
            @Value("${dashboard.realtime.port:0}") int port,
            @Value("${dashboard.realtime.tls:false}") boolean tls) {
        this.team = team;
        this.board = board;
        this.runs = runs;
        this.agent = agent;
        this.realtime = new Realtime(key, host, port, tls);
    }

    @GetMapping("/me")
    public Me me(Principal principal, HttpServletRequest request) {
        CsrfToken csrf = (CsrfToken) request.getAttribute(CsrfToken.class.getName());
        return new Me(member(principal), Board.ID, realtime, Map.of("header", csrf.getHeaderName(), "token", csrf.getToken()));
    }

    @GetMapping("/board")
    public Board.Snapshot board(Principal principal) {
        teamMember(principal);
        return board.snapshot();
    }

    /** The task's current run, with the lines after line {@code after}. */
    @GetMapping("/tasks/{id}/run")
    public Runs.View run(@PathVariable long id, @RequestParam(defaultValue = "0") long after, Principal principal) {
        teamMember(principal);
        board.task(id);
        return runs.view(id, after);
    }

    // tag::controller[]
    @PostMapping("/tasks/{id}/move")
    public Task move(@PathVariable long id, @RequestBody Move move, @SocketId String socketId, Principal principal) {
        teamMember(principal);
        return board.move(id, move.column(), socketId);
    }
    // end::controller[]

    @PostMapping("/tasks/{id}/run")
    @ResponseStatus(HttpStatus.ACCEPTED)
    public void runAgent(@PathVariable long id, Principal principal) {
        if (!agent.start(id, teamMember(principal))) {
            throw new ResponseStatusException(HttpStatus.CONFLICT, "An agent is working on task " + id + " already");
        }
    }

    @PostMapping("/spec")
    public Spec editSpec(@RequestBody SpecEdit edit, @SocketId String socketId, Principal principal) {
        return board.editSpec(edit.text(), teamMember(principal).name(), socketId);
    }

    private Member member(Principal principal) {
        return team.byUsername(principal.getName()).orElseThrow(() -> new ResponseStatusException(HttpStatus.FORBIDDEN));
    }

    private Member teamMember(Principal principal) {
        Member member = member(principal);
        if (!member.onTeam()) {
            throw new ResponseStatusException(HttpStatus.FORBIDDEN, member.name() + " is not on this board's team");
        }
        return member;
    }

    @ExceptionHandler(NoSuchElementException.class)
    @ResponseStatus(HttpStatus.NOT_FOUND)
    Map<String, String> notFound(NoSuchElementException e) {
        return Map.of("message", e.getMessage());
    }

    @ExceptionHandler(IllegalArgumentException.class)
    @ResponseStatus(HttpStatus.BAD_REQUEST)
    Map<String, String> badRequest(IllegalArgumentException e) {
        return Map.of("message", e.getMessage());
    }
}
