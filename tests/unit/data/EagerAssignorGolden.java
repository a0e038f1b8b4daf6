/* Golden bytes of Java's EagerAssignor for tests/unit/test_group.c
 * (eager_assignor_java.txt). Run:
 *   CP="$(tests/kafka/kafka.sh classpath)"; javac -cp "$CP" -d /tmp EagerAssignorGolden.java
 *   java -cp "$CP:/tmp" EagerAssignorGolden > eager_assignor_java.txt (then the two header lines)
 * The WorkerCoordinator is allocated without its constructor (Unsafe): the
 * assignor only reads its config snapshot and sets its leader state. */
import org.apache.kafka.connect.runtime.distributed.*;
import org.apache.kafka.connect.storage.ClusterConfigState;
import org.apache.kafka.connect.runtime.TargetState;
import org.apache.kafka.connect.util.ConnectorTaskId;
import org.apache.kafka.common.message.JoinGroupResponseData.JoinGroupResponseMember;
import org.apache.kafka.common.utils.LogContext;
import java.nio.ByteBuffer;
import java.util.*;
/* Java's EagerAssignor on a given group: prints each member's assignment bytes. */
public class EagerAssignorGolden {
  static String hex(ByteBuffer b) { StringBuilder s = new StringBuilder(); while (b.hasRemaining()) s.append(String.format("%02x", b.get())); return s.toString(); }
  static void run(String name, String leader, String[] members, long[] offsets, String[] conns, int[] tasks, long leaderSnap) throws Exception {
    Map<String, Map<String, String>> cc = new HashMap<>(); Map<String, Integer> counts = new HashMap<>();
    Map<ConnectorTaskId, Map<String, String>> tc = new HashMap<>();
    for (int i = 0; i < conns.length; i++) { cc.put(conns[i], Map.of()); counts.put(conns[i], tasks[i]);
      for (int t = 0; t < tasks[i]; t++) tc.put(new ConnectorTaskId(conns[i], t), Map.of()); }
    ClusterConfigState st = new ClusterConfigState(leaderSnap, null, counts, cc, new HashMap<String, TargetState>(), tc, new HashMap<>(), new HashMap<>(), new HashMap<>(), new HashSet<>(), new HashSet<>());
    java.lang.reflect.Field f = sun.misc.Unsafe.class.getDeclaredField("theUnsafe"); f.setAccessible(true);
    sun.misc.Unsafe u = (sun.misc.Unsafe) f.get(null);
    WorkerCoordinator wc = (WorkerCoordinator) u.allocateInstance(WorkerCoordinator.class);
    wc.configSnapshot(st);
    List<JoinGroupResponseMember> ms = new ArrayList<>();
    for (int i = 0; i < members.length; i++)
      ms.add(new JoinGroupResponseMember().setMemberId(members[i]).setMetadata(ConnectProtocol.serializeMetadata(new ConnectProtocol.WorkerState("http://" + members[i] + "/", offsets[i])).array()));
    Map<String, ByteBuffer> out = new EagerAssignor(new LogContext()).performAssignment(leader, "default", ms, wc);
    for (String m : members) System.out.println(name + " " + m + " " + hex(out.get(m)));
  }
  public static void main(String[] a) throws Exception {
    run("small", "m-b", new String[]{"m-c", "m-a", "m-b"}, new long[]{5, 5, 4}, new String[]{"s2", "s1"}, new int[]{2, 3}, 5);
    String[] ms = new String[7]; long[] off = new long[7];
    for (int i = 0; i < 7; i++) { ms[i] = "m" + (6 - i); off[i] = 3; }
    String[] cs = new String[100]; int[] ts = new int[100];
    for (int c = 0; c < 100; c++) { cs[c] = String.format("k%03d", c); ts[c] = 1 + c % 4; }
    run("big", "m3", ms, off, cs, ts, 3);

  }
}
