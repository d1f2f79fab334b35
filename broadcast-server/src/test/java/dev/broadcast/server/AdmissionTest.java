package dev.broadcast.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Which sockets may stay when the server is full: the oldest that is not a WebSocket goes. */
class AdmissionTest {

    @Test
    void aFullServerShedsTheOldestSocketThatIsNotAWebSocket() {
        Admission admission = new Admission(2, 0);
        AtomicInteger firstClosed = new AtomicInteger();
        Admission.Ticket first = admission.admit(null, firstClosed::incrementAndGet);
        Admission.Ticket second = admission.admit(null, () -> { });
        second.upgraded();
        Admission.Ticket third = admission.admit(null, () -> { }); // at the limit + 1: the first goes
        assertNotNull(third);
        assertEquals(1, firstClosed.get());
        first.closed();
        assertEquals(2, admission.open());

        third.upgraded();
        assertNull(admission.admit(null, () -> { }), "every socket a WebSocket: the newcomer is refused");
        assertEquals(2, admission.open());
    }

    /**
     * Grizzly admits on several selector threads at once; two of them may pick the same oldest
     * socket. The one that loses it must shed the next, not refuse its own newcomer (which closed
     * a legitimate /up request in FloodConformanceTest on the Tyrus transport).
     */
    @Test
    void admissionsRacingForTheSameOldestSocketRefuseNobody() throws InterruptedException {
        for (int round = 0; round < 200; round++) {
            Admission admission = new Admission(100, 0);
            ConcurrentLinkedQueue<Admission.Ticket> shed = new ConcurrentLinkedQueue<>();
            for (int i = 0; i < 100; i++) {
                Admission.Ticket[] self = new Admission.Ticket[1];
                self[0] = admission.admit(null, () -> shed.add(self[0]));
            }
            int threads = 4;
            CountDownLatch start = new CountDownLatch(1);
            AtomicInteger refused = new AtomicInteger();
            List<Thread> admitters = new java.util.ArrayList<>();
            for (int t = 0; t < threads; t++) {
                Thread thread = new Thread(() -> {
                    try {
                        start.await();
                    } catch (InterruptedException e) {
                        return;
                    }
                    for (int i = 0; i < 25; i++) {
                        Admission.Ticket[] self = new Admission.Ticket[1];
                        self[0] = admission.admit(null, () -> shed.add(self[0]));
                        if (self[0] == null) {
                            refused.incrementAndGet();
                        }
                        Admission.Ticket victim = shed.poll();
                        if (victim != null) {
                            victim.closed(); // the transport closes it
                        }
                    }
                });
                admitters.add(thread);
                thread.start();
            }
            start.countDown();
            for (Thread thread : admitters) {
                thread.join();
            }
            assertEquals(0, refused.get(), "round " + round + ": refused newcomers while older sockets could go");
        }
    }
}
