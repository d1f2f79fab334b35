package dev.broadcast.testing.spring;

import dev.broadcast.testing.FakeBroadcaster;
import org.springframework.context.ApplicationContext;
import org.springframework.test.context.TestContext;
import org.springframework.test.context.support.AbstractTestExecutionListener;

/**
 * Clears every {@link FakeBroadcaster} bean after each test method, so that a cached context's
 * fake holds only the current test's broadcasts. Registered in {@code META-INF/spring.factories}.
 */
public final class FakeBroadcasterResetListener extends AbstractTestExecutionListener {

    /** After Spring's own listeners (Mockito's reset runs at {@code LOWEST_PRECEDENCE - 100}). */
    @Override
    public int getOrder() {
        return LOWEST_PRECEDENCE - 50;
    }

    @Override
    public void afterTestMethod(TestContext testContext) {
        if (testContext.hasApplicationContext()) {
            ApplicationContext context = testContext.getApplicationContext();
            context.getBeansOfType(FakeBroadcaster.class, false, false).values().forEach(FakeBroadcaster::clear);
        }
    }
}
