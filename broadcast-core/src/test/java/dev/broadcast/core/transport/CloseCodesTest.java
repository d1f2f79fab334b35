package dev.broadcast.core.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CloseCodesTest {

    @Test
    void everyCodeConstantIsListedWithItsOwnName() throws IllegalAccessException {
        List<Integer> constants = new ArrayList<>();
        for (Field field : CloseCodes.class.getFields()) {
            if (Modifier.isStatic(field.getModifiers()) && field.getType() == int.class) {
                constants.add(field.getInt(null));
            }
        }
        constants.sort(null);
        assertEquals(constants, CloseCodes.all());
        assertEquals(constants.size(), CloseCodes.all().stream().map(CloseCodes::name).distinct()
                .filter(name -> !name.equals("unknown")).count());
    }

    @Test
    void namesAreShortAndLowerCase() {
        assertEquals("slow-consumer", CloseCodes.name(CloseCodes.SLOW_CONSUMER));
        assertEquals("message-too-big", CloseCodes.name(1009));
        assertEquals("unknown", CloseCodes.name(1000));
    }
}
