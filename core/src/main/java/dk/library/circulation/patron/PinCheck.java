package dk.library.circulation.patron;

/** Whether a PIN matches a stored hash; the rules take it as a parameter so they stay pure. */
@FunctionalInterface
public interface PinCheck {

  boolean matches(PinHash stored, String pin);

  /** The PBKDF2 check every time (hashes made with an iteration count only). */
  PinCheck SLOW = PinHash::matches;

  /** Every kind of hash, keyed ones under {@code key}. */
  static PinCheck with(PinKey key) {
    return (stored, pin) -> stored.matches(pin, key);
  }
}
