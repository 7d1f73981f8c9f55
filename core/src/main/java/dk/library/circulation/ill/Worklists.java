package dk.library.circulation.ill;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;

/**
 * The interlibrary worklists (docs/interlibrary.md, "Worklists"): an index each request writes of
 * itself, so a list is one read and wakes no request. A request is on its borrowing agency's list
 * and its current lender's (inside the core) under its status, oldest first, and on its patron's.
 */
public interface Worklists {

  /** A request's row on one list; {@code status} is the list's status partition. */
  record Entry(
      String list,
      String status,
      Instant requestedAt,
      String requestId,
      IsoStatus requestStatus,
      String titleId,
      String borrowingAgencyId,
      String lender) {

    /** The entry as its reader sees it: without the list, which may name a patron's key. */
    public Listed listed() {
      return new Listed(requestId, requestStatus, requestedAt, titleId, borrowingAgencyId, lender);
    }
  }

  record Listed(
      String requestId,
      IsoStatus status,
      Instant requestedAt,
      String titleId,
      String borrowingAgencyId,
      String lender) {}

  /** Entries oldest first; {@code next}, when there are more, is where the next page starts. */
  record Page(List<Entry> entries, String next) {

    /** As readers see it: {@code requests} without their lists, {@code next} to page on. */
    public Shown shown() {
      return new Shown(entries.stream().map(Entry::listed).toList(), next);
    }
  }

  record Shown(List<Listed> requests, String next) {}

  /** The status partition of a patron's list, which holds every status. */
  String ANY_STATUS = "any";

  static String borrowing(String agencyId) {
    return "borrowing:" + agencyId;
  }

  static String lending(String agencyId) {
    return "lending:" + agencyId;
  }

  static String patron(String patronKey) {
    return "patron:" + patronKey;
  }

  /**
   * Writes {@code keep} and removes {@code remove}, ordered by {@code version} (the request's
   * sequence number): an older write arriving late never undoes a newer one.
   */
  CompletionStage<Done> write(List<Entry> keep, List<Entry> remove, long version);

  /** A page of {@code list} under {@code status}, after the cursor {@code after} (null: first). */
  CompletionStage<Page> read(String list, String status, String after, int limit);

  /** Where a page ends: the last entry's place in its list. */
  record Cursor(Instant requestedAt, String requestId) {}

  /** An opaque cursor for the page after {@code last}. */
  static String cursor(Entry last) {
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(
            (last.requestedAt().toEpochMilli() + "\n" + last.requestId())
                .getBytes(StandardCharsets.UTF_8));
  }

  /** The cursor's place; {@link IllegalArgumentException} for text no page gave out. */
  static Cursor cursorOf(String cursor) {
    String[] parts =
        new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8).split("\n", 2);
    if (parts.length != 2 || parts[1].isEmpty()) {
      throw new IllegalArgumentException("not a worklist cursor");
    }
    return new Cursor(Instant.ofEpochMilli(Long.parseLong(parts[0])), parts[1]);
  }

  static Worklists none() {
    return new Worklists() {
      @Override
      public CompletionStage<Done> write(List<Entry> keep, List<Entry> remove, long version) {
        return CompletableFuture.completedFuture(Done.getInstance());
      }

      @Override
      public CompletionStage<Page> read(String list, String status, String after, int limit) {
        return CompletableFuture.completedFuture(new Page(List.of(), null));
      }
    };
  }
}
