package dk.library.circulation.loadtest;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

/**
 * The benchmark's library, the same for the set-up and every simulation: {@code agencies} agencies
 * ({@code DK-BENCH-00}, ...), patron {@code i} (card {@code 9<i, 9 digits>}) at agency {@code i %
 * agencies}, item {@code j} (barcode {@code B<j>}) at agency {@code j % agencies}, five copies per
 * title at each agency. A patron borrows at their own agency, so every checkout is allowed by
 * construction. Every patron's PIN is 1234.
 */
public record Population(int agencies, int patrons, int items) {

  public static final String PIN = "1234";
  static final int COPIES_PER_TITLE = 5;

  public Population {
    if (agencies < 1 || patrons < agencies || items < agencies) {
      throw new IllegalArgumentException(
          "a population needs at least one patron and one item per agency: " + this);
    }
  }

  /** As the benchmark hands it to a simulation's JVM. */
  public static Population fromSystemProperties() {
    return new Population(
        Integer.getInteger("agencies", 10),
        Integer.getInteger("patrons", 1_000),
        Integer.getInteger("items", 4_000));
  }

  public List<String> systemProperties() {
    return List.of("-Dagencies=" + agencies, "-Dpatrons=" + patrons, "-Ditems=" + items);
  }

  public String agencyId(int agency) {
    return String.format("DK-BENCH-%02d", agency);
  }

  public String card(int patron) {
    return String.format("9%09d", patron);
  }

  public String barcode(int item) {
    return "B" + item;
  }

  public int itemIndex(String barcode) {
    return Integer.parseInt(barcode.substring(1));
  }

  public String agencyOfItem(int item) {
    return agencyId(item % agencies);
  }

  public String titleOfItem(int item) {
    return "T" + (item / agencies / COPIES_PER_TITLE);
  }

  /** A random patron of the agency that owns {@code item}. */
  public String borrowerFor(int item, Random random) {
    return patronAt(item % agencies, random);
  }

  /** A random patron of {@code agency}. */
  public String patronAt(int agency, Random random) {
    int atAgency = (patrons - agency + agencies - 1) / agencies;
    return card(agency + agencies * random.nextInt(atAgency));
  }

  /**
   * Copies for interlibrary loans, besides the {@code items}: each the one copy of its title, so
   * every other agency lacks the title and asks the owner for it (R29).
   */
  public int interlibraryItems() {
    return Math.max(agencies, items / 1000);
  }

  public String interlibraryBarcode(int copy) {
    return "I" + copy;
  }

  public int interlibraryIndex(String barcode) {
    return Integer.parseInt(barcode.substring(1));
  }

  public String interlibraryTitle(int copy) {
    return "IT" + copy;
  }

  public String anyCard(Random random) {
    return card(random.nextInt(patrons));
  }

  /**
   * The operator's import: the agencies with one branch and a generous policy, the branch an open
   * library all day for every patron (R45, for {@link DoorEntries}), and a Danish reminder schedule
   * (R30, R31), so every loan pays for its deadline as in production ({@link DeadlineBurst}).
   */
  public String agencyLines() {
    StringBuilder lines = new StringBuilder();
    for (int a = 0; a < agencies; a++) {
      lines.append(
          ("{\"type\":\"agency\",\"agencyId\":\"%s\",\"name\":\"Benchmark library %d\","
                  + "\"branches\":[{\"branchId\":\"main\",\"name\":\"Main\"}],"
                  + "\"policy\":{\"loanPeriodDays\":28,\"maxLoans\":10000,\"maxRenewals\":2,"
                  + "\"openLibrary\":{\"branches\":[\"main\"],\"opens\":\"00:00\","
                  + "\"closes\":\"23:59\",\"signUpRequired\":false},"
                  + "\"reminders\":{\"dueSoonDays\":3,\"overdueNotices\":[{\"afterDays\":1},"
                  + "{\"afterDays\":14,\"feeDkk\":30},{\"afterDays\":28,\"feeDkk\":60}],"
                  + "\"lostAfterDays\":45}}}\n")
              .formatted(agencyId(a), a));
    }
    return lines.toString();
  }

  /**
   * The staff's import file: patrons (each with the PIN {@link #PIN}, which the server stores under
   * its PIN key), then items.
   */
  public void writeImport(Path file) throws IOException {
    try (BufferedWriter out = Files.newBufferedWriter(file)) {
      for (int i = 0; i < patrons; i++) {
        out.write(
            "{\"type\":\"patron\",\"cardNumber\":\"%s\",\"pin\":\"%s\",\"name\":\"Patron %d\",\"homeAgencyId\":\"%s\"}\n"
                .formatted(card(i), PIN, i, agencyId(i % agencies)));
      }
      for (int j = 0; j < items; j++) {
        out.write(
            ("{\"type\":\"item\",\"barcode\":\"%s\",\"titleId\":\"%s\",\"title\":\"Title %s\","
                    + "\"agencyId\":\"%s\",\"materialType\":\"book\",\"branchId\":\"main\"}\n")
                .formatted(barcode(j), titleOfItem(j), titleOfItem(j), agencyOfItem(j)));
      }
      for (int k = 0; k < interlibraryItems(); k++) {
        out.write(
            ("{\"type\":\"item\",\"barcode\":\"%s\",\"titleId\":\"%s\",\"title\":\"Rare %s\","
                    + "\"agencyId\":\"%s\",\"materialType\":\"book\",\"branchId\":\"main\"}\n")
                .formatted(
                    interlibraryBarcode(k),
                    interlibraryTitle(k),
                    interlibraryTitle(k),
                    agencyId(k % agencies)));
      }
    }
  }
}
