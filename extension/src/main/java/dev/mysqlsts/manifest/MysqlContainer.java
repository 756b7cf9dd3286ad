package dev.mysqlsts.manifest;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.PodSpec;
import java.util.List;
import java.util.Optional;

/** Finds the MySQL server container of a pod template and its port. */
final class MysqlContainer {

    static final int DEFAULT_PORT = 3306;

    private MysqlContainer() {}

    /** The container named {@code mysql}, else the first with port 3306, else the first one. */
    static Optional<Container> of(PodSpec pod) {
        List<Container> containers = pod.getContainers() == null ? List.of() : pod.getContainers();
        return containers.stream().filter(c -> "mysql".equals(c.getName())).findFirst()
                .or(() -> containers.stream().filter(c -> ports(c).stream()
                        .anyMatch(p -> Integer.valueOf(DEFAULT_PORT).equals(p.getContainerPort()))).findFirst())
                .or(() -> containers.stream().findFirst());
    }

    /** The port named {@code mysql}, else 3306 if declared, else the first port, else 3306. */
    static int port(Container container) {
        List<ContainerPort> ports = ports(container);
        return ports.stream().filter(p -> "mysql".equals(p.getName()) && p.getContainerPort() != null).findFirst()
                .or(() -> ports.stream().filter(p -> Integer.valueOf(DEFAULT_PORT).equals(p.getContainerPort())).findFirst())
                .or(() -> ports.stream().filter(p -> p.getContainerPort() != null).findFirst())
                .map(ContainerPort::getContainerPort)
                .orElse(DEFAULT_PORT);
    }

    private static List<ContainerPort> ports(Container container) {
        return container.getPorts() == null ? List.of() : container.getPorts();
    }
}
