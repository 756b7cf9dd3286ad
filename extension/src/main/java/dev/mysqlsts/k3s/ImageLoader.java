package dev.mysqlsts.k3s;

import java.util.Collection;

/** Makes images available to the cluster's container runtime before the pods need them. */
@FunctionalInterface
interface ImageLoader {

    /** Lets the cluster pull every image itself (an existing cluster, or no Docker images to share). */
    ImageLoader PULL = images -> { };

    /** Best effort: an image that cannot be loaded is left for the cluster to pull. */
    void load(Collection<String> images);
}
