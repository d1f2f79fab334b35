/**
 * Spring test support: {@link dev.broadcast.testing.spring.FakeBroadcasterBean} puts a
 * {@link dev.broadcast.testing.FakeBroadcaster} in place of the application's
 * {@code Broadcaster} bean. Optional: used only where {@code spring-test} 6.2+ is on the test
 * class path.
 */
package dev.broadcast.testing.spring;
