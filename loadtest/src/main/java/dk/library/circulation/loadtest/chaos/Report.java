package dk.library.circulation.loadtest.chaos;

import java.time.Duration;
import java.util.List;

/** The campaign's report: a table of the scenarios, then each one's findings and answers. */
final class Report {

  private Report() {}

  static String row(FaultCampaign.Outcome o) {
    Verdict v = o.verdict();
    return "| %s | %s | %d | %d | %d | %d | %d | %d | %d | %s | %s |"
        .formatted(
            o.scenario(),
            o.fault(),
            o.acknowledged(),
            o.refused(),
            o.attempts(),
            v.lost(),
            v.duplicateLoans(),
            v.copiesLentTwice(),
            v.disagreements(),
            o.timeToServe(),
            o.passed() ? "passed" : "FAILED");
  }

  static String markdown(List<FaultCampaign.Outcome> outcomes, Duration took) {
    StringBuilder md = new StringBuilder();
    md.append("# Fault campaign (bin/chaos)\n\n")
        .append("Took ")
        .append(took.toMinutes())
        .append(" min ")
        .append(took.toSecondsPart())
        .append(" s. ")
        .append(Fleet.MACHINES)
        .append(" machines, each on ")
        .append(Fleet.PATRONS_PER_MACHINE)
        .append(" patrons and ")
        .append(Fleet.COPIES_PER_MACHINE)
        .append(" copies of its own; every transaction retried with its id until answered.\n\n")
        .append(
            "| scenario | fault | acknowledged | refused | attempts | lost | duplicate loans"
                + " | copies lent twice | patron/item disagree | time to serve again | verdict |\n")
        .append("|---|---|---|---|---|---|---|---|---|---|---|\n");
    for (FaultCampaign.Outcome o : outcomes) {
      md.append(row(o)).append('\n');
    }
    for (FaultCampaign.Outcome o : outcomes) {
      md.append("\n## ").append(o.scenario()).append("\n\n");
      if (!o.notes().isEmpty()) {
        md.append(o.notes()).append("\n\n");
      }
      md.append("Answers (status, code): ").append(o.answers()).append("\n\n");
      md.append("Checked against the final state: ")
          .append(o.verdict().acknowledgedChecked())
          .append(" standing loans and holds.\n");
      for (String finding : o.verdict().findings()) {
        md.append("- ").append(finding).append('\n');
      }
    }
    return md.toString();
  }
}
