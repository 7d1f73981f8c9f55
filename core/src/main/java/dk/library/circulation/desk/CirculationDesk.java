package dk.library.circulation.desk;

import static dk.library.circulation.Rejection.Code.BRANCH_NOT_FOUND;
import static dk.library.circulation.Rejection.Code.TRANSACTION_ID_REUSED;

import dk.library.circulation.Asks;
import dk.library.circulation.Passivation;
import dk.library.circulation.Rejection;
import dk.library.circulation.Result;
import dk.library.circulation.agency.Agency;
import dk.library.circulation.agency.Branch;
import dk.library.circulation.audit.AuditLog;
import dk.library.circulation.booking.PatronBookings;
import dk.library.circulation.booking.ResourceCatalogue;
import dk.library.circulation.booking.ResourceDay;
import dk.library.circulation.cache.CacheInvalidations;
import dk.library.circulation.cache.NodeCache;
import dk.library.circulation.cache.NodeCaches;
import dk.library.circulation.card.Card;
import dk.library.circulation.card.CardRules;
import dk.library.circulation.card.CprIndex;
import dk.library.circulation.card.RetiredCards;
import dk.library.circulation.deadline.DeadlineIndex;
import dk.library.circulation.deadline.DeadlineKeeper;
import dk.library.circulation.deadline.ServingLoad;
import dk.library.circulation.fee.DebtCollection;
import dk.library.circulation.fee.PaymentSession;
import dk.library.circulation.ill.InterlibraryRequest;
import dk.library.circulation.ill.InterlibraryRequestCommand;
import dk.library.circulation.ill.Partners;
import dk.library.circulation.ill.Worklists;
import dk.library.circulation.item.Item;
import dk.library.circulation.item.ItemCommand;
import dk.library.circulation.item.ItemReply;
import dk.library.circulation.metrics.LiveEntities;
import dk.library.circulation.notice.NoticeSender;
import dk.library.circulation.openlibrary.AccessSignUps;
import dk.library.circulation.openlibrary.VisitLog;
import dk.library.circulation.patron.CheckoutReceipt;
import dk.library.circulation.patron.Loan;
import dk.library.circulation.patron.Patron;
import dk.library.circulation.patron.PatronCommand;
import dk.library.circulation.patron.PatronHistory;
import dk.library.circulation.patron.PatronReply;
import dk.library.circulation.patron.PinKey;
import dk.library.circulation.policy.AgencyPolicy;
import dk.library.circulation.policy.Policy;
import dk.library.circulation.retention.JournalEraser;
import dk.library.circulation.statistics.CirculationStatistics;
import dk.library.circulation.title.Title;
import dk.library.circulation.title.TitleCommand;
import dk.library.circulation.title.TitleReply;
import dk.library.circulation.transaction.TransactionClaim;
import dk.library.circulation.transaction.TransactionKeys;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.ShardingEnvelope;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.cluster.sharding.typed.javadsl.StartEntity;

/**
 * Where checkouts, returns and renewals are carried out across entities. The desk decides nothing
 * itself: it asks each entity to apply its own rules, in an order that keeps a crash between two
 * steps recoverable (see docs/architecture.md, "Checkout protocol").
 */
public final class CirculationDesk {

  /**
   * How the desk and its entities are set up. {@code pinKey}: the server's key new PINs are hashed
   * under; {@code pinLockoutAfter}: wrong PINs in a row that lock a card until staff unlock it
   * (R4); {@code cprIndex}: the keyed hash CPR-like numbers are stored under (R3, R14); {@code
   * deadlines}: the durable deadline index (pickup deadlines R26, reminders R30-R35), worked at
   * {@code deadlinePace}; {@code noticeSender}: where patrons' notices go; {@code
   * liveEntitiesInterval}: how often the live entities per type are counted for the metrics; {@code
   * visits}: where the open library's visits are kept (R45); {@code debtCollection}: the ledger of
   * what is handed to debt collection (R35); {@code eraser}: what erases journals (R39, R40);
   * {@code retiredCards}: the cards of deleted accounts (R39); {@code statistics}: the anonymous
   * counts of loans, returns, renewals and holds (R42); {@code transactionKeys}: the day keys of
   * transaction claims (R40); {@code partners}: interlibrary lenders outside the core (ISO 18626);
   * {@code worklists}: the interlibrary worklists.
   */
  public record Settings(
      Clock clock,
      ZoneId zone,
      Duration askTimeout,
      PinKey pinKey,
      int pinLockoutAfter,
      CprIndex cprIndex,
      DeadlineIndex deadlines,
      DeadlineKeeper.Pace deadlinePace,
      ServingLoad serving,
      NoticeSender noticeSender,
      Duration liveEntitiesInterval,
      VisitLog visits,
      DebtCollection debtCollection,
      JournalEraser eraser,
      RetiredCards retiredCards,
      CirculationStatistics statistics,
      TransactionKeys transactionKeys,
      Partners partners,
      Worklists worklists) {}

  private final ActorSystem<?> system;
  private final ClusterSharding sharding;
  private final Settings settings;
  private final HoldDesk holds;
  private final Checkout checkout;
  private final Return returns;
  private final Renewal renewals;
  private final InterlibraryDesk interlibrary;
  private final BookingDesk bookings;
  private final PaymentDesk payments;
  private final DoorDesk door;
  private final PrivacyDesk privacy;
  private final FeeDesk fees;
  private final PatronDesk patrons;
  private final AuditLog audit;

  /** The shard regions {@link #wake} starts entities in; set once by {@link #start}. */
  private ActorRef<ShardingEnvelope<PatronCommand>> patronRegion;

  private ActorRef<ShardingEnvelope<TitleCommand>> titleRegion;

  /** The entity types this node shards, for the live-entity counts and the operator console. */
  private List<EntityTypeKey<?>> entityTypes = List.of();

  /** Every transaction reads its agency and policy: kept on each node (see {@link NodeCache}). */
  private final NodeCache<Agency.Details> agencies;

  private final NodeCache<Policy.PolicyVersion> policies;

  private CirculationDesk(
      ActorSystem<?> system,
      ClusterSharding sharding,
      Settings settings,
      CacheInvalidations invalidations) {
    this.system = system;
    this.sharding = sharding;
    this.settings = settings;
    this.agencies = new NodeCache<>("agencies", NodeCaches.TIME_TO_LIVE, 10_000, invalidations);
    this.policies = new NodeCache<>("policies", NodeCaches.TIME_TO_LIVE, 10_000, invalidations);
    this.holds = new HoldDesk(this);
    this.checkout = new Checkout(this);
    this.returns = new Return(this);
    this.renewals = new Renewal(this);
    this.interlibrary = new InterlibraryDesk(this);
    this.bookings = new BookingDesk(this);
    this.payments = new PaymentDesk(this);
    this.door = new DoorDesk(this);
    this.privacy = new PrivacyDesk(this);
    this.patrons = new PatronDesk(this);
    this.fees = new FeeDesk(this);
    this.audit =
        AuditLog.start(
            system,
            settings.zone(),
            settings.askTimeout(),
            settings.deadlines(),
            settings.eraser());
  }

  /** Interlibrary requests (R29). */
  public InterlibraryDesk interlibrary() {
    return interlibrary;
  }

  /** Holds, pickup and proxies (R25-R28). */
  public HoldDesk holds() {
    return holds;
  }

  /** Paying fees online (R36). */
  public PaymentDesk payments() {
    return payments;
  }

  /** Fees, payments at the desk, deposits and the blocks they lead to (R7, R30-R35, R46). */
  public PatronDesk patrons() {
    return patrons;
  }

  public FeeDesk fees() {
    return fees;
  }

  /** Bookings of PCs, meeting rooms and study cells (R44). */
  public BookingDesk bookings() {
    return bookings;
  }

  /** The open library's door (R45). */
  public DoorDesk door() {
    return door;
  }

  /** The patron's access export and the deletion of an account (R39, R41). */
  public PrivacyDesk privacy() {
    return privacy;
  }

  /** Staff and operator actions, a trail per day (erased after its window, R40). */
  public AuditLog audit() {
    return audit;
  }

  Settings settings() {
    return settings;
  }

  /** Where the API and SIP2 report each answer's time, for the work that yields to them. */
  public ServingLoad serving() {
    return settings.serving();
  }

  /** The libraries' time zone: the one their days (due dates, deadlines) are counted in. */
  public ZoneId zone() {
    return settings.zone();
  }

  /** Now, by the injected clock. */
  public Instant now() {
    return settings.clock().instant();
  }

  /** R42: one more transaction of {@code kind} today; never waits, never fails the transaction. */
  void count(
      CirculationStatistics.Kind kind, String agencyId, String branchId, String materialType) {
    settings
        .statistics()
        .count(
            new CirculationStatistics.Key(
                agencyId,
                branchId,
                materialType == null ? "unknown" : materialType,
                today(),
                kind));
  }

  /** R42: the agency's counts from {@code from} through {@code to}. */
  public CompletionStage<List<CirculationStatistics.Count>> statistics(
      String agencyId, LocalDate from, LocalDate to) {
    return settings.statistics().counts(agencyId, from, to);
  }

  /** Today in the libraries' time zone, by the injected clock. */
  public LocalDate today() {
    return LocalDate.ofInstant(settings.clock().instant(), settings.zone());
  }

  /** The entity types this node shards. */
  public List<EntityTypeKey<?>> entityTypes() {
    return entityTypes;
  }

  ClusterSharding sharding() {
    return sharding;
  }

  /** Starts sharding for agencies, patrons and items on this node and returns the desk. */
  public static CirculationDesk start(ActorSystem<?> system, Settings settings) {
    CirculationDesk desk = withAgencies(system, settings);
    ClusterSharding sharding = desk.sharding;
    sharding.init(
        Entity.of(
            Card.ENTITY_TYPE_KEY,
            ctx ->
                Card.create(
                    ctx.getEntityId(),
                    settings.clock(),
                    new Passivation(ctx.getShard()),
                    settings.eraser())));
    desk.patronRegion =
        sharding.init(
            Entity.of(
                Patron.ENTITY_TYPE_KEY,
                ctx ->
                    Patron.create(
                        ctx.getEntityId(),
                        settings.clock(),
                        settings.zone(),
                        desk::settleLend,
                        settings.pinLockoutAfter(),
                        settings.pinKey(),
                        settings.noticeSender(),
                        new Passivation(ctx.getShard()),
                        settings.deadlines(),
                        settings.debtCollection(),
                        desk::forgetBorrower,
                        settings.eraser(),
                        desk.privacy)));
    sharding.init(
        Entity.of(
            Item.ENTITY_TYPE_KEY,
            ctx ->
                Item.create(
                    ctx.getEntityId(),
                    settings.clock(),
                    desk.returns::noticeLoanEnded,
                    new Passivation(ctx.getShard()),
                    settings.eraser())));
    desk.titleRegion =
        sharding.init(
            Entity.of(
                Title.ENTITY_TYPE_KEY,
                ctx ->
                    Title.create(
                        ctx.getEntityId(),
                        settings.clock(),
                        settings.zone(),
                        desk.holds.copies(),
                        desk.holds::deliver,
                        settings.deadlines(),
                        settings.eraser())));
    sharding.init(
        Entity.of(
            TransactionClaim.ENTITY_TYPE_KEY,
            ctx ->
                TransactionClaim.create(
                    ctx.getEntityId(), settings.clock(), new Passivation(ctx.getShard()))));
    sharding.init(
        Entity.of(
            InterlibraryRequest.ENTITY_TYPE_KEY,
            ctx ->
                InterlibraryRequest.create(
                    ctx.getEntityId(),
                    settings.clock(),
                    desk.holds::deliver,
                    settings.eraser(),
                    settings.deadlines(),
                    settings.partners(),
                    settings.worklists())));
    sharding.init(
        Entity.of(
            ResourceCatalogue.ENTITY_TYPE_KEY,
            ctx -> ResourceCatalogue.create(ctx.getEntityId(), settings.clock())));
    sharding.init(
        Entity.of(
            ResourceDay.ENTITY_TYPE_KEY,
            ctx -> ResourceDay.create(ctx.getEntityId(), settings.clock(), settings.eraser())));
    sharding.init(
        Entity.of(
            PatronBookings.ENTITY_TYPE_KEY,
            ctx -> PatronBookings.create(ctx.getEntityId(), settings.clock(), settings.eraser())));
    sharding.init(
        Entity.of(
            AccessSignUps.ENTITY_TYPE_KEY,
            ctx -> AccessSignUps.create(ctx.getEntityId(), settings.clock(), settings.eraser())));
    sharding.init(
        Entity.of(
            PaymentSession.ENTITY_TYPE_KEY,
            ctx -> PaymentSession.create(ctx.getEntityId(), settings.clock(), settings.eraser())));
    desk.entityTypes =
        List.of(
            Agency.ENTITY_TYPE_KEY,
            Policy.ENTITY_TYPE_KEY,
            Card.ENTITY_TYPE_KEY,
            Patron.ENTITY_TYPE_KEY,
            Item.ENTITY_TYPE_KEY,
            Title.ENTITY_TYPE_KEY,
            InterlibraryRequest.ENTITY_TYPE_KEY,
            TransactionClaim.ENTITY_TYPE_KEY,
            ResourceCatalogue.ENTITY_TYPE_KEY,
            ResourceDay.ENTITY_TYPE_KEY,
            PatronBookings.ENTITY_TYPE_KEY,
            AccessSignUps.ENTITY_TYPE_KEY,
            PaymentSession.ENTITY_TYPE_KEY);
    LiveEntities.start(system, desk.entityTypes, settings.liveEntitiesInterval());
    DeadlineKeeper.start(
        system,
        settings.deadlines(),
        desk::deadlineReached,
        settings.clock(),
        settings.deadlinePace(),
        settings.serving());
    return desk;
  }

  /** Hands a deadline to the desk whose entity or record it names. */
  private CompletionStage<Done> deadlineReached(String target, Instant due) {
    if (BookingDesk.isTarget(target)) {
      return bookings.wake(target);
    }
    if (DoorDesk.isTarget(target)) {
      return door.wake(target);
    }
    if (target.startsWith(DebtCollection.DEADLINE_PREFIX)) {
      return settings.debtCollection().forgetClaim(target);
    }
    if (AuditLog.isTarget(target)) {
      return audit.erase(target);
    }
    if (TransactionKeys.isTarget(target)) {
      return settings.transactionKeys().forget(target);
    }
    if (target.startsWith(Patron.deadlineTarget(""))) {
      return remind(target.substring(Patron.deadlineTarget("").length()));
    }
    return holds.wake(target, due);
  }

  /**
   * For a server in initial-load mode: agencies and their policies only. No card, patron, item,
   * title or interlibrary entity starts on this node, and no deadline is worked, so the initial
   * load is the only writer of those journals while it runs.
   */
  public static CirculationDesk startForInitialLoad(ActorSystem<?> system, Settings settings) {
    CirculationDesk desk = withAgencies(system, settings);
    desk.entityTypes = List.of(Agency.ENTITY_TYPE_KEY, Policy.ENTITY_TYPE_KEY);
    LiveEntities.start(system, desk.entityTypes, settings.liveEntitiesInterval());
    return desk;
  }

  private static CirculationDesk withAgencies(ActorSystem<?> system, Settings settings) {
    ClusterSharding sharding = ClusterSharding.get(system);
    CirculationDesk desk =
        new CirculationDesk(system, sharding, settings, CacheInvalidations.get(system));
    sharding.init(Entity.of(Agency.ENTITY_TYPE_KEY, ctx -> Agency.create(ctx.getEntityId())));
    sharding.init(
        Entity.of(
            Policy.ENTITY_TYPE_KEY, ctx -> Policy.create(ctx.getEntityId(), settings.clock())));
    return desk;
  }

  // Agencies

  /**
   * Creates the agency and, the first time, its policy (version 1). Repeating the request is
   * harmless and never overwrites a policy changed since.
   */
  public CompletionStage<Result<AgencyView>> createAgency(
      String agencyId, String name, List<Branch> branches, AgencyPolicy policy, String createdBy) {
    return agencies
        .changed(agencyId, agencyAsk(agencyId, r -> new Agency.Create(name, branches, r)))
        .thenCompose(
            created -> {
              if (created instanceof Result.Refused<Agency.Details> refused) {
                return done(refused.rejection());
              }
              Agency.Details agency = ((Result.Ok<Agency.Details>) created).value();
              return policy(agencyId)
                  .thenCompose(
                      existing ->
                          existing instanceof Result.Ok<Policy.PolicyVersion>
                              ? CompletableFuture.completedFuture(existing)
                              : policies.changed(
                                  agencyId,
                                  policyAsk(
                                      agencyId,
                                      (ActorRef<Policy.Reply> r) ->
                                          new Policy.Change(policy, createdBy, r))))
                  .thenApply(version -> version.map(v -> view(agency, v)));
            });
  }

  /** The agency with its current policy. */
  public CompletionStage<Result<AgencyView>> agencyView(String agencyId) {
    return whenOk(
        agency(agencyId),
        details -> policy(agencyId).thenApply(version -> version.map(v -> view(details, v))));
  }

  private static AgencyView view(Agency.Details agency, Policy.PolicyVersion version) {
    return new AgencyView(
        agency.agencyId(), agency.name(), agency.branches(), version.version(), version.policy());
  }

  /** The current policy version of an agency. */
  public CompletionStage<Result<Policy.PolicyVersion>> policy(String agencyId) {
    return policies.get(agencyId, () -> policyAsk(agencyId, Policy.Get::new));
  }

  /** A new policy version for an existing agency; it applies to transactions from now on. */
  public CompletionStage<Result<Policy.PolicyVersion>> changePolicy(
      String agencyId, AgencyPolicy policy, String changedBy) {
    return whenOk(
        agency(agencyId),
        agency ->
            policies.changed(
                agencyId,
                policyAsk(
                    agencyId,
                    (ActorRef<Policy.Reply> r) -> new Policy.Change(policy, changedBy, r))));
  }

  public CompletionStage<Result<List<Policy.PolicyVersion>>> policyVersions(String agencyId) {
    return whenOk(
        agency(agencyId),
        agency ->
            ask(policyRef(agencyId), Policy.GetVersions::new)
                .thenApply(reply -> Result.ok(((Policy.Versions) reply).versions())));
  }

  private CompletionStage<Result<Policy.PolicyVersion>> policyAsk(
      String agencyId, Function<ActorRef<Policy.Reply>, Policy.Command> command) {
    return ask(policyRef(agencyId), command::apply)
        .thenApply(
            reply ->
                reply instanceof Policy.Current current
                    ? Result.ok(current.version())
                    : Result.refused(((Policy.Rejected) reply).rejection()));
  }

  public CompletionStage<Result<Agency.Details>> agency(String agencyId) {
    return agencies.get(agencyId, () -> agencyAsk(agencyId, Agency.Get::new));
  }

  private CompletionStage<Result<Agency.Details>> agencyAsk(
      String agencyId, Function<ActorRef<Agency.Reply>, Agency.Command> command) {
    return ask(agencyRef(agencyId), command::apply)
        .thenApply(
            reply ->
                reply instanceof Agency.Found found
                    ? Result.ok(found.agency())
                    : Result.refused(((Agency.Rejected) reply).rejection()));
  }

  CompletionStage<Result<Agency.Details>> branch(String agencyId, String branchId) {
    return agency(agencyId)
        .thenApply(
            result -> {
              if (result instanceof Result.Ok<Agency.Details> ok
                  && !ok.value().hasBranch(branchId)) {
                return Result.refused(
                    Rejection.of(
                        BRANCH_NOT_FOUND, "agency " + agencyId + " has no branch " + branchId));
              }
              return result;
            });
  }

  // Patrons and items

  /**
   * R39, R41: the patron records another entity that is about to name it, so a deletion takes it
   * along and the export finds it; refused as the patron would be.
   */
  CompletionStage<Result<Boolean>> recordElsewhere(String key, PatronHistory.NamedIn record) {
    return this.<PatronCommand, PatronReply>ask(
            patronRef(key), r -> new PatronCommand.RecordElsewhere(record, r))
        .thenApply(
            reply ->
                reply instanceof PatronReply.Rejected rejected
                    ? Result.<Boolean>refused(rejected.rejection())
                    : Result.ok(true));
  }

  String indexId(String number) {
    return settings.cprIndex().indexId(number);
  }

  public CompletionStage<Result<PatronReply.Status>> patronStatus(String cardNumber) {
    return patronAsk(cardNumber, PatronCommand.GetStatus::new);
  }

  /**
   * The home agency of the patron a card number belongs to, also when the card was reported lost;
   * empty for an unknown card. Lets the API answer a lost card of another agency as unknown.
   */
  public CompletionStage<Optional<String>> homeAgencyOfCard(String cardNumber) {
    return ask(cardRef(cardNumber), Card.Get::new)
        .thenCompose(
            reply -> {
              Card.Found card = (Card.Found) reply;
              String key = card.patronKey() != null ? card.patronKey() : indexId(cardNumber);
              return ask(patronRef(key), PatronCommand.GetStatus::new);
            })
        .thenApply(
            reply ->
                patronStatus(reply) instanceof Result.Ok<PatronReply.Status> ok
                    ? Optional.ofNullable(ok.value().homeAgencyId())
                    : Optional.empty());
  }

  /** The patron's status if the PIN matches the card (R4). */
  public CompletionStage<Result<PatronReply.Status>> checkPin(String cardNumber, String pin) {
    return patronAsk(cardNumber, r -> new PatronCommand.CheckPin(pin, r));
  }

  /** As {@link #checkPin}, for a patron logging in: the patron acted (R38). */
  public CompletionStage<Result<PatronReply.Status>> logIn(String cardNumber, String pin) {
    return patronAsk(cardNumber, r -> new PatronCommand.CheckPin(pin, true, r));
  }

  // Cards (R12)

  /**
   * The key of the patron a card number belongs to, unless the card was reported lost (R12). A
   * patron's key is almost always made from its own card number, and the patron records the loss of
   * that card before the card's record does: so the patron answers for its own card, and only other
   * numbers (replacement and institution cards, a CPR given beside a card, patrons registered
   * before patrons recorded their card's loss, unknown numbers) wake the card entity.
   */
  private CompletionStage<Result<String>> patronKey(String cardNumber) {
    String own = indexId(cardNumber);
    return ask(patronRef(own), PatronCommand.Identify::new)
        .thenCompose(
            reply -> {
              if (reply instanceof PatronReply.Identified patron && patron.ownCardKnown()) {
                return CompletableFuture.completedFuture(
                    patron.ownCardLost() != null
                        ? Result.<String>refused(CardRules.lost(cardNumber, patron.ownCardLost()))
                        : Result.ok(own));
              }
              return cardIndex(cardNumber);
            });
  }

  /** The card entity's answer for a number: its patron's key, or why the number cannot be used. */
  private CompletionStage<Result<String>> cardIndex(String cardNumber) {
    return ask(cardRef(cardNumber), Card.Get::new)
        .thenApply(
            reply -> {
              Card.Found card = (Card.Found) reply;
              if (card.lost() != null) {
                return Result.refused(CardRules.lost(cardNumber, card.lost()));
              }
              // Numbers registered before the card index are their patron's key.
              return Result.ok(card.patronKey() != null ? card.patronKey() : indexId(cardNumber));
            });
  }

  /**
   * Starts an entity without a message, so its recovery from the journal runs while the desk waits
   * for another entity; the step that needs it then finds it awake (or further on its way).
   */
  private static <M> void wake(
      ActorRef<ShardingEnvelope<M>> region, Class<M> commands, String entityId) {
    region.tell(StartEntity.create(commands, entityId));
  }

  /** Starts a title entity ahead of the step that asks it (see {@link #wake}). */
  void wakeTitle(String titleEntityId) {
    wake(titleRegion, TitleCommand.class, titleEntityId);
  }

  /** Runs {@code action} with the patron's key, or answers the card's refusal. */
  <T> CompletionStage<Result<T>> withPatronKey(
      String cardNumber, Function<String, CompletionStage<Result<T>>> action) {
    return whenOk(patronKey(cardNumber), action);
  }

  /** Runs {@code action} with the item's status, or answers why there is none. */
  <T> CompletionStage<Result<T>> withItem(
      String barcode, Function<ItemReply.Status, CompletionStage<Result<T>>> action) {
    return this.<ItemCommand, ItemReply>ask(itemRef(barcode), ItemCommand.GetStatus::new)
        .thenCompose(
            reply -> {
              ItemResult item = ItemResult.of(reply);
              return item.rejection() != null
                  ? done(item.rejection())
                  : action.apply(item.status());
            });
  }

  /** Continues with the value of an answer, or passes its refusal on unchanged. */
  static <T, U> CompletionStage<Result<U>> whenOk(
      CompletionStage<Result<T>> answer, Function<T, CompletionStage<Result<U>>> next) {
    return answer.thenCompose(
        result ->
            result instanceof Result.Ok<T> ok
                ? next.apply(ok.value())
                : done(((Result.Refused<T>) result).rejection()));
  }

  static Result<PatronReply.Status> patronStatus(PatronReply reply) {
    return reply instanceof PatronReply.StatusReply status
        ? Result.ok(status.status())
        : Result.refused(((PatronReply.Rejected) reply).rejection());
  }

  /**
   * The item, then its copy in the title's record of copies, also on a repeated registration, so a
   * retry finishes an interrupted one.
   */
  public CompletionStage<Result<ItemStatus>> registerItem(ItemRegistration item) {
    return registerItemAlone(item)
        .thenCompose(
            registered ->
                registered instanceof Result.Refused<ItemStatus>
                    ? CompletableFuture.completedFuture(registered)
                    : addCopies(
                            item.agencyId(),
                            item.titleId(),
                            item.title(),
                            List.of(new TitleCommand.NewCopy(item.barcode(), item.materialType())))
                        .thenApply(added -> registered));
  }

  /**
   * The item's own registration only: a bulk import adds the copies it registered to their titles
   * together ({@link #addCopies}), one journal write per title instead of one per copy. The
   * material type must be one the owning agency's policy lists (R16, R23).
   */
  public CompletionStage<Result<ItemStatus>> registerItemAlone(ItemRegistration item) {
    return policy(item.agencyId())
        .thenCompose(
            owner -> {
              if (owner instanceof Result.Refused<Policy.PolicyVersion> refused) {
                return done(refused.rejection());
              }
              Rejection refusal =
                  item.refusal(((Result.Ok<Policy.PolicyVersion>) owner).value().policy());
              if (refusal != null) {
                return done(refusal);
              }
              return ask(itemRef(item.barcode()), (ActorRef<ItemReply> r) -> item.command(r))
                  .thenApply(reply -> ItemResult.of(reply).map(CirculationDesk::shelved));
            });
  }

  /**
   * After a bulk import registered a patron: their card(s) and record leave memory at once rather
   * than after the idle timeout, since an import touches each record once. Only for a registration
   * that succeeded, when these entities are in memory (a rest sent to one that is not would wake
   * it).
   */
  public void rest(PatronRegistration registration) {
    cardRef(registration.cardNumber()).tell(new Card.Rest());
    if (registration.cpr() != null) {
      cardRef(registration.cpr()).tell(new Card.Rest());
    }
    patronRef(indexId(registration.cardNumber())).tell(new PatronCommand.Rest());
  }

  /** After a bulk import registered an item: as {@link #rest(PatronRegistration)}. */
  public void restItem(String barcode) {
    itemRef(barcode).tell(new ItemCommand.Rest());
  }

  /** Copies of registered items in their title's record of copies; copies it has are skipped. */
  public CompletionStage<Done> addCopies(
      String agencyId, String titleId, String title, List<TitleCommand.NewCopy> copies) {
    return ask(
            titleRef(agencyId, titleId),
            (ActorRef<TitleReply> r) ->
                new TitleCommand.AddCopies(agencyId, titleId, title, copies, r))
        .thenApply(added -> Done.getInstance());
  }

  private static ItemStatus shelved(ItemReply.Status s) {
    return new ItemStatus(
        s.item(),
        false,
        null,
        null,
        s.damage(),
        ItemStatus.Held.of(s.heldFor()),
        s.location(),
        s.timesLent());
  }

  /** The item, and while it is on loan the due date the borrower's record holds. */
  public CompletionStage<Result<ItemStatus>> itemStatus(String barcode) {
    return withItem(
        barcode,
        status -> {
          if (status.loan() == null) {
            return ok(shelved(status));
          }
          // The loan names the patron's key, not a card number: ask the patron directly.
          return ask(patronRef(status.loan().cardNumber()), PatronCommand.GetStatus::new)
              .thenApply(CirculationDesk::patronStatus)
              .thenApply(
                  patron -> {
                    LocalDate due =
                        patron instanceof Result.Ok<PatronReply.Status> p
                            ? p.value().loans().stream()
                                .filter(l -> l.checkoutId().equals(status.loan().checkoutId()))
                                .map(Loan::dueDate)
                                .findFirst()
                                .orElse(null)
                            : null;
                    return Result.ok(
                        new ItemStatus(
                            status.item(),
                            true,
                            ItemStatus.Lent.of(status.loan()),
                            due,
                            status.damage(),
                            null,
                            status.location(),
                            status.timesLent()));
                  });
        });
  }

  // Checkout

  /** A patron borrows an item: see {@link Checkout} for the protocol. */
  public CompletionStage<Result<CheckoutReceipt>> checkout(CheckoutRequest request) {
    return checkout.run(request);
  }

  /** Used by patrons recovering a pending checkout, and by the desk when a lend reply was lost. */
  CompletionStage<Boolean> settleLend(String barcode, String checkoutId) {
    return ask(
            itemRef(barcode), (ActorRef<ItemReply> r) -> new ItemCommand.SettleLend(checkoutId, r))
        .thenApply(reply -> reply instanceof ItemReply.LendSettlement s && s.lent());
  }

  /** R40: the copy forgets who borrowed it under a checkout whose window has ended. */
  CompletionStage<Done> forgetBorrower(String barcode, String checkoutId) {
    return ask(
            itemRef(barcode),
            (ActorRef<ItemReply> r) -> new ItemCommand.ForgetBorrower(checkoutId, r))
        .thenApply(
            reply -> {
              if (reply instanceof ItemReply.Forgotten) {
                return Done.getInstance();
              }
              throw new IllegalStateException(
                  "copy " + barcode + " did not forget checkout " + checkoutId + ": " + reply);
            });
  }

  // Return

  /** A copy comes back: see {@link Return} for the protocol. */
  public CompletionStage<Result<ReturnSlip>> returnItem(ReturnRequest request) {
    return returns.run(request).thenApply(result -> result.map(ReturnSlip::of));
  }

  // Renewal

  /**
   * Renews the named loans, or all loans when {@code barcodes} is empty, by each owner's policy:
   * see {@link Renewal}.
   */
  public CompletionStage<Result<List<PatronReply.RenewalResult>>> renew(
      String cardNumber, String pin, List<String> barcodes) {
    return renewals.run(cardNumber, pin, barcodes);
  }

  /** As {@link #renew}, for the holder of the patron's own token: no PIN is asked. */
  public CompletionStage<Result<List<PatronReply.RenewalResult>>> renewForTokenHolder(
      String cardNumber, List<String> barcodes) {
    return renewals.runForTokenHolder(cardNumber, barcodes);
  }

  /** What renewing each of the patron's loans would answer today; nothing is renewed. */
  public CompletionStage<Result<List<PatronReply.RenewalResult>>> renewalPreview(
      String cardNumber) {
    return renewals.preview(cardNumber);
  }

  // Deadlines

  /**
   * A patron's deadline (R30, R31, R33): done once what fell due is recorded and the next deadline
   * indexed; otherwise it fails and the deadline stays for the next round.
   */
  private CompletionStage<Done> remind(String patronKey) {
    return this.<PatronCommand, PatronReply>ask(patronRef(patronKey), PatronCommand.Remind::new)
        .thenApply(
            reply -> {
              if (reply instanceof PatronReply.Reminded r && !r.indexed()) {
                throw new IllegalStateException("the patron's next deadline was not indexed");
              }
              return Done.getInstance();
            });
  }

  /** Asks the patron a card belongs to, answering its status under that card's number. */
  CompletionStage<Result<PatronReply.Status>> patronAsk(
      String cardNumber, Function<ActorRef<PatronReply>, PatronCommand> command) {
    return withPatronKey(
        cardNumber,
        key ->
            ask(patronRef(key), command::apply)
                .thenApply(CirculationDesk::patronStatus)
                .thenApply(status -> status.map(s -> s.withCardNumber(cardNumber))));
  }

  // Plumbing

  static <T> CompletionStage<Result<T>> done(Rejection rejection) {
    return CompletableFuture.completedFuture(Result.refused(rejection));
  }

  private static <T> CompletionStage<Result<T>> ok(T value) {
    return CompletableFuture.completedFuture(Result.ok(value));
  }

  /** Where replies go that nobody waits for. */
  <T> ActorRef<T> ignoreReplies() {
    return system.ignoreRef();
  }

  <M, R> CompletionStage<R> ask(EntityRef<M> entity, Function<ActorRef<R>, M> command) {
    return Asks.ask(entity, command, settings.askTimeout());
  }

  private EntityRef<Agency.Command> agencyRef(String agencyId) {
    return sharding.entityRefFor(Agency.ENTITY_TYPE_KEY, agencyId);
  }

  private EntityRef<Policy.Command> policyRef(String agencyId) {
    return sharding.entityRefFor(Policy.ENTITY_TYPE_KEY, agencyId);
  }

  EntityRef<Card.Command> cardRef(String cardNumber) {
    return cardEntity(indexId(cardNumber));
  }

  /** The card entity of an index id (a card number, or a CPR's keyed hash). */
  EntityRef<Card.Command> cardEntity(String cardId) {
    return sharding.entityRefFor(Card.ENTITY_TYPE_KEY, cardId);
  }

  EntityRef<PatronCommand> patronRef(String cardNumber) {
    return sharding.entityRefFor(Patron.ENTITY_TYPE_KEY, cardNumber);
  }

  EntityRef<ItemCommand> itemRef(String barcode) {
    return sharding.entityRefFor(Item.ENTITY_TYPE_KEY, barcode);
  }

  EntityRef<TitleCommand> titleRef(String agencyId, String titleId) {
    return titleRef(Title.entityId(agencyId, titleId));
  }

  EntityRef<InterlibraryRequestCommand> requestRef(String requestId) {
    return sharding.entityRefFor(InterlibraryRequest.ENTITY_TYPE_KEY, requestId);
  }

  /**
   * Claims a client's transaction id for one checkout (see {@link TransactionClaim}): null when
   * granted, else the refusal. A claim made under another day's key is asked again with that day's
   * fingerprint, while the key lasts (a retry across midnight).
   */
  CompletionStage<Rejection> claimTransaction(
      String clientId, String transactionId, String cardNumber, String barcode) {
    String checkout = "checkout|" + cardNumber + "|" + barcode;
    EntityRef<TransactionClaim.Command> claim =
        sharding.entityRefFor(
            TransactionClaim.ENTITY_TYPE_KEY, TransactionClaim.entityId(clientId, transactionId));
    return settings
        .transactionKeys()
        .fingerprint(checkout)
        .thenCompose(fingerprint -> claim(claim, fingerprint.day(), fingerprint.hash()))
        .thenCompose(
            reply -> {
              if (!(reply instanceof TransactionClaim.ClaimedOn on)) {
                return CompletableFuture.completedFuture(reply);
              }
              return settings
                  .transactionKeys()
                  .fingerprintOn(on.day(), checkout)
                  .thenCompose(
                      hash ->
                          hash.isPresent()
                              ? claim(claim, on.day(), hash.get())
                              : CompletableFuture.completedFuture(
                                  new TransactionClaim.Taken(on.claimedAt())));
            })
        .thenApply(
            reply ->
                reply instanceof TransactionClaim.Granted
                    ? null
                    : Rejection.of(
                        TRANSACTION_ID_REUSED,
                        "transaction id "
                            + transactionId
                            + " was used by this client for another checkout at "
                            + claimedAt(reply)
                            + "; give each checkout a new transaction id"));
  }

  private CompletionStage<TransactionClaim.Reply> claim(
      EntityRef<TransactionClaim.Command> claim, LocalDate day, String fingerprint) {
    return ask(
        claim,
        (ActorRef<TransactionClaim.Reply> r) -> new TransactionClaim.Claim(day, fingerprint, r));
  }

  private static Instant claimedAt(TransactionClaim.Reply reply) {
    return reply instanceof TransactionClaim.Taken taken
        ? taken.claimedAt()
        : ((TransactionClaim.ClaimedOn) reply).claimedAt();
  }

  EntityRef<TitleCommand> titleRef(String titleEntityId) {
    return sharding.entityRefFor(Title.ENTITY_TYPE_KEY, titleEntityId);
  }
}
