package dk.library.circulation;

import java.util.List;

/**
 * What a rule decided for one command: events to persist, nothing to change (the command was
 * already carried out, so the reply comes from the current state), or a refusal. Rules are pure
 * functions returning a Decision; entities only persist it.
 */
public sealed interface Decision<E> {

  record Persist<E>(List<E> events) implements Decision<E> {
    public Persist {
      events = List.copyOf(events);
    }
  }

  record Unchanged<E>() implements Decision<E> {}

  record Refuse<E>(Rejection rejection) implements Decision<E> {}

  /** A refusal that still leaves a record, such as a wrong PIN counting towards the lockout. */
  record RefuseAfter<E>(List<E> events, Rejection rejection) implements Decision<E> {
    public RefuseAfter {
      events = List.copyOf(events);
    }
  }

  static <E> Decision<E> persist(E event) {
    return new Persist<>(List.of(event));
  }

  static <E> Decision<E> unchanged() {
    return new Unchanged<>();
  }

  static <E> Decision<E> refuse(Rejection.Code code, String message) {
    return new Refuse<>(Rejection.of(code, message));
  }
}
