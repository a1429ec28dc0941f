package io.syncline.examples;

import com.fasterxml.jackson.databind.JsonNode;
import io.syncline.engine.Peer;
import io.syncline.engine.Resolvers;
import io.syncline.engine.SyncCollection;
import io.syncline.engine.SyncEngine;
import io.syncline.engine.SyncResult;
import io.syncline.engine.WriteReceipt;
import io.syncline.store.memory.MemoryStore;
import io.syncline.testkit.LoopbackTransport;
import java.io.PrintStream;

/**
 * Embeds the engine: a server replica and two device replicas (a phone and a laptop) that sync
 * contacts through it, with offline edits, a delete and a concurrent edit of one contact that a
 * field-level merge resolves. The README shows this code.
 */
public final class QuickStart {
  private QuickStart() {}

  /** A contact, mapped to JSON by Jackson. */
  public record Contact(String name, String phone, String email) {}

  public static void main(String[] args) {
    run(System.out);
  }

  /** Runs the example, printing what happens; returns true if every replica converged. */
  public static boolean run(PrintStream out) {
    // A server replica; a real deployment serves engine.handler() over gRPC or HTTP.
    SyncEngine server =
        SyncEngine.builder()
            .replicaId("server")
            .store(new MemoryStore())
            .resolver(Resolvers.fieldMerge())
            .build();

    // Two devices that sync the scope "alice" with the server.
    SyncEngine phone = device("phone", server);
    SyncEngine laptop = device("laptop", server);
    SyncCollection<Contact> phoneContacts = phone.collection("contacts", Contact.class);
    SyncCollection<Contact> laptopContacts = laptop.collection("contacts", Contact.class);

    WriteReceipt ada = phoneContacts.put("ada", new Contact("Ada Lovelace", "+44 1", "ada@x.org"));
    phoneContacts.put("alan", new Contact("Alan Turing", "+44 2", "alan@x.org"));
    SyncResult first = phone.syncNow().blockingGet();
    ada.acknowledged().blockingAwait();
    out.println("phone pushed " + first.pushed() + " contacts; ada acknowledged by the server");
    out.println("laptop pulled " + laptop.syncNow().blockingGet().pulled() + " contacts");

    // Offline: the phone changes Ada's phone number, the laptop her e-mail, and deletes Alan.
    phoneContacts.put("ada", new Contact("Ada Lovelace", "+44 9", "ada@x.org"));
    laptopContacts.put("ada", new Contact("Ada Lovelace", "+44 1", "ada@analytical.org"));
    laptopContacts.delete("alan");

    for (int round = 0; round < 2; round++) {
      phone.syncNow().blockingGet();
      laptop.syncNow().blockingGet();
    }
    Contact onPhone = phoneContacts.get("ada").orElseThrow();
    Contact onLaptop = laptopContacts.get("ada").orElseThrow();
    out.println(
        "phone  sees " + onPhone + ", alan present: " + phoneContacts.get("alan").isPresent());
    out.println(
        "laptop sees " + onLaptop + ", alan present: " + laptopContacts.get("alan").isPresent());
    JsonNode onServer =
        server.collection("contacts", JsonNode.class, "alice").get("ada").orElseThrow();
    out.println("server sees " + onServer);

    boolean converged =
        onPhone.equals(onLaptop)
            && onPhone.phone().equals("+44 9")
            && onPhone.email().equals("ada@analytical.org")
            && phoneContacts.get("alan").isEmpty()
            && laptopContacts.get("alan").isEmpty();
    out.println(converged ? "converged: both edits kept on every replica" : "NOT converged");
    phone.close();
    laptop.close();
    server.close();
    return converged;
  }

  private static SyncEngine device(String id, SyncEngine server) {
    return SyncEngine.builder()
        .replicaId(id)
        .store(new MemoryStore())
        .resolver(Resolvers.fieldMerge())
        .defaultScope("alice")
        .peer(Peer.of("server", new LoopbackTransport(server.handler()), "alice"))
        .build();
  }
}
