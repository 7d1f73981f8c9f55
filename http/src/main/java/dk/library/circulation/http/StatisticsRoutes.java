package dk.library.circulation.http;

import static dk.library.circulation.access.Operation.READ_STATISTICS;
import static org.apache.pekko.http.javadsl.server.PathMatchers.segment;

import dk.library.circulation.access.AccessControl;
import dk.library.circulation.desk.CirculationDesk;
import dk.library.circulation.statistics.CirculationStatistics;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.Route;

/** R42: an agency's anonymous circulation statistics. See docs/api.md, "Statistics". */
final class StatisticsRoutes extends ApiDirectives {

  /** The longest period one request reads: a year (twelve or thirteen partitions). */
  static final int MAX_DAYS = 366;

  record Statistics(
      String agencyId, LocalDate from, LocalDate to, List<CirculationStatistics.Count> counts) {}

  private final CirculationDesk desk;

  StatisticsRoutes(CirculationDesk desk, AccessControl access, ApiMetrics metrics) {
    super(access, metrics);
    this.desk = desk;
  }

  Route routes(Call call) {
    return pathPrefix(
        "agencies",
        () ->
            pathPrefix(
                segment(),
                agency ->
                    path(
                        "statistics",
                        () ->
                            get(
                                () ->
                                    named(
                                        "/api/v1/agencies/{agencyId}/statistics",
                                        () ->
                                            allowed(
                                                call,
                                                READ_STATISTICS,
                                                () ->
                                                    parameter(
                                                        "from",
                                                        from ->
                                                            parameter(
                                                                "to",
                                                                to ->
                                                                    statistics(
                                                                        call, agency, from,
                                                                        to)))))))));
  }

  private Route statistics(Call call, String agency, String fromText, String toText) {
    LocalDate from = Times.date(fromText);
    LocalDate to = Times.date(toText);
    List<Problem.FieldError> errors = new ArrayList<>();
    Forms.require(
        errors, "agencyId", Forms.AGENCY_ID.matcher(agency).matches(), Forms.AGENCY_ID_TEXT);
    Forms.require(errors, "from", from != null, Forms.DATE_TEXT);
    Forms.require(errors, "to", to != null, Forms.DATE_TEXT);
    if (from != null && to != null) {
      Forms.require(errors, "to", !to.isBefore(from), "a date on or after from");
      Forms.require(
          errors,
          "to",
          ChronoUnit.DAYS.between(from, to) < MAX_DAYS,
          "at most " + MAX_DAYS + " days after from");
    }
    if (!errors.isEmpty()) {
      return complete(problem(Problem.invalidRequest(errors)));
    }
    if (!READ_STATISTICS.permits(call.caller(), agency)) {
      return complete(outsideScope(call, agency));
    }
    return completeWithFuture(
        recover(
            desk.statistics(agency, from, to)
                .thenApply(
                    counts ->
                        jsonResponse(StatusCodes.OK, new Statistics(agency, from, to, counts)))));
  }
}
