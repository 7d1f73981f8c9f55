package dk.library.circulation.desk;

import static dk.library.circulation.Rejection.Code.UNKNOWN_MATERIAL_TYPE;

import dk.library.circulation.Rejection;
import dk.library.circulation.item.ItemCommand;
import dk.library.circulation.item.ItemReply;
import dk.library.circulation.policy.AgencyPolicy;
import java.util.TreeSet;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * A copy as registered by staff or an import: its barcode, its title at the owning agency, its
 * material type (one the agency's policy lists, R16, R23), an optional loan period of its own
 * (R16), whether it stays in the library, and the branch it is shelved at.
 */
public record ItemRegistration(
    String barcode,
    String titleId,
    String title,
    String agencyId,
    String materialType,
    Integer loanPeriodDays,
    boolean notForHomeLoan,
    String branchId) {

  /** R16, R23: the material type must be one the owning agency's policy lists; else why not. */
  public Rejection refusal(AgencyPolicy policy) {
    if (policy.material(materialType) != null) {
      return null;
    }
    return Rejection.of(
        UNKNOWN_MATERIAL_TYPE,
        "agency "
            + agencyId
            + " lends no material type '"
            + materialType
            + "'; its types are "
            + new TreeSet<>(policy.materialTypes().keySet()));
  }

  /** The item's own registration command. */
  public ItemCommand.Register command(ActorRef<ItemReply> replyTo) {
    return new ItemCommand.Register(
        titleId, title, agencyId, materialType, loanPeriodDays, notForHomeLoan, branchId, replyTo);
  }
}
