package io.asys.uring;

/** Run in a fresh JVM by {@link IoUringSupportTest}: prints what IoUringSupport and IoUring.open say. */
public final class SupportProbeMain {
    private SupportProbeMain() {
    }

    public static void main(String[] args) throws Exception {
        System.out.println("available=" + IoUringSupport.isAvailable());
        System.out.println("cause=" + IoUringSupport.unavailabilityCause());
        try {
            IoUring.open().close();
            System.out.println("open=ok");
        } catch (UnsupportedOperationException e) {
            System.out.println("open=" + e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }
}
