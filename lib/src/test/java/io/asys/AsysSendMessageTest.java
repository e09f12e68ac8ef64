package io.asys;

import org.junit.jupiter.api.Test;

import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static io.asys.TypedApiTestSupport.*;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Messages between two asys instances (MSG_RING between io_uring engines, direct hand-over otherwise). */
class AsysSendMessageTest {
    @Test
    void aMessageReachesTheTargetsListenerOnceAndInOrder() throws Exception {
        try (Asys sender = Asys.open(); Asys target = Asys.open()) {
            LinkedBlockingQueue<Integer> got = new LinkedBlockingQueue<>();
            target.onMessage(got::add);
            for (int i = 0; i < 100; i++) {
                assertEquals(0, get(sender.sendMessage(target, i)));
            }
            for (int i = 0; i < 100; i++) {
                assertEquals(i, got.poll(5, TimeUnit.SECONDS));
            }
            assertEquals(null, got.poll(100, TimeUnit.MILLISECONDS), "each message once");
        }
    }

    @Test
    void aMessageCrossesEngines() throws Exception {
        try (Asys sender = Asys.open(); Asys target = Asys.open("workers")) {
            LinkedBlockingQueue<Integer> got = new LinkedBlockingQueue<>();
            target.onMessage(got::add);
            assertEquals(0, get(sender.sendMessage(target, 7)));
            assertEquals(7, got.poll(5, TimeUnit.SECONDS));
            assertEquals(0, get(target.sendMessage(sender, 8)));
        }
    }

    @Test
    void aMessageToAClosedTargetFailsWithEbadf() throws Exception {
        try (Asys sender = Asys.open()) {
            Asys target = Asys.open();
            target.close();
            errno(sender.sendMessage(target, 1), Errno.EBADF);
        }
    }
}
