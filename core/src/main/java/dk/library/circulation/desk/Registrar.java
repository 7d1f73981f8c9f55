package dk.library.circulation.desk;

import dk.library.circulation.Result;
import dk.library.circulation.title.TitleCommand;
import java.util.List;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;

/**
 * How a bulk import registers its records: through the running entities ({@link #through}), or
 * during an initial load straight into their journals ({@code load.InitialLoad}). Both apply the
 * same rules and give the same answers, so an import reads the same either way.
 */
public interface Registrar {

  /** Lines an import registers at once: enough to keep what it waits for busy. */
  int linesAtOnce();

  /** The patron, their card(s) claimed first (R12, R14); refused as the entities would. */
  CompletionStage<Result<Done>> registerPatron(PatronRegistration registration);

  /** The item alone; its copy is added to its title with {@link #addCopies}. */
  CompletionStage<Result<Done>> registerItem(ItemRegistration item);

  /** Copies of registered items in their title's record of copies; copies it has are skipped. */
  CompletionStage<Done> addCopies(
      String agencyId, String titleId, String title, List<TitleCommand.NewCopy> copies);

  /** Registration through the entities, which then rest: an import touches each record once. */
  static Registrar through(CirculationDesk desk) {
    return new Registrar() {
      /**
       * Registering a record is mostly waiting (a new entity's recovery queries and first write
       * take ~50 ms each, measured by the entity metrics), so many are in flight; still few enough
       * that a large file is read only as fast as it is registered.
       */
      @Override
      public int linesAtOnce() {
        return 64;
      }

      @Override
      public CompletionStage<Result<Done>> registerPatron(PatronRegistration registration) {
        return desk.patrons()
            .registerPatron(registration)
            .thenApply(
                result -> {
                  if (result instanceof Result.Ok<?>) {
                    desk.rest(registration);
                  }
                  return result.map(status -> Done.getInstance());
                });
      }

      @Override
      public CompletionStage<Result<Done>> registerItem(ItemRegistration item) {
        return desk.registerItemAlone(item)
            .thenApply(
                result -> {
                  if (result instanceof Result.Ok<?>) {
                    desk.restItem(item.barcode());
                  }
                  return result.map(status -> Done.getInstance());
                });
      }

      @Override
      public CompletionStage<Done> addCopies(
          String agencyId, String titleId, String title, List<TitleCommand.NewCopy> copies) {
        return desk.addCopies(agencyId, titleId, title, copies);
      }
    };
  }
}
