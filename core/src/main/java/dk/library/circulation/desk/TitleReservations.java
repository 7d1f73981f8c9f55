package dk.library.circulation.desk;

import dk.library.circulation.patron.Loan;
import java.util.Collection;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * R18: which of a patron's loans have a title that another patron has reserved. The hold queue (the
 * Title entity of the holds issue) answers this; until it exists no title is reserved.
 */
@FunctionalInterface
public interface TitleReservations {

  CompletionStage<Set<String>> reservedByOthers(String cardNumber, Collection<Loan> loans);

  TitleReservations NONE = (card, loans) -> CompletableFuture.completedFuture(Set.of());
}
