package dk.library.circulation.http;

import static dk.library.circulation.access.Operation.IMPORT;
import static dk.library.circulation.access.Operation.REGISTER_ITEM;
import static dk.library.circulation.access.Operation.REGISTER_PATRON;

import com.fasterxml.jackson.core.JsonProcessingException;
import dk.library.circulation.Rejection;
import dk.library.circulation.Result;
import dk.library.circulation.access.AccessControl;
import dk.library.circulation.audit.AuditRecord;
import dk.library.circulation.client.Role;
import dk.library.circulation.desk.CirculationDesk;
import dk.library.circulation.desk.ItemRegistration;
import dk.library.circulation.desk.PatronRegistration;
import dk.library.circulation.desk.Registrar;
import dk.library.circulation.title.TitleCommand;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;
import org.apache.pekko.http.javadsl.model.ContentType;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpCharsets;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.MediaTypes;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.stream.javadsl.Framing;
import org.apache.pekko.stream.javadsl.FramingTruncation;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;

/**
 * {@code POST /api/v1/imports}: agencies, patrons and items in bulk, one JSON object per line
 * (NDJSON). Lines are read as they arrive and registered many at a time ({@link
 * Registrar#linesAtOnce}), so a slow server slows the sender (back-pressure over TCP); the answer
 * streams back while the import runs: each refused line with its problem, a progress line about
 * every second, and a summary. A line is checked and registered exactly as its single-record route
 * would, and registrations are idempotent, so the same file imported twice changes nothing the
 * second time (patrons already registered count as existing). See docs/api.md, "Bulk import".
 */
final class ImportRoutes extends ApiDirectives {

  /** Attempts per line when an entity does not answer in time. */
  static final int ATTEMPTS = 3;

  /**
   * Registered items whose copies are added to their titles together: a file lists a title's copies
   * near each other, so one title write stands for several copies (measured in docs/benchmarks.md,
   * "Population and import speed").
   */
  static final int COPIES_PER_BATCH = 512;

  static final Duration COPIES_WAIT = Duration.ofMillis(300);

  static final int MAX_LINE_BYTES = 64 * 1024;
  static final int MAX_ERRORS_REPORTED = 1_000;

  private static final Pattern TYPE = Pattern.compile("agency|patron|item");
  private static final ContentType.WithFixedCharset NDJSON =
      ContentTypes.create(MediaTypes.applicationWithFixedCharset("x-ndjson", HttpCharsets.UTF_8));

  private final CirculationDesk desk;
  private final Registrar registrar;

  ImportRoutes(
      CirculationDesk desk, Registrar registrar, AccessControl access, ApiMetrics metrics) {
    super(access, metrics);
    this.desk = desk;
    this.registrar = registrar;
  }

  Route routes(Call call) {
    return path(
        "imports",
        () ->
            post(
                () ->
                    named(
                        "/api/v1/imports",
                        () ->
                            allowed(call, IMPORT, () -> withoutSizeLimit(() -> importing(call))))));
  }

  private Route importing(Call call) {
    return extractRequestEntity(
        entity ->
            complete(
                HttpResponse.create()
                    .withStatus(StatusCodes.OK)
                    .withEntity(HttpEntities.create(NDJSON, run(call, entity.getDataBytes())))));
  }

  /** One line's outcome: imported, already there, or refused with its problem. */
  private record Outcome(long line, String kind, Problem problem) {}

  /** A line's outcome so far, and the item whose copy its title still has to add. */
  private record Registered(Outcome outcome, ItemRegistration item) {

    static Registered done(Outcome outcome) {
      return new Registered(outcome, null);
    }
  }

  /** The copies one title adds together. */
  private record TitleKey(String agencyId, String titleId, String title) {

    static TitleKey of(ItemRegistration item) {
      return new TitleKey(item.agencyId(), item.titleId(), item.title());
    }
  }

  /** The counts so far and the refusals of the latest batch, as the response reports them. */
  private record Progress(
      long lines, long imported, long existing, long failed, List<Outcome> refused) {

    static Progress start() {
      return new Progress(0, 0, 0, 0, List.of());
    }

    Progress add(List<Outcome> batch) {
      long imported = this.imported;
      long existing = this.existing;
      List<Outcome> refused = new ArrayList<>();
      for (Outcome o : batch) {
        switch (o.kind()) {
          case "imported" -> imported++;
          case "existing" -> existing++;
          default -> refused.add(o);
        }
      }
      return new Progress(
          lines + batch.size(), imported, existing, failed + refused.size(), List.copyOf(refused));
    }

    Map<String, Object> counts() {
      Map<String, Object> counts = new LinkedHashMap<>();
      counts.put("lines", lines);
      counts.put("imported", imported);
      counts.put("existing", existing);
      counts.put("failed", failed);
      return counts;
    }
  }

  private Source<ByteString, ?> run(Call call, Source<ByteString, ?> data) {
    AtomicReference<Progress> last = new AtomicReference<>(Progress.start());
    Source<ByteString, ?> progress =
        data.via(
                Framing.delimiter(
                    ByteString.fromString("\n"), MAX_LINE_BYTES, FramingTruncation.ALLOW))
            .map(ByteString::utf8String)
            .zipWithIndex()
            .filter(line -> !line.first().isBlank())
            .mapAsync(
                registrar.linesAtOnce(), line -> importLine(call, line.first(), line.second() + 1))
            .groupedWithin(COPIES_PER_BATCH, COPIES_WAIT)
            .mapAsync(2, this::addCopies)
            .mapConcat(outcomes -> outcomes)
            .groupedWithin(10_000, Duration.ofSeconds(1))
            .scan(Progress.start(), Progress::add)
            .drop(1)
            .mapConcat(
                p -> {
                  Progress before = last.getAndSet(p);
                  List<ByteString> out = new ArrayList<>();
                  for (Outcome o : p.refused()) {
                    if (before.failed() + out.size() < MAX_ERRORS_REPORTED) {
                      out.add(line(Map.of("line", o.line(), "problem", o.problem())));
                    }
                  }
                  out.add(line(Map.of("progress", p.counts())));
                  return out;
                })
            .recover(
                org.apache.pekko.japi.pf.PFBuilder.<Throwable, ByteString>create()
                    .matchAny(
                        failure ->
                            line(
                                Map.of(
                                    "problem",
                                    Problem.of(
                                        StatusCodes.BAD_REQUEST,
                                        "IMPORT_INTERRUPTED",
                                        "the import stopped after "
                                            + last.get().lines()
                                            + " lines: "
                                            + failure.getMessage()
                                            + "; lines before it are imported, send the rest"
                                            + " again"))))
                    .build());
    return progress.concatLazy(
        Source.lazyCompletionStage(
            () ->
                audit(call, last.get())
                    .thenApply(done -> line(Map.of("done", last.get().counts())))));
  }

  private CompletionStage<Void> audit(Call call, Progress p) {
    if (call.caller().role() != Role.STAFF && call.caller().role() != Role.OPERATOR) {
      return CompletableFuture.completedFuture(null);
    }
    return access
        .audit()
        .append(
            new AuditRecord(
                access.clock().instant(),
                call.caller().clientId(),
                call.caller().role().name().toLowerCase(),
                call.address(),
                "IMPORT",
                p.lines()
                    + " lines: "
                    + p.imported()
                    + " imported, "
                    + p.existing()
                    + " existing, "
                    + p.failed()
                    + " failed",
                200,
                null))
        .thenApply(appended -> null);
  }

  private ByteString line(Object value) {
    try {
      return ByteString.fromString(json.writeValueAsString(value) + "\n");
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write an import line", e);
    }
  }

  /** Tries a line again when an entity did not answer in time: registering twice is harmless. */
  private CompletionStage<Registered> importLine(Call call, String text, long number) {
    return importLine(call, text, number, ATTEMPTS);
  }

  private CompletionStage<Registered> importLine(
      Call call, String text, long number, int attempts) {
    return importOnce(call, text, number)
        .thenCompose(
            registered ->
                attempts > 1 && unavailable(registered.outcome())
                    ? importLine(call, text, number, attempts - 1)
                    : CompletableFuture.completedFuture(registered));
  }

  private static boolean unavailable(Outcome outcome) {
    return outcome.problem() != null && outcome.problem().code().equals("SERVICE_UNAVAILABLE");
  }

  /**
   * Adds the copies of the batch's registered items to their titles, one command per title; a line
   * is imported once its copy is in its title's record. The title commands are retried like lines:
   * adding a copy twice is harmless.
   */
  private CompletionStage<List<Outcome>> addCopies(List<Registered> batch) {
    Map<TitleKey, List<ItemRegistration>> byTitle = new LinkedHashMap<>();
    for (Registered r : batch) {
      if (r.item() != null) {
        byTitle.computeIfAbsent(TitleKey.of(r.item()), k -> new ArrayList<>()).add(r.item());
      }
    }
    Map<TitleKey, CompletableFuture<Boolean>> added = new LinkedHashMap<>();
    byTitle.forEach(
        (title, items) ->
            added.put(
                title,
                addCopies(
                        title,
                        items.stream()
                            .map(i -> new TitleCommand.NewCopy(i.barcode(), i.materialType()))
                            .toList(),
                        ATTEMPTS)
                    .toCompletableFuture()));
    return CompletableFuture.allOf(added.values().toArray(CompletableFuture[]::new))
        .thenApply(
            all ->
                batch.stream()
                    .map(
                        r ->
                            r.item() == null || added.get(TitleKey.of(r.item())).join()
                                ? r.outcome()
                                : refused(r.outcome().line(), unavailableProblem()))
                    .toList());
  }

  private CompletionStage<Boolean> addCopies(
      TitleKey title, List<TitleCommand.NewCopy> copies, int attempts) {
    return registrar
        .addCopies(title.agencyId(), title.titleId(), title.title(), copies)
        .handle((done, failure) -> failure == null)
        .thenCompose(
            added ->
                added || attempts <= 1
                    ? CompletableFuture.completedFuture(added)
                    : addCopies(title, copies, attempts - 1));
  }

  private CompletionStage<Registered> importOnce(Call call, String text, long number) {
    try {
      RequestBody body = RequestBody.parse(json, text);
      String type = body.text("type", TYPE, "one of agency, patron, item");
      if (type == null) {
        body.finish();
      }
      CompletionStage<Registered> registered =
          switch (type) {
            case "agency" -> agency(call, body, number).thenApply(Registered::done);
            case "patron" -> patron(call, body, number).thenApply(Registered::done);
            default -> item(call, body, number);
          };
      return registered.exceptionally(
          failure -> Registered.done(refused(number, unavailableProblem())));
    } catch (RequestBody.Invalid invalid) {
      return CompletableFuture.completedFuture(
          Registered.done(new Outcome(number, "failed", invalid.problem)));
    }
  }

  private CompletionStage<Outcome> agency(Call call, RequestBody body, long number)
      throws RequestBody.Invalid {
    Registrations.AgencyForm agency = Registrations.agency(body);
    body.finish();
    if (call.caller().role() != Role.OPERATOR) {
      return done(refused(number, roleProblem(call, "create agencies")));
    }
    return desk.createAgency(
            agency.agencyId(),
            agency.name(),
            agency.branches(),
            agency.policy(),
            call.caller().clientId())
        .thenApply(result -> outcome(number, result));
  }

  private CompletionStage<Outcome> patron(Call call, RequestBody body, long number)
      throws RequestBody.Invalid {
    PatronRegistration registration =
        Registrations.patron(body, call.caller().clientId(), access.clock().instant());
    body.finish();
    if (call.caller().role() != Role.STAFF) {
      return done(refused(number, roleProblem(call, "register patrons")));
    }
    if (!REGISTER_PATRON.permits(call.caller(), registration.homeAgencyId())) {
      return done(refused(number, scopeProblem(call, registration.homeAgencyId())));
    }
    return registrar.registerPatron(registration).thenApply(result -> outcome(number, result));
  }

  private CompletionStage<Registered> item(Call call, RequestBody body, long number)
      throws RequestBody.Invalid {
    ItemRegistration item = Registrations.item(body);
    body.finish();
    if (call.caller().role() != Role.STAFF) {
      return done(refused(number, roleProblem(call, "register items"))).thenApply(Registered::done);
    }
    if (!REGISTER_ITEM.permits(call.caller(), item.agencyId())) {
      return done(refused(number, scopeProblem(call, item.agencyId()))).thenApply(Registered::done);
    }
    return registrar
        .registerItem(item)
        .thenApply(
            result ->
                result instanceof Result.Ok<?>
                    ? new Registered(outcome(number, result), item)
                    : Registered.done(outcome(number, result)));
  }

  private static Outcome outcome(long number, Result<?> result) {
    if (result instanceof Result.Refused<?> refused) {
      Rejection rejection = refused.rejection();
      return rejection.code() == Rejection.Code.PATRON_ALREADY_REGISTERED
          ? new Outcome(number, "existing", null)
          : refused(number, Problem.of(rejection));
    }
    return new Outcome(number, "imported", null);
  }

  private static Outcome refused(long number, Problem problem) {
    return new Outcome(number, "failed", problem);
  }

  private static CompletionStage<Outcome> done(Outcome outcome) {
    return CompletableFuture.completedFuture(outcome);
  }

  private static Problem roleProblem(Call call, String what) {
    return Problem.of(
        StatusCodes.FORBIDDEN,
        "ROLE_NOT_ALLOWED",
        "role " + call.caller().role().name().toLowerCase() + " may not " + what + " in an import");
  }

  private static Problem scopeProblem(Call call, String agencyId) {
    return Problem.of(
        StatusCodes.FORBIDDEN,
        "OUTSIDE_AGENCY_SCOPE",
        "client " + call.caller().clientId() + " does not act for agency " + agencyId);
  }

  private static Problem unavailableProblem() {
    return Problem.of(
        StatusCodes.SERVICE_UNAVAILABLE,
        "SERVICE_UNAVAILABLE",
        "the line was not answered in time; import it again (imports are idempotent)");
  }
}
