/**
 * asys: asynchronous system calls for the JVM. Exports the API packages only; native access is
 * confined to {@code io.asys.internal.linux}.
 */
module io.asys {
    exports io.asys;
    exports io.asys.uring;
    exports io.asys.kaio;
    exports io.asys.nio;
}
