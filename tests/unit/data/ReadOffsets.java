// Reads a Kafka Connect standalone offsets file the way
// FileOffsetBackingStore.load() does and prints its entries, one per line,
// sorted by key: <key> => <value> (or "null"). The stream filter admits only
// java.util.HashMap and byte[] (plus the Map.Entry[] that HashMap.readObject
// itself checks before sizing its table), so any other class in the file
// fails.
// Usage: javac ReadOffsets.java && java ReadOffsets <file>
import java.io.FileInputStream;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

public class ReadOffsets {
    public static void main(String[] args) throws Exception {
        try (ObjectInputStream is = new ObjectInputStream(
                     new FileInputStream(args[0]))) {
            is.setObjectInputFilter(info -> {
                Class<?> c = info.serialClass();
                if (c == null || c == HashMap.class || c == byte[].class
                    || c == Map.Entry[].class)
                    return ObjectInputFilter.Status.ALLOWED;
                return ObjectInputFilter.Status.REJECTED;
            });
            Object obj = is.readObject();
            if (obj.getClass() != HashMap.class)
                throw new IllegalStateException("not a HashMap: "
                                                + obj.getClass());
            if (is.read() != -1)
                throw new IllegalStateException("trailing bytes");
            @SuppressWarnings("unchecked")
            Map<byte[], byte[]> raw = (Map<byte[], byte[]>) obj;
            List<String> lines = new ArrayList<>();
            for (Map.Entry<byte[], byte[]> e : raw.entrySet()) {
                String k = new String(e.getKey(), StandardCharsets.UTF_8);
                byte[] v = e.getValue();
                lines.add(k + " => "
                          + (v == null ? "null"
                                       : new String(v, StandardCharsets.UTF_8)));
            }
            lines.sort(null);
            System.out.println(raw.size() + " entries");
            for (String l : lines)
                System.out.println(l);
        }
    }
}
