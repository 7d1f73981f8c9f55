package dk.library.circulation.statistics;

import java.time.LocalDate;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * R42: loans, returns, renewals and holds counted per agency, branch, material type and day, for
 * operators and staff. Anonymous by construction: a count is keyed by where, what kind of material
 * and when, never by patron, card or copy, so the statistics store holds nothing a patron can be
 * found by. {@link #count} never waits and never fails its caller: the serving path only adds one
 * to a number in memory, and the store is written in the background (docs/architecture.md,
 * "Statistics").
 */
public interface CirculationStatistics {

  enum Kind {
    LOAN,
    RETURN,
    RENEWAL,
    HOLD
  }

  /** What one count is kept under. */
  record Key(String agencyId, String branchId, String materialType, LocalDate day, Kind kind) {}

  /** One row of the statistics. */
  record Count(LocalDate day, String branchId, String materialType, Kind kind, long count) {}

  /** The material type a title-level hold is counted under: it is for the title, not one copy. */
  String ANY_MATERIAL = "any";

  void count(Key key);

  /** The agency's counts from {@code from} through {@code to}, by day, branch, type and kind. */
  CompletionStage<List<Count>> counts(String agencyId, LocalDate from, LocalDate to);

  /** Counts nothing: for servers and tests that do not keep statistics. */
  static CirculationStatistics none() {
    return new CirculationStatistics() {
      @Override
      public void count(Key key) {}

      @Override
      public CompletionStage<List<Count>> counts(String agencyId, LocalDate from, LocalDate to) {
        return java.util.concurrent.CompletableFuture.completedFuture(List.of());
      }
    };
  }
}
