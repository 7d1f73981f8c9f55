package dk.library.circulation.openlibrary;

import java.time.LocalDate;
import java.util.List;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;

/**
 * Where the open library's visits are kept (R45): one record per entry, by branch and day. A day's
 * visits are forgotten together when the deadline its first visit indexed falls due.
 */
public interface VisitLog {

  CompletionStage<Done> record(Visit visit);

  CompletionStage<List<Visit>> visits(String agencyId, String branchId, LocalDate day);

  CompletionStage<Done> forget(String agencyId, String branchId, LocalDate day);

  /** R41: the visits of one patron, by the patron's key; reads every day kept: for rare use. */
  CompletionStage<List<Visit>> visitsOf(String patronKey);

  /** R39: forgets the visits of a deleted account's patron. */
  CompletionStage<Done> forgetVisitsOf(String patronKey);

  /** What the deadline targets of visits start with. */
  String DEADLINE_PREFIX = "Visits/";

  /** The deadline target of a branch's day of visits; agency and branch ids hold no {@code ~}. */
  static String deadlineTarget(String agencyId, String branchId, LocalDate day) {
    return DEADLINE_PREFIX + agencyId + "~" + branchId + "~" + day;
  }
}
