package dev.broadcast.testing.spring;

import dev.broadcast.Broadcaster;
import dev.broadcast.testing.FakeBroadcaster;
import java.lang.annotation.Annotation;
import java.lang.reflect.Field;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.core.ResolvableType;
import org.springframework.test.context.bean.override.BeanOverrideHandler;
import org.springframework.test.context.bean.override.BeanOverrideProcessor;
import org.springframework.test.context.bean.override.BeanOverrideStrategy;

/** Turns each {@link FakeBroadcasterBean} field into a bean override that makes a {@link FakeBroadcaster}. */
final class FakeBroadcasterOverrides implements BeanOverrideProcessor {

    @Override
    public BeanOverrideHandler createHandler(Annotation annotation, Class<?> testClass, Field field) {
        if (!field.getType().isAssignableFrom(FakeBroadcaster.class)) {
            throw new IllegalStateException("@FakeBroadcasterBean field " + testClass.getSimpleName() + "." + field.getName()
                    + " is of type " + field.getType().getName() + "; declare it as FakeBroadcaster");
        }
        String name = ((FakeBroadcasterBean) annotation).name();
        return new Handler(field, name.isEmpty() ? null : name);
    }

    /** Replaces the {@code Broadcaster} bean, or adds one where there is none. */
    static final class Handler extends BeanOverrideHandler {

        Handler(Field field, String beanName) {
            super(field, ResolvableType.forClass(Broadcaster.class), beanName, BeanOverrideStrategy.REPLACE_OR_CREATE);
        }

        @Override
        protected Object createOverrideInstance(String beanName, BeanDefinition existingBeanDefinition,
                Object existingBeanInstance) {
            return FakeBroadcaster.create();
        }
    }
}
