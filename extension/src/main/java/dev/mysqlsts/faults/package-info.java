/**
 * The fault API of every backend ({@link dev.mysqlsts.faults.FaultsController}, the facade), the faults in force
 * and their history, the heal and the promotion's casualties.
 *
 * <p>The packages depend one way (checked with a grep of imports and fully qualified names):
 * <pre>
 * junit   -&gt; chaos, cluster, local, k3s, backend, manifest, statements
 * chaos   -&gt; cluster, faults, backend, statements
 * cluster -&gt; faults, backend, replication, manifest, statements
 * statements (the recording of the test's statements) -&gt; Connector/J only
 * faults  -&gt; backend, replication
 * local, k3s -&gt; backend, replication, manifest (the backends know neither cluster, faults nor chaos)
 * backend -&gt; manifest;  replication -&gt; backend
 * </pre>
 * This package reaches the cluster through {@link dev.mysqlsts.faults.FaultTarget} (who leads, the catch-up wait)
 * and the chaos side through {@link dev.mysqlsts.faults.ScheduleRunner}, which the cluster wires from its
 * {@code ChaosHooks}, which the JUnit extension gives it ({@code ExperimentHooks} of {@code dev.mysqlsts.chaos}).
 */
package dev.mysqlsts.faults;
