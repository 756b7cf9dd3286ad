package dev.mysqlsts.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a server's environment gets preloaded, offline: the libraries chosen, only when installed, nothing when off. */
class ServerPreloadTest {

    @Test
    void installedLibrariesArePreloadedWithTheirControlFiles(@TempDir Path dir) throws Exception {
        Path faketime = Files.createFile(dir.resolve("libfaketime.so.1"));
        Path run = Files.createFile(dir.resolve("fiu_run_preload.so"));
        Path posix = Files.createFile(dir.resolve("fiu_posix_preload.so"));
        Path layer = Files.createFile(dir.resolve("powercut.so"));
        Supplier<PowerCutLayer> built = () -> new PowerCutLayer(layer, null);
        PodDirectory pod = new PodDirectory(Files.createDirectory(dir.resolve("mysql-1")));
        Files.createDirectory(pod.data());

        Map<String, String> env = new ServerPreload("auto", faketime, run, posix, built).environment(pod);
        assertEquals(run + " " + posix + " " + faketime + " " + layer, env.get(ServerPreload.PRELOAD_VARIABLE),
                "the power-cut layer comes last: a disk fault fails a write before the layer records it");
        assertEquals(pod.data().toRealPath().toString(), env.get("MYSQLSTS_POWERCUT_ROOT"));
        assertEquals(pod.root().resolve("powercut").toString(), env.get("MYSQLSTS_POWERCUT_JOURNALS"));
        assertEquals(pod.root().resolve("fiu").toString(), env.get("FIU_CTRL_FIFO"));
        assertEquals(faketime.toString(),
                new ServerPreload("clock", faketime, run, posix, built).environment(pod).get(ServerPreload.PRELOAD_VARIABLE));
        assertEquals(run + " " + posix,
                new ServerPreload("disk", faketime, run, posix, built).environment(pod).get(ServerPreload.PRELOAD_VARIABLE));
        assertEquals(layer.toString(),
                new ServerPreload("power", faketime, run, posix, built).environment(pod).get(ServerPreload.PRELOAD_VARIABLE));
        assertEquals("1", env.get("FAKETIME_DONT_FAKE_MONOTONIC"), "the monotonic clock stays real");
        assertEquals("+0", Files.readString(Path.of(env.get("FAKETIME_TIMESTAMP_FILE"))).trim(), "no skew at first");
    }

    @Test
    void aMissingLibraryIsLeftOutAndNoneSwitchesEverythingOff(@TempDir Path dir) throws Exception {
        Path faketime = Files.createFile(dir.resolve("libfaketime.so.1"));
        Path missing = dir.resolve("absent.so");
        PodDirectory pod = new PodDirectory(dir);

        Supplier<PowerCutLayer> noCompiler = () -> new PowerCutLayer(null, "no C compiler");
        ServerPreload diskMissing = new ServerPreload("auto", missing, missing, missing, noCompiler);
        assertFalse(diskMissing.clock() || diskMissing.disk() || diskMissing.powerCutLayer().available());
        assertEquals(Map.of(), diskMissing.environment(pod));

        ServerPreload none = new ServerPreload("none", faketime, faketime, faketime, () -> new PowerCutLayer(faketime, null));
        assertFalse(none.clock() || none.disk() || none.power());
        assertEquals(Map.of(), none.environment(pod));
    }

    @Test
    void anOffsetIsWrittenAsLibfaketimeReadsIt(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("clock-offset");
        ClockControl.write(file, 30);
        assertEquals("+30", Files.readString(file).trim());
        ClockControl.write(file, -3600);
        assertEquals("-3600", Files.readString(file).trim());
    }
}
