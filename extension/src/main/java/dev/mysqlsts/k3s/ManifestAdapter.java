package dev.mysqlsts.k3s;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimSpec;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Turns the manifests' objects into the copies applied to a test cluster, and says in one line per change
 * what it changed and why. The originals (and the YAML on disk) are never modified.
 *
 * <ul>
 *   <li>every namespaced object goes to the cluster's own namespace; cluster-scoped objects (a Namespace,
 *       a StorageClass) are left out, since they would outlive the test and clash between clusters;</li>
 *   <li>the StatefulSet gets the replicas of the spec (the annotation's override);</li>
 *   <li>a {@code storageClassName} the cluster does not have becomes the cluster's default class;</li>
 *   <li>cpu and memory requests of every container and init container are multiplied by the factor, so a
 *       production-sized StatefulSet fits a CI runner (limits are kept);</li>
 *   <li>images are replaced as {@link ImageOverrides} says.</li>
 * </ul>
 */
final class ManifestAdapter {

    private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

    /**
     * What the target cluster is like.
     *
     * @param namespace       the cluster's namespace
     * @param statefulSetName the StatefulSet whose replicas are set
     * @param replicas        its number of pods
     * @param storageClasses  the names of the cluster's StorageClasses
     * @param defaultClass    the cluster's default StorageClass, or null
     * @param requestsFactor  the factor for cpu and memory requests
     * @param images          the image overrides
     */
    record Target(String namespace, String statefulSetName, int replicas, Set<String> storageClasses,
                  String defaultClass, double requestsFactor, ImageOverrides images) {
        Target {
            Objects.requireNonNull(namespace, "namespace");
            Objects.requireNonNull(statefulSetName, "statefulSetName");
            storageClasses = Set.copyOf(storageClasses);
        }
    }

    /**
     * The copies to apply, in the manifests' order, and the changes made.
     *
     * @param objects the adapted copies
     * @param changes one human-readable line per change
     */
    record Adapted(List<HasMetadata> objects, List<String> changes) {
        Adapted {
            objects = List.copyOf(objects);
            changes = List.copyOf(changes);
        }
    }

    private final Target target;
    private final List<String> changes = new ArrayList<>();

    private ManifestAdapter(Target target) {
        this.target = target;
    }

    static Adapted adapt(List<HasMetadata> originals, Target target) {
        return new ManifestAdapter(target).run(originals);
    }

    private Adapted run(List<HasMetadata> originals) {
        List<HasMetadata> result = new ArrayList<>();
        for (HasMetadata original : originals) {
            String id = id(original);
            if (!isNamespaced(original)) {
                changes.add(id + ": left out (cluster-scoped; a test cluster only gets namespaced objects)");
                continue;
            }
            HasMetadata copy = SERIALIZATION.clone(original);
            String declared = copy.getMetadata().getNamespace();
            if (declared != null && !declared.equals(target.namespace())) {
                changes.add(id + ": namespace " + declared + " -> " + target.namespace());
            }
            copy.getMetadata().setNamespace(target.namespace());
            copy.getMetadata().setResourceVersion(null);
            copy.getMetadata().setUid(null);
            adaptKind(copy, id);
            result.add(copy);
        }
        changes.add(0, "namespace " + target.namespace() + " for all " + result.size() + " objects");
        return new Adapted(result, changes);
    }

    private void adaptKind(HasMetadata object, String id) {
        if (object instanceof StatefulSet sts) {
            if (target.statefulSetName().equals(sts.getMetadata().getName())) {
                Integer declared = sts.getSpec().getReplicas();
                if (!Objects.equals(declared, target.replicas())) {
                    changes.add(id + ": replicas " + (declared == null ? "(unset)" : declared) + " -> "
                            + target.replicas());
                }
                sts.getSpec().setReplicas(target.replicas());
            }
            if (sts.getSpec().getVolumeClaimTemplates() != null) {
                for (PersistentVolumeClaim claim : sts.getSpec().getVolumeClaimTemplates()) {
                    adaptClaim(claim.getSpec(), id + " volumeClaimTemplate " + claim.getMetadata().getName());
                }
            }
            adaptTemplate(sts.getSpec().getTemplate(), id);
        } else if (object instanceof Deployment deployment) {
            adaptTemplate(deployment.getSpec().getTemplate(), id);
        } else if (object instanceof Pod pod) {
            adaptPodSpec(pod.getSpec(), id);
        } else if (object instanceof PersistentVolumeClaim claim) {
            adaptClaim(claim.getSpec(), id);
        }
    }

    private void adaptClaim(PersistentVolumeClaimSpec spec, String where) {
        if (spec == null || spec.getStorageClassName() == null || spec.getStorageClassName().isEmpty()) {
            return; // no class: the cluster's default provisions it anyway
        }
        String wanted = spec.getStorageClassName();
        if (target.storageClasses().contains(wanted)) {
            return;
        }
        if (target.defaultClass() == null) {
            changes.add(where + ": storageClassName " + wanted
                    + " kept although the cluster has no such class and no default class; the claim will stay Pending");
            return;
        }
        spec.setStorageClassName(target.defaultClass());
        changes.add(where + ": storageClassName " + wanted + " -> " + target.defaultClass()
                + " (the cluster has no class " + wanted + "; " + target.defaultClass() + " is its default)");
    }

    private void adaptTemplate(PodTemplateSpec template, String id) {
        if (template != null) {
            adaptPodSpec(template.getSpec(), id);
        }
    }

    private void adaptPodSpec(PodSpec spec, String id) {
        if (spec == null) {
            return;
        }
        Stream.concat(list(spec.getInitContainers()).stream().map(c -> Map.entry("init container ", c)),
                        list(spec.getContainers()).stream().map(c -> Map.entry("container ", c)))
                .forEach(e -> adaptContainer(e.getValue(), id + " " + e.getKey() + e.getValue().getName()));
    }

    private void adaptContainer(Container container, String where) {
        target.images().replacementFor(container.getImage()).ifPresent(replacement -> {
            changes.add(where + ": image " + container.getImage() + " -> " + replacement + " ("
                    + target.images().reason(container.getImage()) + ")");
            container.setImage(replacement);
        });
        ResourceRequirements resources = container.getResources();
        if (target.requestsFactor() == 1.0 || resources == null || resources.getRequests() == null) {
            return;
        }
        Map<String, Quantity> requests = new LinkedHashMap<>(resources.getRequests());
        List<String> scaled = new ArrayList<>();
        for (String name : List.of("cpu", "memory")) {
            Quantity before = requests.get(name);
            if (before == null) {
                continue;
            }
            Quantity after = name.equals("cpu") ? scaleCpu(before) : scaleMemory(before);
            requests.put(name, after);
            scaled.add(name + " " + before + " -> " + after);
        }
        if (!scaled.isEmpty()) {
            resources.setRequests(requests);
            changes.add(where + ": requests " + String.join(", ", scaled) + " (" + K3sSettings.REQUESTS_FACTOR
                    + "=" + target.requestsFactor() + ")");
        }
    }

    /** cpu in whole millicores, rounded up, at least 1m. */
    private Quantity scaleCpu(Quantity cpu) {
        BigDecimal millis = Quantity.getAmountInBytes(cpu).multiply(BigDecimal.valueOf(1000))
                .multiply(BigDecimal.valueOf(target.requestsFactor())).setScale(0, RoundingMode.CEILING);
        return new Quantity(millis.max(BigDecimal.ONE).toPlainString() + "m");
    }

    /** memory in whole mebibytes, rounded up, at least 1Mi. */
    private Quantity scaleMemory(Quantity memory) {
        BigDecimal mebibytes = Quantity.getAmountInBytes(memory)
                .multiply(BigDecimal.valueOf(target.requestsFactor()))
                .divide(BigDecimal.valueOf(1024L * 1024L), 0, RoundingMode.CEILING);
        return new Quantity(mebibytes.max(BigDecimal.ONE).toPlainString() + "Mi");
    }

    private static boolean isNamespaced(HasMetadata object) {
        return object instanceof Namespaced || object instanceof GenericKubernetesResource;
    }

    static String id(HasMetadata object) {
        return object.getKind() + "/" + object.getMetadata().getName();
    }

    private static <T> List<T> list(List<T> list) {
        return list == null ? List.of() : list;
    }
}
