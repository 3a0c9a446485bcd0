package dev.spindle.process;

import java.io.NotSerializableException;
import java.io.Serializable;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;

/**
 * Explains a {@link NotSerializableException}: finds, by reflection over the task's non-transient fields, the path to
 * the first object that is not serializable, e.g. {@code field arg$1 (a java.lang.Thread)}. Fields it may not open
 * (JDK internals) are skipped; the exception's own class name is the fallback.
 */
final class NonSerializablePath {

    private static final int MAX_OBJECTS = 10_000;

    private NonSerializablePath() {
    }

    private record Step(Object value, String path) {
    }

    static String describe(Object root, NotSerializableException e) {
        if (!(root instanceof Serializable)) {
            return "the task itself is not Serializable (" + root.getClass().getName() + ")";
        }
        String path = find(root);
        return path != null ? "it holds a non-serializable value at " + path
                : "it references a non-serializable " + e.getMessage();
    }

    private static String find(Object root) {
        Set<Object> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        ArrayDeque<Step> todo = new ArrayDeque<>();
        todo.add(new Step(root, "task"));
        while (!todo.isEmpty() && seen.size() < MAX_OBJECTS) {
            Step s = todo.poll();
            if (!seen.add(s.value())) {
                continue;
            }
            Class<?> c = s.value().getClass();
            if (c.getModule() == Object.class.getModule()) {
                continue; // JDK classes serialize or not on their own terms; their fields are closed to us
            }
            for (Class<?> k = c; k != null && k != Object.class; k = k.getSuperclass()) {
                for (Field f : k.getDeclaredFields()) {
                    int m = f.getModifiers();
                    if (Modifier.isStatic(m) || Modifier.isTransient(m) || f.getType().isPrimitive()) {
                        continue;
                    }
                    Object v;
                    try {
                        f.setAccessible(true);
                        v = f.get(s.value());
                    } catch (RuntimeException | IllegalAccessException ex) {
                        continue;
                    }
                    if (v == null) {
                        continue;
                    }
                    String path = s.path() + "." + f.getName();
                    if (!(v instanceof Serializable)) {
                        return path + " (a " + v.getClass().getName() + ")";
                    }
                    todo.add(new Step(v, path));
                }
            }
        }
        return null;
    }
}
