package egov.opensearch;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import org.opensearch.analysis.common.CommonAnalysisPlugin;
import org.opensearch.common.settings.Settings;
import org.opensearch.env.Environment;
import org.opensearch.node.InternalSettingsPreparer;
import org.opensearch.node.Node;
import org.opensearch.painless.PainlessPlugin;
import org.opensearch.transport.Netty4Plugin;

/**
 * One OpenSearch node with the netty4 transport, analysis-common and Painless loaded from the
 * class path, the way OpenSearch's own MockNode loads test plugins: no distribution, no plugin
 * folder. Settings come as {@code key=value} arguments; the node runs until the JVM is told
 * to stop (SIGTERM), and then closes cleanly.
 */
public final class ClusterNode extends Node {

    private ClusterNode(Environment environment) {
        super(environment, List.of(Netty4Plugin.class, CommonAnalysisPlugin.class, PainlessPlugin.class), true);
    }

    public static void main(String[] args) throws Exception {
        Settings.Builder builder = Settings.builder();
        for (String arg : args) {
            int equals = arg.indexOf('=');
            if (equals < 1) {
                throw new IllegalArgumentException("expected key=value, got " + arg);
            }
            builder.put(arg.substring(0, equals), arg.substring(equals + 1));
        }
        Settings settings = builder.build();
        Environment environment = InternalSettingsPreparer.prepareEnvironment(
            settings, Map.of(), null, () -> settings.get("node.name"));
        Node node = new ClusterNode(environment);
        // the node's own threads are daemons: this thread keeps the JVM up until the hook runs
        CountDownLatch closed = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                node.close();
            } catch (IOException e) {
                e.printStackTrace();
            } finally {
                closed.countDown();
            }
        }));
        node.start();
        closed.await();
    }
}
