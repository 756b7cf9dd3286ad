package dev.mysqlsts.local;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A pod's undo journals, written by the power-cut layer in its server ({@code powercut.c}: a journal per file,
 * named {@code <pid>-<st_dev>-<st_ino>}, holding the file's size when it was last fsynced and the bytes each later
 * write replaced), and what becomes of them before the pod's next start: a server that was cut ({@link #cut}) loses
 * what those journals take back; any other end (a crash, a kill, a stop) keeps every write, as the page cache does.
 */
final class PowerCutJournals {

    private static final String CUT = "cut-";

    private PowerCutJournals() {
    }

    /** The pod's journal directory, made if absent. */
    static Path directory(PodDirectory pod) {
        Path dir = location(pod);
        try {
            return Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("could not create " + dir, e);
        }
    }

    /** Marks server {@code pid} as cut: what it did not fsync is taken back before the pod's next start. */
    static void cut(PodDirectory pod, long pid) {
        try {
            Files.writeString(directory(pod).resolve(CUT + pid), "");
        } catch (IOException e) {
            throw new UncheckedIOException("could not mark " + pod.root() + "'s server " + pid + " as cut", e);
        }
    }

    /**
     * Before a server starts on the pod's volume: takes back the unsynced writes of a server that was cut and clears
     * every journal. Returns what was taken back, for the log, when there was a cut.
     */
    static Optional<String> settle(PodDirectory pod) {
        Path dir = location(pod);
        if (!Files.isDirectory(dir)) {
            return Optional.empty();
        }
        try {
            List<Path> entries;
            try (Stream<Path> list = Files.list(dir)) {
                entries = list.sorted().toList();
            }
            Set<String> cutPids = entries.stream().map(p -> p.getFileName().toString()).filter(n -> n.startsWith(CUT))
                    .map(n -> n.substring(CUT.length())).collect(Collectors.toSet());
            List<String> takenBack = new ArrayList<>();
            if (!cutPids.isEmpty()) {
                Map<String, Path> byInode = inodes(pod.data());
                for (Path journal : entries) {
                    String[] name = journal.getFileName().toString().split("-");
                    if (name.length == 3 && cutPids.contains(name[0])) {
                        Path file = byInode.get(name[1] + "-" + name[2]);
                        if (file != null) { // else the file was deleted after its last write: deletions are kept
                            takenBack.add(undo(journal, file, pod.data()));
                        }
                    }
                }
            }
            for (Path entry : entries) {
                Files.deleteIfExists(entry);
            }
            return cutPids.isEmpty() ? Optional.empty() : Optional.of(takenBack.isEmpty()
                    ? "every write had been fsynced; nothing taken back" : String.join(", ", new TreeSet<>(takenBack)));
        } catch (IOException e) {
            throw new UncheckedIOException("could not apply the power cut's journals in " + dir, e);
        }
    }

    /** Drops every journal and cut mark unapplied: the volume they describe is gone. */
    static void discard(PodDirectory pod) {
        Directories.deleteRecursively(location(pod));
    }

    private static Path location(PodDirectory pod) {
        return pod.root().resolve("powercut");
    }

    /** Every regular file of the volume by {@code <st_dev>-<st_ino>}, as the layer names its journals. */
    private static Map<String, Path> inodes(Path data) throws IOException {
        Map<String, Path> byInode = new HashMap<>();
        try (Stream<Path> files = Files.walk(data)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                Map<String, Object> attributes = Files.readAttributes(file, "unix:dev,ino");
                byInode.put(Long.toUnsignedString((Long) attributes.get("dev")) + "-"
                        + Long.toUnsignedString((Long) attributes.get("ino")), file);
            }
        }
        return byInode;
    }

    /** Applies one journal backwards to {@code file}, then cuts it to its last fsynced size; says what it did. */
    private static String undo(Path journal, Path file, Path data) throws IOException {
        ByteBuffer records = ByteBuffer.wrap(Files.readAllBytes(journal)).order(ByteOrder.nativeOrder());
        long durableSize = -1;
        List<long[]> writes = new ArrayList<>(); // offset, length, position of the old bytes in the journal
        while (records.remaining() > 0) {
            byte kind = records.get();
            if (kind == 'S' && records.remaining() >= 8) {
                durableSize = records.getLong();
            } else if (kind == 'W' && records.remaining() >= 16) {
                long offset = records.getLong();
                long length = records.getLong();
                if (records.remaining() < length) {
                    break; // the server was cut while writing this record: the write it announces never began
                }
                writes.add(new long[] {offset, length, records.position()});
                records.position(records.position() + (int) length);
            } else {
                break;
            }
        }
        try (RandomAccessFile out = new RandomAccessFile(file.toFile(), "rw")) {
            long sizeAtCut = out.length();
            for (int i = writes.size() - 1; i >= 0; i--) {
                long[] write = writes.get(i);
                out.seek(write[0]);
                out.write(records.array(), (int) write[2], (int) write[1]);
            }
            if (durableSize >= 0 && out.length() > durableSize) {
                out.setLength(durableSize);
            }
            long dropped = Math.max(0, sizeAtCut - Math.max(durableSize, 0));
            return data.relativize(file) + " (" + (durableSize < 0 ? "" : dropped + " bytes past its last fsync, ")
                    + writes.size() + " overwrites)";
        }
    }
}
