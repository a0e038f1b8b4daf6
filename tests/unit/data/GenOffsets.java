// Writes tests/unit/data/connect.offsets exactly as Kafka Connect's
// FileOffsetBackingStore.save() does: a HashMap<byte[],byte[]> of the
// JsonConverter key/value bytes, written with ObjectOutputStream.writeObject.
// Usage: javac GenOffsets.java && java GenOffsets connect.offsets
import java.io.FileOutputStream;
import java.io.ObjectOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

public class GenOffsets {
    private static byte[] utf8(String s) {
        return s == null ? null : s.getBytes(StandardCharsets.UTF_8);
    }

    public static void main(String[] args) throws Exception {
        Map<byte[], byte[]> raw = new HashMap<>();
        raw.put(utf8("[\"http-src\",{\"url\":\"https://api.example/items\"}]"),
                utf8("{\"cursor\":\"abc\",\"ts\":1700000000000}"));
        // A tombstone: Connect keeps null values as entries.
        raw.put(utf8("[\"http-src\",{\"url\":\"https://api.example/gone\"}]"),
                null);
        // Non-ASCII: JsonConverter writes UTF-8 unescaped.
        raw.put(utf8("[\"other\",{\"city\":\"Z\u00fcrich\"}]"),
                utf8("{\"page\":\"Caf\u00e9 \u2615\"}"));
        try (ObjectOutputStream os = new ObjectOutputStream(
                     new FileOutputStream(args[0]))) {
            os.writeObject(raw);
        }
    }
}
