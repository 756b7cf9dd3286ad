package dev.mysqlsts.k3s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mysqlsts.backend.PodEndpoint;
import dev.mysqlsts.manifest.ClusterSpec;
import dev.mysqlsts.manifest.ManifestLoader;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Which pod a connection to an endpoint reaches. A stand-in for the port-forward answers each connection
 * with the name of the pod it was relayed to.
 */
@EnableKubernetesMockClient(crud = true)
class EndpointsTest {

    KubernetesMockServer server;
    KubernetesClient client;

    @TempDir
    Path diagnostics;

    private final ClusterSpec spec = ManifestLoader.load("", 3);

    /** Answers with the pod's name and closes, like a server greeting the client. */
    private static final PodPortRelay NAMING_POD = (pod, port, socket) -> {
        socket.write(ByteBuffer.wrap((pod + ":" + port).getBytes(StandardCharsets.UTF_8)));
        socket.close();
        return socket;
    };

    @Test
    void eachOrdinalHasALoopbackEndpointThatReachesThePodOfThatName() throws IOException {
        try (K3sStatefulSet running = cluster("mysqlsts-endpoints")) {
            for (int n = 0; n < 3; n++) {
                PodEndpoint endpoint = running.endpoint(n);
                assertEquals("127.0.0.1", endpoint.host());
                assertEquals("mysql-" + n + ":3306", answer(endpoint));
                assertEquals("mysql-" + n + ":3306", answer(endpoint), "the same pod name on every connection");
                assertTrue(endpoint.jdbcUrl().startsWith("jdbc:mysql://127.0.0.1:" + endpoint.port() + "/?user=root"));
            }
        }
    }

    @Test
    void theWriterEndpointIsAStableListenerOfItsOwnThatReachesTheLeaderOrdinalZero() throws IOException {
        try (K3sStatefulSet running = cluster("mysqlsts-writer")) {
            PodEndpoint writer = running.writerEndpoint();

            assertEquals("127.0.0.1", writer.host());
            assertTrue(writer.port() != running.endpoint(0).port(), "a listener of its own, not mysql-0's");
            assertEquals("mysql-0:3306", answer(writer));
            assertEquals(writer.port(), running.writerEndpoint().port(), "the same address on every call");
            assertEquals(running.readEndpoint().port(), running.readServiceEndpoint().port());
        }
    }

    @Test
    void followersReplicateFromTheLeadersStableDnsName() {
        try (K3sStatefulSet running = cluster("mysqlsts-dns")) {
            PodEndpoint source = running.replicationAddress(2, 0);

            assertEquals("mysql-0.mysql", source.host(), "the headless Service's name for ordinal 0");
            assertEquals(3306, source.port());
        }
    }

    @Test
    void readEndpointSpreadsConnectionsOverTheReadServicesReadyEndpointsOnly() throws IOException {
        String ns = "mysqlsts-read";
        try (K3sStatefulSet running = cluster(ns)) {
            client.discovery().v1().endpointSlices().inNamespace(ns).resource(new EndpointSliceBuilder()
                    .withNewMetadata().withName("mysql-read-x1").addToLabels("kubernetes.io/service-name", "mysql-read")
                    .endMetadata()
                    .withAddressType("IPv4")
                    .withEndpoints(endpoint("mysql-0", false), endpoint("mysql-1", true), endpoint("mysql-2", true))
                    .build()).create();

            PodEndpoint read = running.readEndpoint();
            List<String> reached = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                reached.add(answer(read));
            }

            assertEquals("mysql-read", read.name());
            assertEquals("127.0.0.1", read.host());
            assertEquals(List.of("mysql-1", "mysql-2"), running.readServicePods());
            assertEquals(new TreeSet<>(List.of("mysql-1:3306", "mysql-2:3306")), new TreeSet<>(reached),
                    "mysql-0 is not Ready, so the Service does not send it connections; both others get some");
        }
    }

    private K3sStatefulSet cluster(String ns) {
        return new K3sStatefulSet("mysql#endpoints", spec, client, ns, Map.of("app", "mysql"),
                MockCluster.settings(MockCluster.PATIENCE, diagnostics), NAMING_POD);
    }

    private static io.fabric8.kubernetes.api.model.discovery.v1.Endpoint endpoint(String pod, boolean ready) {
        return new EndpointBuilder().withAddresses("10.42.0." + pod.charAt(pod.length() - 1))
                .withNewConditions().withReady(ready).endConditions()
                .withNewTargetRef().withKind("Pod").withName(pod).endTargetRef()
                .build();
    }

    private static String answer(PodEndpoint endpoint) throws IOException {
        try (Socket socket = new Socket(endpoint.host(), endpoint.port()); InputStream in = socket.getInputStream()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
