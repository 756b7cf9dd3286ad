package dev.mysqlsts.manifest;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The programs each image we name has (src/test/resources/image-programs/*.txt, each file naming the image in a
 * {@code # image:} line and the Dockerfile it was read from), and the check of a StatefulSet's containers against
 * them: every program their scripts and exec probes run must be in their image.
 */
final class ImagePrograms {

    private static final Set<String> SHELLS = Set.of("bash", "sh", "/bin/bash", "/bin/sh");

    private final Map<String, Set<String>> byImage = new HashMap<>();

    private ImagePrograms() {}

    static ImagePrograms load() {
        ImagePrograms programs = new ImagePrograms();
        try (Stream<Path> files = Files.list(Path.of(ImagePrograms.class.getResource("/image-programs").toURI()))) {
            for (Path file : files.sorted().toList()) {
                String image = null;
                Set<String> names = new LinkedHashSet<>();
                for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                    if (line.startsWith("# image:")) {
                        image = line.substring("# image:".length()).strip();
                    } else if (!line.isBlank() && !line.startsWith("#")) {
                        names.add(line.strip());
                    }
                }
                if (image == null) {
                    throw new IllegalStateException(file + " names no image in a '# image:' line");
                }
                programs.byImage.put(image, names);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
        return programs;
    }

    /** One line per program a container runs that its image lacks: {@code init-mysql (mysql:5.7) runs hostname}. */
    List<String> missing(StatefulSet statefulSet) {
        PodSpec pod = statefulSet.getSpec().getTemplate().getSpec();
        List<Container> containers = new ArrayList<>();
        if (pod.getInitContainers() != null) {
            containers.addAll(pod.getInitContainers());
        }
        containers.addAll(pod.getContainers());
        List<String> problems = new ArrayList<>();
        for (Container container : containers) {
            List<String> run = programsRun(container);
            if (run.isEmpty()) {
                continue;
            }
            Set<String> available = byImage.get(container.getImage());
            if (available == null) {
                problems.add(container.getName() + " (" + container.getImage() + ") runs " + run
                        + " but no image-programs file lists that image's programs");
                continue;
            }
            run.stream().distinct().filter(program -> !available.contains(program))
                    .forEach(program -> problems.add(container.getName() + " (" + container.getImage() + ") runs "
                            + program + ", which the image does not have"));
        }
        return problems;
    }

    /** The programs of the container's command (a shell's script, word by word) and of its exec probes. */
    static List<String> programsRun(Container container) {
        List<String> run = new ArrayList<>(commandPrograms(join(container.getCommand(), container.getArgs())));
        for (Probe probe : new Probe[] {container.getLivenessProbe(), container.getReadinessProbe(),
                container.getStartupProbe()}) {
            if (probe != null && probe.getExec() != null) {
                run.addAll(commandPrograms(probe.getExec().getCommand()));
            }
        }
        return run;
    }

    private static List<String> commandPrograms(List<String> command) {
        if (command.isEmpty()) {
            return List.of();
        }
        List<String> run = new ArrayList<>(List.of(command.get(0)));
        int script = command.indexOf("-c") + 1;
        if (SHELLS.contains(command.get(0)) && script > 0 && script < command.size()) {
            run.addAll(ShellCommands.programs(command.get(script)));
        }
        return run;
    }

    private static List<String> join(List<String> command, List<String> args) {
        List<String> all = new ArrayList<>();
        if (command != null) {
            all.addAll(command);
        }
        if (args != null) {
            all.addAll(args);
        }
        return all;
    }
}
