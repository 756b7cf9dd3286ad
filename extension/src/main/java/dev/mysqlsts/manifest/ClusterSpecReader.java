package dev.mysqlsts.manifest;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapVolumeSource;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeProjection;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** Reads the {@link ClusterSpec} out of parsed manifests: one StatefulSet, its Services and ConfigMap. */
final class ClusterSpecReader {

    private final Manifests manifests;

    private ClusterSpecReader(Manifests manifests) {
        this.manifests = manifests;
    }

    static ClusterSpec read(Manifests manifests, int replicasOverride) {
        return new ClusterSpecReader(manifests).read(replicasOverride);
    }

    private ClusterSpec read(int replicasOverride) {
        StatefulSet statefulSet = theStatefulSet();
        String name = Manifests.name(statefulSet);
        StatefulSetSpec spec = statefulSet.getSpec();
        PodTemplateSpec template = spec == null ? null : spec.getTemplate();
        if (name == null || template == null || template.getSpec() == null) {
            throw new ManifestException(manifests.where(statefulSet) + ": the StatefulSet needs metadata.name and "
                    + "spec.template.spec (its pod template). Complete it as `kubectl apply` would require.");
        }
        PodSpec pod = template.getSpec();
        Map<String, String> podLabels = podLabels(template, spec);
        String serviceName = serviceName(statefulSet, podLabels);
        Container mysql = MysqlContainer.of(pod).orElseThrow(() -> new ManifestException(
                manifests.where(statefulSet, "spec", "template", "spec") + ": StatefulSet " + name
                        + " has no containers. Add the MySQL server container (named mysql, port 3306)."));
        ConfigMap configMap = configMap(statefulSet, pod);
        ConfigKeys.Chosen keys = ConfigKeys.choose(configMap, pod, manifests.where(configMap, "data"));
        return new ClusterSpec(
                manifests.source(),
                name,
                serviceName,
                readService(serviceName, podLabels),
                replicas(statefulSet, replicasOverride),
                MysqlContainer.port(mysql),
                new ClusterSpec.ConfigFile(keys.leader(), configMap.getData().get(keys.leader())),
                new ClusterSpec.ConfigFile(keys.follower(), configMap.getData().get(keys.follower())),
                Probes.readiness(mysql.getReadinessProbe()),
                Probes.liveness(mysql.getLivenessProbe()),
                manifests.objects(),
                podManagementPolicy(statefulSet),
                ConfigInitContainer.find(pod, mysql, spec.getVolumeClaimTemplates()).orElse(null),
                PodScripts.changeMasterOptions(pod));
    }

    private String podManagementPolicy(StatefulSet statefulSet) {
        String policy = statefulSet.getSpec().getPodManagementPolicy();
        if (policy == null || policy.isBlank()) {
            return ClusterSpec.ORDERED_READY;
        }
        if (!policy.equals(ClusterSpec.ORDERED_READY) && !policy.equals(ClusterSpec.PARALLEL)) {
            throw new ManifestException(manifests.where(statefulSet, "spec", "podManagementPolicy") + ": StatefulSet "
                    + Manifests.name(statefulSet) + " has podManagementPolicy: " + policy + ", which Kubernetes "
                    + "rejects. Use OrderedReady (the default) or Parallel.");
        }
        return policy;
    }

    private StatefulSet theStatefulSet() {
        List<StatefulSet> statefulSets = manifests.ofType(StatefulSet.class);
        if (statefulSets.isEmpty()) {
            throw new ManifestException("No StatefulSet in the manifests at " + manifests.source() + ": found "
                    + manifests.summary() + ". Add the StatefulSet's YAML (kind: StatefulSet, apiVersion: apps/v1) "
                    + "there, or point the manifests location at the directory that has it.");
        }
        if (statefulSets.size() > 1) {
            String all = statefulSets.stream().map(s -> Manifests.name(s) + " (" + manifests.where(s) + ")")
                    .collect(Collectors.joining(", "));
            throw new ManifestException(statefulSets.size() + " StatefulSets in the manifests at " + manifests.source()
                    + ": " + all + ". A cluster is one StatefulSet: keep the others in another directory.");
        }
        return statefulSets.get(0);
    }

    private int replicas(StatefulSet statefulSet, int override) {
        if (override != -1) {
            return override;
        }
        Integer replicas = statefulSet.getSpec().getReplicas();
        if (replicas == null) {
            return 1;
        }
        if (replicas < 1) {
            throw new ManifestException(manifests.where(statefulSet, "spec", "replicas") + ": StatefulSet "
                    + Manifests.name(statefulSet) + " has spec.replicas: " + replicas + ", but a cluster needs at "
                    + "least 1 pod. Set spec.replicas to 1 or more, or give @MySqlStatefulSet(replicas = N).");
        }
        return replicas;
    }

    private static Map<String, String> podLabels(PodTemplateSpec template, StatefulSetSpec spec) {
        if (template.getMetadata() != null && template.getMetadata().getLabels() != null
                && !template.getMetadata().getLabels().isEmpty()) {
            return template.getMetadata().getLabels();
        }
        if (spec.getSelector() != null && spec.getSelector().getMatchLabels() != null) {
            return spec.getSelector().getMatchLabels();
        }
        return Map.of();
    }

    /** spec.serviceName, or else the one headless Service selecting the pods. */
    private String serviceName(StatefulSet statefulSet, Map<String, String> podLabels) {
        String serviceName = statefulSet.getSpec().getServiceName();
        if (serviceName != null && !serviceName.isBlank()) {
            return serviceName;
        }
        return manifests.ofType(Service.class).stream()
                .filter(s -> isHeadless(s) && selects(s, podLabels))
                .map(Manifests::name)
                .findFirst()
                .orElseThrow(() -> new ManifestException(manifests.where(statefulSet, "spec") + ": StatefulSet "
                        + Manifests.name(statefulSet) + " has no spec.serviceName and no headless Service (clusterIP: "
                        + "None) selects its pods. Set spec.serviceName to the headless Service that gives the pods "
                        + "their DNS names, and add that Service."));
    }

    private String readService(String headless, Map<String, String> podLabels) {
        List<Service> candidates = manifests.ofType(Service.class).stream()
                .filter(s -> !headless.equals(Manifests.name(s)) && selects(s, podLabels))
                .toList();
        return candidates.stream().filter(s -> !isHeadless(s)).findFirst()
                .or(() -> candidates.stream().findFirst())
                .map(Manifests::name)
                .orElse(null);
    }

    private static boolean isHeadless(Service service) {
        return service.getSpec() != null && "None".equals(service.getSpec().getClusterIP());
    }

    private static boolean selects(Service service, Map<String, String> podLabels) {
        Map<String, String> selector = service.getSpec() == null ? null : service.getSpec().getSelector();
        return selector != null && !selector.isEmpty()
                && selector.entrySet().stream().allMatch(e -> e.getValue().equals(podLabels.get(e.getKey())));
    }

    /** The ConfigMap a volume of the pod template mounts; the first one whose keys can be told apart. */
    private ConfigMap configMap(StatefulSet statefulSet, PodSpec pod) {
        List<String> referenced = new ArrayList<>();
        List<ConfigMap> found = new ArrayList<>();
        for (Volume volume : pod.getVolumes() == null ? List.<Volume>of() : pod.getVolumes()) {
            for (ConfigMapVolumeSource source : configMapSources(volume)) {
                referenced.add(source.getName());
                ConfigMap configMap = manifests.ofType(ConfigMap.class).stream()
                        .filter(c -> source.getName() != null && source.getName().equals(Manifests.name(c)))
                        .findFirst().orElse(null);
                if (configMap != null) {
                    found.add(configMap);
                } else if (!Boolean.TRUE.equals(source.getOptional())) {
                    throw missing(statefulSet, volume, source.getName());
                }
            }
        }
        if (found.isEmpty()) {
            throw new ManifestException(manifests.where(statefulSet, "spec", "template", "spec") + ": StatefulSet "
                    + Manifests.name(statefulSet) + " mounts no ConfigMap" + (referenced.isEmpty() ? ""
                    : " that the manifests have (it names " + referenced + ")") + ". The leader and follower server "
                    + "configs come from a ConfigMap volume of the pod template (volumes: - name: config-map, "
                    + "configMap: {name: mysql}); add the volume and the ConfigMap.");
        }
        if (found.size() == 1) {
            return found.get(0);
        }
        for (ConfigMap candidate : found) {
            try {
                ConfigKeys.choose(candidate, pod, manifests.where(candidate));
                return candidate;
            } catch (ManifestException notThisOne) {
                // try the next mounted ConfigMap
            }
        }
        return found.get(0);
    }

    private static List<ConfigMapVolumeSource> configMapSources(Volume volume) {
        List<ConfigMapVolumeSource> sources = new ArrayList<>();
        if (volume.getConfigMap() != null) {
            sources.add(volume.getConfigMap());
        }
        if (volume.getProjected() != null && volume.getProjected().getSources() != null) {
            for (VolumeProjection projection : volume.getProjected().getSources()) {
                if (projection.getConfigMap() != null) {
                    ConfigMapVolumeSource source = new ConfigMapVolumeSource();
                    source.setName(projection.getConfigMap().getName());
                    source.setOptional(projection.getConfigMap().getOptional());
                    sources.add(source);
                }
            }
        }
        return sources;
    }

    private ManifestException missing(StatefulSet statefulSet, Volume volume, String configMapName) {
        List<ConfigMap> present = manifests.ofType(ConfigMap.class);
        String others = present.isEmpty() ? "it has no ConfigMap at all"
                : "its ConfigMaps are " + present.stream().map(c -> Manifests.name(c) + " (" + manifests.where(c) + ")")
                        .collect(Collectors.joining(", "));
        return new ManifestException(manifests.where(statefulSet) + ": StatefulSet " + Manifests.name(statefulSet)
                + " mounts ConfigMap " + configMapName + " (volume " + volume.getName() + "), but the manifests at "
                + manifests.source() + " do not define it: " + others + ". Add a ConfigMap named " + configMapName
                + " with the leader and follower configs, or correct the volume's configMap.name.");
    }
}
