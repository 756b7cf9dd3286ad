package dev.mysqlsts.local;

import dev.mysqlsts.backend.PodEndpoint;
import dev.mysqlsts.backend.RunningStatefulSet;

/** For the client-path benchmark: the URL of a LOCAL pod's server port itself, bypassing every proxy. */
public final class ClientPathUrls {

    private ClientPathUrls() {
    }

    /** The server's own port of the pod: what the test JVM would use with no proxy in between. */
    public static String direct(RunningStatefulSet cluster, int ordinal) {
        PodEndpoint server = ((LocalStatefulSet) cluster).pod(ordinal).serverEndpoint();
        return "jdbc:mysql://" + server.host() + ":" + server.port() + "/?user=root&password=&useSSL=false"
                + "&allowPublicKeyRetrieval=true";
    }
}
