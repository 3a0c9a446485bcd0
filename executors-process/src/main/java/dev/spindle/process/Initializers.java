package dev.spindle.process;

import dev.spindle.Task;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Modifier;

/**
 * The {@code initializer} key: a class with a public no-argument constructor that implements {@link Runnable} or
 * {@link Task}, instantiated and run once in each worker before its first task (Python's
 * {@code Pool(initializer=...)}). Stateless.
 */
final class Initializers {

    private Initializers() {
    }

    /**
     * Checks, in the parent when the executor is built, that {@code className} names a usable initializer.
     *
     * @param executorName for the message
     * @param className the key's value, not empty
     * @throws IllegalArgumentException saying what is wrong and what to write instead
     */
    static void check(String executorName, String className) {
        String problem;
        try {
            problem = problem(load(className));
        } catch (ClassNotFoundException | LinkageError e) {
            problem = "no such class on the class path (" + e + ")";
        }
        if (problem != null) {
            throw new IllegalArgumentException("executor '" + executorName + "': the 'initializer' '" + className
                    + "' cannot be used: " + problem + ". Expected the name of a public class with a public "
                    + "no-argument constructor that implements Runnable or dev.spindle.Task, on the class path");
        }
    }

    /**
     * Instantiates and runs the initializer, in a worker.
     *
     * @param className the class
     * @throws Exception what the initializer threw
     */
    static void run(String className) throws Exception {
        Class<?> c = load(className);
        String problem = problem(c);
        if (problem != null) {
            throw new IllegalArgumentException("initializer " + className + ": " + problem);
        }
        Object init;
        try {
            init = c.getConstructor().newInstance();
        } catch (InvocationTargetException e) {
            throw e.getCause() instanceof Exception x ? x : e;
        }
        if (init instanceof Task<?> t) {
            t.call();
        } else {
            ((Runnable) init).run();
        }
    }

    private static Class<?> load(String className) throws ClassNotFoundException {
        ClassLoader context = Thread.currentThread().getContextClassLoader();
        return Class.forName(className, false, context != null ? context : Initializers.class.getClassLoader());
    }

    private static String problem(Class<?> c) {
        if (!Runnable.class.isAssignableFrom(c) && !Task.class.isAssignableFrom(c)) {
            return "it implements neither Runnable nor dev.spindle.Task";
        }
        if (!Modifier.isPublic(c.getModifiers()) || Modifier.isAbstract(c.getModifiers())) {
            return "it is not a public concrete class";
        }
        try {
            Constructor<?> k = c.getConstructor();
            return Modifier.isPublic(k.getModifiers()) ? null : "its no-argument constructor is not public";
        } catch (NoSuchMethodException e) {
            return "it has no public no-argument constructor";
        }
    }
}
