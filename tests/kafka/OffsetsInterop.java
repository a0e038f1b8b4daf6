// Reads and writes source offsets through Kafka Connect's own classes
// (KafkaOffsetBackingStore, OffsetStorageReaderImpl, OffsetStorageWriter),
// configured as a distributed worker's, to prove that httpsrc-connect's
// offset.storage.topic is Connect's format. Built by the real-kafka tests
// with javac against the Maven jars (tests/kafka/kafka.sh).
//
//   OffsetsInterop BOOT TOPIC read CONNECTOR
//       prints "<partition JSON>\t<offset JSON>\t<topic partition>\t<key>"
//       per partition of CONNECTOR: the key bytes Connect's JsonConverter
//       writes for it and the partition Java's default partitioner picks
//   OffsetsInterop BOOT TOPIC write CONNECTOR PARTITION_JSON OFFSET_JSON
//       stores one offset (OFFSET_JSON "null": a tombstone) and waits for it
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.connect.json.JsonConverter;
import org.apache.kafka.connect.runtime.distributed.DistributedConfig;
import org.apache.kafka.connect.storage.KafkaOffsetBackingStore;
import org.apache.kafka.connect.storage.OffsetStorageReaderImpl;
import org.apache.kafka.connect.storage.OffsetStorageWriter;
import org.apache.kafka.connect.util.TopicAdmin;

public class OffsetsInterop {
    static final ObjectMapper JSON = new ObjectMapper();

    static JsonConverter converter(boolean isKey) {
        JsonConverter c = new JsonConverter();
        c.configure(Map.of("schemas.enable", "false"), isKey);
        return c;
    }

    static Map<String, Object> map(String json) throws Exception {
        return JSON.readValue(json, new TypeReference<Map<String, Object>>() {});
    }

    public static void main(String[] a) throws Exception {
        String boot = a[0], topic = a[1], mode = a[2], connector = a[3];
        Map<String, String> w = new HashMap<>();
        w.put("bootstrap.servers", boot);
        w.put("group.id", "interop");
        w.put("offset.storage.topic", topic);
        w.put("offset.storage.replication.factor", "1");
        w.put("config.storage.topic", "interop-configs");
        w.put("status.storage.topic", "interop-status");
        w.put("key.converter", "org.apache.kafka.connect.json.JsonConverter");
        w.put("value.converter", "org.apache.kafka.connect.json.JsonConverter");
        DistributedConfig config = new DistributedConfig(w);
        Map<String, Object> adminProps = new HashMap<>();
        adminProps.put("bootstrap.servers", boot);
        KafkaOffsetBackingStore store = new KafkaOffsetBackingStore(
                () -> new TopicAdmin(adminProps), () -> "interop", converter(true));
        store.configure(config);
        store.start(); // reads the topic to its end
        try {
            if (mode.equals("read")) {
                Set<Map<String, Object>> parts = store.connectorPartitions(connector);
                OffsetStorageReaderImpl reader = new OffsetStorageReaderImpl(
                        store, connector, converter(true), converter(false));
                int n = config.getInt("offset.storage.partitions");
                for (Map.Entry<Map<String, Object>, Map<String, Object>> e :
                        reader.offsets(parts).entrySet()) {
                    byte[] key = converter(true).fromConnectData(topic, null,
                            Arrays.asList(connector, e.getKey()));
                    System.out.println(JSON.writeValueAsString(e.getKey()) + "\t"
                            + JSON.writeValueAsString(e.getValue()) + "\t"
                            + Utils.toPositive(Utils.murmur2(key)) % n + "\t"
                            + new String(key, StandardCharsets.UTF_8));
                }
            } else {
                OffsetStorageWriter writer = new OffsetStorageWriter(
                        store, connector, converter(true), converter(false));
                writer.offset(map(a[4]), a[5].equals("null") ? null : map(a[5]));
                if (!writer.beginFlush())
                    throw new IllegalStateException("nothing to flush");
                writer.doFlush((err, v) -> {
                    if (err != null) err.printStackTrace();
                }).get(30, TimeUnit.SECONDS);
            }
        } finally {
            store.stop();
        }
    }
}
