package dev.broadcast.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.broadcast.Broadcaster;
import dev.broadcast.Channel;
import dev.broadcast.core.driver.ResolvedBroadcast;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.opentest4j.AssertionFailedError;

/** The fake's notification queries and assertions, in the words of Laravel's {@code Notification::fake()}. */
class NotificationsTest {

    private static final String T = NotificationsTest.class.getName() + "$";

    record User(long id, String name) {
    }

    record Guest(String name) {
    }

    /** With an id of its own, so that payloads (and failure messages) are the same on every run. */
    record InvoicePaid(String id, long invoiceId) {
    }

    record InvoiceOverdue(String id, long invoiceId) {
    }

    private final FakeBroadcaster fake = FakeBroadcaster.create();

    private static AssertionFailedError fails(Executable assertion) {
        return assertThrows(AssertionFailedError.class, assertion);
    }

    @Test
    void aNotificationIsRecordedAsTheBroadcastTheRealBroadcasterSends() {
        InvoicePaid paid = new InvoicePaid("n-1", 7);
        fake.toOthers("1.2").notify(new User(42, "ann"), paid);

        ResolvedBroadcast sent = fake.broadcasts().get(0);
        assertEquals(Broadcaster.NOTIFICATION_EVENT, sent.name());
        assertEquals(List.of(Channel.privateChannel("App.Models.User.42")), sent.channels());
        assertEquals("{\"id\":\"n-1\",\"invoiceId\":7,\"type\":\"" + T + "InvoicePaid\"}", sent.payloadJson());
        assertEquals("1.2", sent.exceptSocketId());
        assertEquals(paid, sent.event());
        fake.assertDispatched(InvoicePaid.class); // a notification is a broadcast too
    }

    @Test
    void notifiedReturnsTheNotificationsOfATypeToAnyoneOrToOneUser() {
        InvoicePaid toAnn = new InvoicePaid("n-1", 7);
        InvoicePaid toBob = new InvoicePaid("n-2", 8);
        fake.notify(new User(42, "ann"), toAnn);
        fake.notify(7L, toBob);
        fake.notify(42L, new InvoiceOverdue("n-3", 9));
        fake.on(Channel.privateChannel("App.Models.User.42")).as(Broadcaster.NOTIFICATION_EVENT).with(Map.of("id", 1)).send();

        assertEquals(List.of(toAnn, toBob), fake.notified(InvoicePaid.class));
        assertEquals(List.of(toAnn), fake.notified(42L, InvoicePaid.class));
        assertEquals(List.of(toBob), fake.notified("7", InvoicePaid.class));
        assertEquals(List.of(toAnn, toBob), fake.notified(Object.class).subList(0, 2), "subtypes count");
        assertEquals(3, fake.notified(Object.class).size(), "an anonymous broadcast of the same name is no notification");
        assertEquals(List.of(), fake.notified(99L, InvoicePaid.class));
    }

    @Test
    void assertNotifiedMatchesTheUserByItsChannelAndFailsListingWhatWasNotified() {
        fake.notify(42L, new InvoicePaid("n-1", 7));
        fake.broadcast(new FakeBroadcasterTest.TaskUpdated(1, 7)); // not a notification: not listed

        fake.assertNotified(42L, InvoicePaid.class);
        fake.assertNotified("42", InvoicePaid.class);
        fake.assertNotified(new User(42, "ann"), InvoicePaid.class);
        AssertionFailedError otherUser = fails(() -> fake.assertNotified(new User(7, "bob"), InvoicePaid.class));
        assertEquals("Expected a InvoicePaid notification to private-App.Models.User.7.\nNotified (1):\n"
                + "  InvoicePaid to private-App.Models.User.42 {\"id\":\"n-1\",\"invoiceId\":7,\"type\":\"" + T
                + "InvoicePaid\"}", otherUser.getMessage());
        assertEquals("at least 1 InvoicePaid to private-App.Models.User.7", otherUser.getExpected().getValue());
        assertEquals("0 matching 0", otherUser.getActual().getValue());
        AssertionFailedError otherType = fails(() -> fake.assertNotified(42L, InvoiceOverdue.class));
        assertEquals("Expected a InvoiceOverdue notification to private-App.Models.User.42.\nNotified (1):\n"
                + "  InvoicePaid to private-App.Models.User.42 {\"id\":\"n-1\",\"invoiceId\":7,\"type\":\"" + T
                + "InvoicePaid\"}", otherType.getMessage());
    }

    @Test
    void assertNotifiedWithAPredicate() {
        fake.toOthers("1.2").notify(42L, new InvoicePaid("n-1", 7));

        fake.assertNotified(42L, InvoicePaid.class, n -> n.invoiceId() == 7);
        AssertionFailedError failure = fails(() -> fake.assertNotified(42L, InvoicePaid.class, n -> n.invoiceId() == 8));
        assertEquals("Expected a InvoicePaid notification to private-App.Models.User.42 matching the predicate; none of the"
                + " 1 matched.\nNotified (1):\n  InvoicePaid to private-App.Models.User.42 {\"id\":\"n-1\",\"invoiceId\":7,"
                + "\"type\":\"" + T + "InvoicePaid\"} except 1.2", failure.getMessage());
        assertEquals("1 matching 0", failure.getActual().getValue());
    }

    @Test
    void assertNotNotified() {
        fake.notify(42L, new InvoicePaid("n-1", 7));

        fake.assertNotNotified(7L, InvoicePaid.class);
        fake.assertNotNotified(42L, InvoiceOverdue.class);
        AssertionFailedError failure = fails(() -> fake.assertNotNotified(new User(42, "ann"), InvoicePaid.class));
        assertEquals("Expected no InvoicePaid notification to private-App.Models.User.42 but found 1.\nNotified (1):\n"
                + "  InvoicePaid to private-App.Models.User.42 {\"id\":\"n-1\",\"invoiceId\":7,\"type\":\"" + T
                + "InvoicePaid\"}", failure.getMessage());
        assertEquals(0, failure.getExpected().getValue());
        assertEquals(1, failure.getActual().getValue());
    }

    @Test
    void assertNothingNotifiedCountsNotificationsOnly() {
        fake.assertNothingNotified();
        fake.broadcast(new FakeBroadcasterTest.TaskUpdated(1, 7));
        fake.assertNothingNotified();

        fake.notify(42L, new InvoicePaid("n-1", 7));
        fake.notify(7L, new InvoiceOverdue("n-2", 8));
        AssertionFailedError failure = fails(fake::assertNothingNotified);
        assertEquals("Expected nothing to be notified but found 2.\nNotified (2):\n"
                + "  InvoicePaid to private-App.Models.User.42 {\"id\":\"n-1\",\"invoiceId\":7,\"type\":\"" + T
                + "InvoicePaid\"}\n"
                + "  InvoiceOverdue to private-App.Models.User.7 {\"id\":\"n-2\",\"invoiceId\":8,\"type\":\"" + T
                + "InvoiceOverdue\"}", failure.getMessage());
    }

    @Test
    void aFailureWithNothingNotifiedSaysSo() {
        AssertionFailedError failure = fails(() -> fake.assertNotified(42L, InvoicePaid.class));
        assertEquals("Expected a InvoicePaid notification to private-App.Models.User.42.\nNothing was notified.",
                failure.getMessage());
    }

    @Test
    void aUserTheTemplateCannotResolveIsRefusedAsTheRealBroadcasterRefusesIt() {
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> fake.assertNotified(new Guest("ann"), InvoicePaid.class));
        assertEquals("notificationChannel(\"App.Models.User.{id}\") for user " + T + "Guest: placeholder {id}: " + T
                + "Guest has no property id (no record component, getId(), isId(), id() or public field id)",
                refused.getMessage());
        assertThrows(IllegalArgumentException.class, () -> fake.notify(new Guest("ann"), new InvoicePaid("n-1", 7)));
        fake.assertNothingDispatched();
    }

    @Test
    void theBuilderTakesTheApplicationsTemplate() {
        FakeBroadcaster custom = FakeBroadcaster.builder().notificationChannel("users.{id}").build();
        custom.notify(new User(42, "ann"), new InvoicePaid("n-1", 7));

        assertEquals(List.of(Channel.privateChannel("users.42")), custom.broadcasts().get(0).channels());
        custom.assertNotified(42L, InvoicePaid.class);
        custom.assertNotNotified(7L, InvoicePaid.class);
        AssertionFailedError failure = fails(() -> custom.assertNotNotified(42L, InvoicePaid.class));
        assertEquals("Expected no InvoicePaid notification to private-users.42 but found 1.\nNotified (1):\n"
                + "  InvoicePaid to private-users.42 {\"id\":\"n-1\",\"invoiceId\":7,\"type\":\"" + T + "InvoicePaid\"}",
                failure.getMessage());

        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> FakeBroadcaster.builder().notificationChannel("users").build());
        assertEquals("notificationChannel(\"users\") has no placeholder such as {id}: every user's notifications would go"
                + " to the same channel", refused.getMessage());
    }
}
