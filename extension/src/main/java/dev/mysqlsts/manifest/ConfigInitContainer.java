package dev.mysqlsts.manifest;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Finds the init container that writes the server's config: the first one that mounts an emptyDir volume the server
 * container mounts too (the seed's {@code conf}, the server's {@code /etc/mysql/conf.d}) and no volume claim (the
 * clone container mounts the data volume: it fills the data directory, not the config).
 */
final class ConfigInitContainer {

    private ConfigInitContainer() {}

    static Optional<ClusterSpec.ConfigInit> find(PodSpec pod, Container server, List<PersistentVolumeClaim> claims) {
        List<Volume> volumes = pod.getVolumes() == null ? List.of() : pod.getVolumes();
        Set<String> emptyDirs = volumes.stream().filter(v -> v.getEmptyDir() != null).map(Volume::getName)
                .collect(Collectors.toSet());
        Set<String> claimNames = (claims == null ? List.<PersistentVolumeClaim>of() : claims).stream()
                .filter(c -> c.getMetadata() != null).map(c -> c.getMetadata().getName()).collect(Collectors.toSet());
        Set<String> sharedWithServer = mounts(server).stream().map(VolumeMount::getName).filter(emptyDirs::contains)
                .collect(Collectors.toSet());
        for (Container init : pod.getInitContainers() == null ? List.<Container>of() : pod.getInitContainers()) {
            List<String> mounted = mounts(init).stream().map(VolumeMount::getName).toList();
            if (mounted.stream().noneMatch(claimNames::contains)) {
                Optional<String> conf = mounted.stream().filter(sharedWithServer::contains).findFirst();
                if (conf.isPresent()) {
                    return Optional.of(new ClusterSpec.ConfigInit(init, volumes, conf.get()));
                }
            }
        }
        return Optional.empty();
    }

    private static List<VolumeMount> mounts(Container container) {
        return container.getVolumeMounts() == null ? List.of() : container.getVolumeMounts();
    }
}
