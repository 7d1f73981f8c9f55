package dk.library.circulation;

/** The answer of an operation that spans entities: its value, or the rule that refused it. */
public sealed interface Result<T> {

  record Ok<T>(T value) implements Result<T> {}

  record Refused<T>(Rejection rejection) implements Result<T> {}

  static <T> Result<T> ok(T value) {
    return new Ok<>(value);
  }

  static <T> Result<T> refused(Rejection rejection) {
    return new Refused<>(rejection);
  }

  default <U> Result<U> map(java.util.function.Function<T, U> f) {
    return this instanceof Ok<T> ok
        ? new Ok<>(f.apply(ok.value()))
        : new Refused<>(((Refused<T>) this).rejection());
  }
}
