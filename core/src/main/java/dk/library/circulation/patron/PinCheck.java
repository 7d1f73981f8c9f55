package dk.library.circulation.patron;

/** Whether a PIN matches a stored hash; the rules take it as a parameter so they stay pure. */
@FunctionalInterface
public interface PinCheck {

  boolean matches(PinHash stored, String pin);

  /** The slow check every time. */
  PinCheck SLOW = PinHash::matches;
}
