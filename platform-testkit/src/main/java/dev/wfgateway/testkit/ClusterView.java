package dev.wfgateway.testkit;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/** One cluster node's view of the cluster: its {@code CLUSTER NODES} reply, parsed. */
record ClusterView(List<ClusterView.Entry> entries) {

  /** A node as seen: its slot ranges if a master, its master's id if a replica. */
  record Entry(String id, int port, Set<String> flags, String masterId, List<SlotRange> slots) {
    boolean master() {
      return flags.contains("master");
    }

    boolean serves(int slot) {
      return slots.stream().anyMatch(range -> range.first() <= slot && slot <= range.last());
    }
  }

  record SlotRange(int first, int last) {
    @Override
    public String toString() {
      return first + "-" + last;
    }
  }

  /**
   * Parses lines of the form {@code <id> <ip:port@busport[,hostname]> <flags> <master-id|-> <ping-sent>
   * <pong-recv> <config-epoch> <link-state> [<slot>|<first-last>|[migrating]]...}.
   */
  static ClusterView parse(String clusterNodes) {
    List<Entry> entries = new ArrayList<>();
    for (String line : clusterNodes.split("\n")) {
      String[] fields = line.trim().split(" ");
      if (fields.length < 8) {
        continue;
      }
      String address = fields[1];
      int port = Integer.parseInt(address.substring(address.lastIndexOf(':', address.indexOf('@')) + 1,
          address.indexOf('@')));
      List<SlotRange> slots = new ArrayList<>();
      for (int i = 8; i < fields.length; i++) {
        if (!fields[i].startsWith("[")) {
          String[] range = fields[i].split("-");
          slots.add(new SlotRange(Integer.parseInt(range[0]), Integer.parseInt(range[range.length - 1])));
        }
      }
      entries.add(new Entry(fields[0], port, Set.of(fields[2].split(",")), fields[3], slots));
    }
    return new ClusterView(entries);
  }

  /** True when it lists {@code size} nodes and has finished the handshake with each. */
  boolean complete(int size) {
    return entries.size() == size
        && entries.stream().noneMatch(e -> e.flags().contains("handshake") || e.flags().contains("noaddr"));
  }

  Optional<Entry> byPort(int port) {
    return entries.stream().filter(e -> e.port() == port).findFirst();
  }

  Optional<Entry> masterOf(int slot) {
    return entries.stream().filter(e -> e.master() && e.serves(slot)).findFirst();
  }

  Optional<Entry> replicaOf(Entry master) {
    return entries.stream().filter(e -> e.masterId().equals(master.id())).findFirst();
  }

  Optional<Entry> masterOf(Entry replica) {
    return entries.stream().filter(e -> e.id().equals(replica.masterId())).findFirst();
  }

  /**
   * Who serves which slots and who replicates whom, by port, without this node's own flags
   * (myself, pfail): equal layouts are views that agree.
   */
  String layout() {
    return entries.stream().sorted(Comparator.comparingInt(Entry::port)).map(e -> e.master()
        ? e.port() + " master " + e.slots()
        : e.port() + " replica of " + masterOf(e).map(m -> String.valueOf(m.port())).orElse(e.masterId()))
        .collect(Collectors.joining("; "));
  }
}
